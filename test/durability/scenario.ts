/**
 * One durability scenario: its own database, fake Twilio, (private) Redis and
 * a child-process service, plus the steps every durability test shares:
 * a shopper who abandons a cart, is asked to opt in, says YES and gets a
 * three-step sequence (A at once, B at +4 s, C at +8 s after abandonment).
 * C is the fourth marketing text within 24 hours (the opt-in request counts),
 * so the frequency cap refuses it: it is decided exactly once and never sent,
 * which still proves that its timer and its outbox row survived.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { signShopifyBody } from '../../src/integrations/shopify/shopify-signature.js';
import { startFakeTwilio, type FakeTwilio, type RecordedRequest } from '../support/fake-twilio.js';
import {
  ACCOUNT_SID,
  ADMIN_TOKEN,
  AUTH_TOKEN,
  PUBLIC_BASE_URL,
  WEBHOOK_SECRET,
  checkoutFor,
  eventually,
  type QueueMode,
} from '../support/harness.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { reachableRecipient, type Recipient } from '../support/reachable-recipient.js';
import { createServiceProcess, type ServiceProcess } from '../support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { buildSignedTwilioPost } from '../support/twilio-webhook-client.js';

export const SHOP_NAME = 'Durable Shop';

/** Second-level offsets keep a whole scenario around ten seconds. */
export const FLOW = {
  abandonAfterSeconds: 1,
  optInTimeoutSeconds: 600,
  steps: [
    { afterSeconds: 0, template: 'A {{shopName}}' },
    { afterSeconds: 4, template: 'B {{shopName}} {{cartTotal}}' },
    { afterSeconds: 8, template: 'C {{shopName}} {{discountCode}}', discountCode: 'SAVE10' },
  ],
};

export type Kind = 'optIn' | 'A' | 'B' | 'C' | 'other';

/** Which of the expected texts a body is. */
export function kindOf(body: string): Kind {
  if (body.startsWith(`${SHOP_NAME}: reply YES`)) return 'optIn';
  // The first reminder after the opt-in carries the opt-out notice.
  if (body === `A ${SHOP_NAME} Reply STOP to opt out`) return 'A';
  if (body.startsWith(`B ${SHOP_NAME} `) && /\d/.test(body)) return 'B';
  if (body === `C ${SHOP_NAME} SAVE10`) return 'C';
  return 'other';
}

export interface ConversationView {
  id: string;
  state: string;
  consent: string;
  messages: Array<{ id: string; direction: string; kind: string; body: string; status: string; statusReason: string | null }>;
  pendingTimers: Array<{ kind: string; stepIndex: number | null; dueAt: string }>;
}

export interface Scenario {
  mode: QueueMode;
  database: TestDatabase;
  twilio: FakeTwilio;
  redis: PrivateRedis | null;
  service: ServiceProcess;
  recipient: Recipient;
  merchant: { id: string; apiKey: string; senderNumber: string } | null;
  /** Accepted texts to the shopper, in arrival order. */
  texts(): RecordedRequest[];
  count(kind: Kind): number;
  /** Resolves with the text once one of `kind` has reached the fake Twilio. */
  waitForText(kind: Kind, timeoutMs?: number): Promise<RecordedRequest>;
  /** Whether step C has been queued (its outbox row exists), read from the database. */
  stepCQueued(): Promise<boolean>;
  /** Resolves once step C has been decided: refused by the frequency cap. */
  waitForStepCRefused(timeoutMs?: number): Promise<void>;
  conversation(): Promise<ConversationView | null>;
  /** Merchant with the three-step flow, a checkout, the opt-in request, YES, and step A sent. */
  runUntilStepASent(): Promise<void>;
  /** Exactly opt-in ×1, A ×1, B ×1 at the fake Twilio, C never; the conversation is completed, three `sent`, C `refused` by the cap. */
  assertExactlyOnce(): Promise<void>;
  /** Everything the child service and Redis wrote, plus what the fake Twilio received. */
  diagnostics(): string;
  close(): Promise<void>;
}

