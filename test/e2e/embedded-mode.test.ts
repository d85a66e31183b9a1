import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { signShopifyBody } from '../../src/integrations/shopify/shopify-signature.js';
import { checkoutFor, eventually, WEBHOOK_SECRET } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';
import { freePort, REPO_ROOT } from '../support/service-process.js';

/**
 * What a new user gets from `npm start` with nothing configured: an embedded
 * PostgreSQL in the data dir, BullMQ on it, console SMS, a generated operator
 * token printed once and kept for the next start.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'cartrescue-embedded-'));
let child: ChildProcess | null = null;
after(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(port: number): Promise<{ output: () => string; url: string }> {
  let text = '';
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await eventually(async () => (await fetch(`${url}/readyz`)).status === 200, 60_000, 'embedded service ready');
  } catch (error) {
    throw new Error(`${String(error)}\n--- service output ---\n${text}`);
  }
  await eventually(async () => text.includes('CartRescue listening on'), 5_000, 'start banner');
  return { output: () => text, url };
}

async function stop(): Promise<number | null> {
  const running = child;
  if (!running) return null;
  const exited = new Promise<number | null>((resolve) => running.once('exit', (code) => resolve(code)));
  running.kill('SIGTERM');
  return exited;
}

test('npm start on embedded defaults: token printed once, a checkout reaches the console provider, data survives a restart', async () => {
  const port = await freePort();
  const first = await start(port);
  const token = /Operator token[^:]*: (\S+)/.exec(first.output())?.[1];
  assert.ok(token, `the generated operator token is printed:\n${first.output()}`);
  assert.equal(statSync(join(dataDir, 'secrets.json')).mode & 0o777, 0o600, 'kept readable by its owner only');

  const created = await fetch(`${first.url}/api/v1/merchants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Embedded Shop',
      platform: 'shopify',
      shopDomain: 'embedded.myshopify.com',
      webhookSecret: WEBHOOK_SECRET,
      timezone: 'America/New_York',
      senderNumber: '+14155550199',
      flow: { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}}: {{recoveryUrl}}' }] },
    }),
  });
  assert.equal(created.status, 201);
  const merchant = (await created.json()) as { id: string; apiKey: string; webhookUrl: string };
  assert.equal(merchant.webhookUrl, `${first.url}/webhooks/shopify/${merchant.id}`, 'without PUBLIC_BASE_URL, a URL the operator can paste as is');

  const recipient = reachableRecipient();
  const sendCheckout = (url: string) => {
    const raw = Buffer.from(JSON.stringify(checkoutFor(recipient)));
    return fetch(`${url}/webhooks/shopify/${merchant.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'checkouts/create',
        'x-shopify-hmac-sha256': signShopifyBody(raw, WEBHOOK_SECRET),
        'x-shopify-event-id': randomUUID(),
      },
      body: raw,
    });
  };
  assert.equal((await sendCheckout(first.url)).status, 200);
  const conversation = await eventually(async () => {
    const response = await fetch(`${first.url}/api/v1/conversations?phone=${encodeURIComponent(recipient.phone)}`, {
      headers: { authorization: `Bearer ${merchant.apiKey}` },
    });
    const body = (await response.json()) as { messages?: Array<{ kind: string; status: string }> };
    return body.messages?.some((m) => m.kind === 'opt_in_request' && m.status === 'sent') ? body : undefined;
  }, 20_000, 'the opt-in request handed to the console provider');
  assert.ok(conversation);
  assert.match(first.output(), /reply YES/, 'the console provider logs the text it would send');

  assert.equal(await stop(), 0, 'SIGTERM drains and exits 0');

  const second = await start(port);
  assert.doesNotMatch(second.output(), /Operator token/, 'an existing token is not printed again');
  assert.doesNotMatch(second.output(), /initialising embedded PostgreSQL/, 'the existing data dir is reused, not re-initialised');
  const again = await fetch(`${second.url}/api/v1/merchants/${merchant.id}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(again.status, 200, 'the merchant survived the restart');
  // The webhook secret is sealed with the kept SECRETS_KEY: a key made anew at this start could not open it.
  assert.equal((await sendCheckout(second.url)).status, 200, 'the merchant secret still opens after a restart');
  assert.equal(await stop(), 0);
});