export async function createScenario(label: string, mode: QueueMode, options: { env?: Record<string, string> } = {}): Promise<Scenario> {
  const database = await createTestDatabase(`dur_${label}_${mode}`);
  const twilio = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  let redis: PrivateRedis | null = null;
  try {
    redis = mode === 'redis' ? await startPrivateRedis() : null;
  } catch (error) {
    await twilio.close();
    await database.drop();
    throw error;
  }
  const service = await createServiceProcess({
    databaseUrl: database.url,
    redisUrl: redis ? redis.url : '',
    adminToken: ADMIN_TOKEN,
    secretsKey: randomBytes(32).toString('base64'),
    twilioAccountSid: ACCOUNT_SID,
    twilioAuthToken: AUTH_TOKEN,
    twilioApiBaseUrl: twilio.url,
    publicBaseUrl: PUBLIC_BASE_URL,
    reconcileIntervalSeconds: 1,
    env: options.env,
  });
  const recipient = reachableRecipient();
  const senderNumber = `+1415555${String(1000 + Math.floor(Math.random() * 9000))}`;

  async function request(method: string, path: string, init: { body?: unknown; token?: string } = {}) {
    const headers: Record<string, string> = { authorization: `Bearer ${init.token ?? ADMIN_TOKEN}` };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(service.url + path, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await response.text();
    let body: any = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: response.status, body, text };
  }

  const scenario: Scenario = {
    mode,
    database,
    twilio,
    redis,
    service,
    recipient,
    merchant: null,
    texts: () => twilio.messagesTo(recipient.phone),
    count: (kind) => twilio.messagesTo(recipient.phone).filter((r) => kindOf(r.form.Body ?? '') === kind).length,
    waitForText(kind, timeoutMs = 15_000) {
      return eventually(
        async () => twilio.messagesTo(recipient.phone).find((r) => kindOf(r.form.Body ?? '') === kind),
        timeoutMs,
        `text ${kind} to ${recipient.phone}`,
      );
    },
    async stepCQueued() {
      // From the database: the service may be down.
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const result = await client.query(`SELECT 1 FROM messages WHERE direction = 'outbound' AND kind = 'reminder' AND step_index = 2`);
        return result.rows.length > 0;
      } finally {
        await client.end();
      }
    },
    async waitForStepCRefused(timeoutMs = 15_000) {
      await eventually(
        async () => {
          const view = await scenario.conversation();
          return view?.messages.some((m) => kindOf(m.body) === 'C' && m.status === 'refused');
        },
        timeoutMs,
        'step C refused by the frequency cap',
      );
    },
    async conversation() {
      if (!scenario.merchant) return null;
      const response = await request('GET', `/api/v1/conversations?phone=${encodeURIComponent(recipient.phone)}`, {
        token: scenario.merchant.apiKey,
      });
      return response.status === 200 ? (response.body as ConversationView) : null;
    },
    async runUntilStepASent() {
      const created = await request('POST', '/api/v1/merchants', {
        body: {
          name: SHOP_NAME,
          platform: 'shopify',
          shopDomain: 'durable-shop.myshopify.com',
          webhookSecret: WEBHOOK_SECRET,
          timezone: 'America/New_York',
          senderNumber,
          supportContact: 'help@durable-shop.test',
          flow: FLOW,
        },
      });
      assert.equal(created.status, 201, `merchant not created: ${created.text}`);
      scenario.merchant = { id: created.body.id, apiKey: created.body.apiKey, senderNumber };

      const raw = Buffer.from(JSON.stringify(checkoutFor(recipient)));
      const webhook = await fetch(`${service.url}/webhooks/shopify/${scenario.merchant.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'checkouts/create',
          'x-shopify-hmac-sha256': signShopifyBody(raw, WEBHOOK_SECRET),
          'x-shopify-shop-domain': 'durable-shop.myshopify.com',
          'x-shopify-api-version': '2026-10',
          'x-shopify-webhook-id': randomUUID(),
          'x-shopify-event-id': randomUUID(),
          'x-shopify-triggered-at': new Date().toISOString(),
        },
        body: raw,
      });
      const webhookText = await webhook.text();
      assert.equal(webhook.status, 200, `checkout webhook refused: ${webhookText}`);
      assert.equal(JSON.parse(webhookText).status, 'processed', webhookText);

      await scenario.waitForText('optIn');
      const params = {
        MessageSid: 'SM' + randomBytes(16).toString('hex'),
        SmsSid: 'SM' + randomBytes(16).toString('hex'),
        AccountSid: ACCOUNT_SID,
        From: recipient.phone,
        To: senderNumber,
        Body: 'YES',
        NumMedia: '0',
        NumSegments: '1',
        SmsStatus: 'received',
        ApiVersion: '2010-04-01',
      };
      const signed = buildSignedTwilioPost(`${PUBLIC_BASE_URL}/webhooks/twilio/inbound`, params, AUTH_TOKEN);
      const inbound = await fetch(`${service.url}/webhooks/twilio/inbound`, { method: 'POST', headers: signed.headers, body: signed.body });
      assert.equal(inbound.status, 200, await inbound.text());

      await scenario.waitForText('A');
      // Killing between the provider's answer and the `sent` write would leave A `unknown`
      // by design (never resent); wait until A is recorded as sent.
      await eventually(
        async () => {
          const view = await scenario.conversation();
          return view?.messages.some((m) => m.direction === 'outbound' && kindOf(m.body) === 'A' && m.status === 'sent');
        },
        10_000,
        'step A recorded as sent',
      );
    },
    async assertExactlyOnce() {
      const view = await eventually(
        async () => {
          const v = await scenario.conversation();
          return v && v.state === 'completed' && v.messages.every((m) => m.direction !== 'outbound' || m.status !== 'pending') ? v : null;
        },
        10_000,
        'conversation completed',
      );
      // Longer than a reconcile interval: a late duplicate would show up here.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const counts = { optIn: scenario.count('optIn'), A: scenario.count('A'), B: scenario.count('B'), C: scenario.count('C'), other: scenario.count('other') };
      assert.deepEqual(
        counts,
        { optIn: 1, A: 1, B: 1, C: 0, other: 0 },
        `texts to ${recipient.phone}: ${JSON.stringify(scenario.texts().map((r) => r.form.Body))}`,
      );
      assert.equal(twilio.requests.length, 3, `the fake Twilio got ${twilio.requests.length} request(s) in all`);
      const final = (await scenario.conversation()) ?? view;
      assert.equal(final.state, 'completed');
      assert.equal(final.consent, 'confirmed');
      assert.deepEqual(final.pendingTimers, [], 'no timer may be left pending');
      const outbound = final.messages.filter((m) => m.direction === 'outbound');
      assert.deepEqual(
        outbound.map((m) => [kindOf(m.body), m.status]).sort(),
        [
          ['A', 'sent'],
          ['B', 'sent'],
          ['C', 'refused'],
          ['optIn', 'sent'],
        ],
        `outbound messages: ${JSON.stringify(outbound)}`,
      );
      assert.equal(outbound.find((m) => kindOf(m.body) === 'C')?.statusReason, 'frequency_cap');
    },
    diagnostics() {
      const texts = twilio.requests.map((r) => `  ${r.receivedAt.toISOString()} ${r.status} to=${r.form.To} ${JSON.stringify(r.form.Body)}`);
      return [
        `--- scenario ${label} (${mode}) database ${database.name}`,
        '--- fake Twilio requests:',
        ...texts,
        '--- service output (tail):',
        service.outputTail(),
        ...(redis ? ['--- redis-server output (tail):', redis.output().split('\n').slice(-20).join('\n')] : []),
      ].join('\n');
    },
    async close() {
      const steps = [
        () => service.stop(),
        () => twilio.close(),
        () => (redis ? redis.stop() : Promise.resolve()),
        () => database.drop(),
      ];
      const errors: unknown[] = [];
      for (const step of steps) {
        try {
          await step();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, `cleanup of ${label} (${mode}) failed`);
    },
  };
  return scenario;
}

/**
 * Runs `body` with a fresh scenario; on failure prints what the child service
 * logged and what the fake Twilio received, and always cleans up.
 */
export async function withScenario(
  t: TestContext,
  label: string,
  mode: QueueMode,
  body: (s: Scenario) => Promise<void>,
  options: { env?: Record<string, string> } = {},
): Promise<void> {
  const scenario = await createScenario(label, mode, options);
  const started = Date.now();
  try {
    await scenario.service.start();
    await body(scenario);
    t.diagnostic(`${label} (${mode}): ${Date.now() - started} ms`);
  } catch (error) {
    process.stderr.write(`\n${scenario.diagnostics()}\n`);
    throw error;
  } finally {
    await scenario.close();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
