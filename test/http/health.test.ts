import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ACCOUNT_SID, checkoutFor, eventually, PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';
import { freePort } from '../support/service-process.js';
import { ADMIN_PG_URL } from '../support/test-database.js';
import { buildSignedTwilioPost } from '../support/twilio-webhook-client.js';

/** One sample of a Prometheus text exposition, keyed by its name and its labels in name order. */
function sampleKey(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, value]) => `${label}=${JSON.stringify(value)}`);
  return `${name}{${pairs.join(',')}}`;
}

/**
 * Parses the Prometheus text format (version 0.0.4): `# HELP`/`# TYPE` lines
 * are skipped, every other line must be `name{label="value",...} value`.
 * A line that is neither fails the parse, so a malformed scrape is caught too.
 */
function parsePrometheus(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
  const label = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const match = line.exec(raw);
    assert.ok(match, `not a Prometheus sample line: ${raw}`);
    const [, name, labelText = '', valueText] = match;
    const labels: Record<string, string> = {};
    label.lastIndex = 0;
    while (label.lastIndex < labelText.length) {
      const start = label.lastIndex;
      const pair = label.exec(labelText);
      assert.ok(pair && pair.index === start, `malformed labels in: ${raw}`);
      labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    // Go's float parser (Prometheus's) takes NaN and Inf in any case; prom-client writes `Nan` for an empty mean.
    const special: Record<string, number> = { nan: NaN, '+inf': Infinity, inf: Infinity, '-inf': -Infinity };
    const value = special[valueText!.toLowerCase()] ?? Number(valueText);
    assert.ok(valueText!.toLowerCase() === 'nan' || !Number.isNaN(value), `not a sample value: ${raw}`);
    samples.set(sampleKey(name!, labels), value);
  }
  return samples;
}

async function scrape(h: Harness): Promise<Map<string, number>> {
  const response = await fetch(`${h.service.url}/metrics`);
  assert.equal(response.status, 200);
  return parsePrometheus(await response.text());
}

/** A counter's value for exactly these labels; a labelled counter never incremented is not exported, i.e. 0. */
const counter = (samples: Map<string, number>, name: string, labels: Record<string, string>) => samples.get(sampleKey(name, labels)) ?? 0;

/** A `redis-server` of this file's own on a fixed port, so it can be killed and started again where the service expects it. */
async function startRedisOn(port: number): Promise<ChildProcess> {
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  liveRedis.add(server);
  server.once('exit', () => liveRedis.delete(server));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`redis-server on port ${port} exited at start`);
    const probe = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    probe.on('error', () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return server;
    } catch {
      // not up yet
    } finally {
      probe.disconnect();
    }
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      throw new Error(`redis-server on port ${port} did not answer within 10 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once both queue workers (timers, outbox) wait in their blocking pop on the Redis at `port`. */
async function workersBlockingOn(port: number, timeoutMs = 10_000): Promise<void> {
  const inspector = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: 1 });
  inspector.on('error', () => {});
  try {
    await eventually(async () => {
      const clients = String(await inspector.client('LIST')).split('\n');
      return clients.filter((client) => / cmd=bzpopmin /.test(client)).length >= 2;
    }, timeoutMs, `both workers blocking on redis port ${port}`);
  } finally {
    inspector.disconnect();
  }
}

async function killRedis(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = once(server, 'exit');
  server.kill('SIGKILL');
  await exited;
}

const liveRedis = new Set<ChildProcess>();
process.once('exit', () => {
  for (const server of liveRedis) server.kill('SIGKILL');
});

/** A statement on the machine's PostgreSQL as its superuser (never on a service's own pool). */
async function asAdmin<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: ADMIN_PG_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Liveness, readiness and the Prometheus scrape: the doors an orchestrator and a monitor use. */
describe('health, readiness and metrics over HTTP', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ label: 'http_health' });
  });
  after(async () => h?.close());

  test('GET /healthz answers 200 {"status":"ok"} without any token', async () => {
    const response = await h.request('GET', '/healthz', { token: null });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok' });
  });

  test('GET /readyz answers 200 when the database and the queue both answer', async () => {
    const response = await h.request('GET', '/readyz', { token: null });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.status, 'ready');
    assert.equal(response.body.database, true);
    assert.equal(response.body.queue, true);
  });

  test('an unknown route answers 404 with the error envelope', async () => {
    const response = await h.request('GET', '/no/such/route', { token: null });
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, 'not_found');
    assert.equal(typeof response.body.error.message, 'string');
  });

  test('GET /metrics is Prometheus text with the webhook, message, queue-lag and overdue-timer series', async () => {
    // One refused webhook (unknown merchant) so the refused counter carries its platform/reason labels.
    const refused = await fetch(`${h.service.url}/webhooks/shopify/${randomUUID()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(refused.status, 404);
    await refused.text();

    const response = await fetch(`${h.service.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    assert.match(text, /^# TYPE cartrescue_webhooks_received_total counter$/m);
    assert.match(text, /^# TYPE cartrescue_webhooks_refused_total counter$/m);
    assert.match(text, /^cartrescue_webhooks_refused_total\{platform="shopify",reason="unknown_merchant"\} 1$/m);
    assert.match(text, /^# TYPE cartrescue_messages_total counter$/m);
    assert.match(text, /^# TYPE cartrescue_queue_lag_seconds histogram$/m);
    assert.match(text, /^# TYPE cartrescue_timers_overdue gauge$/m);
    assert.match(text, /^cartrescue_timers_overdue \d+(\.\d+)?$/m);
  });

  test('an accepted webhook is counted in cartrescue_webhooks_received_total by platform and topic', async () => {
    // received_total is labelled {platform, topic}: prove one shows up after a signed checkout.
    const merchant = await h.createMerchant();
    const accepted = await h.postCheckout(merchant, checkoutFor(reachableRecipient()));
    assert.equal(accepted.status, 200);
    const text = await (await fetch(`${h.service.url}/metrics`)).text();
    assert.match(text, /^cartrescue_webhooks_received_total\{platform="shopify",topic="checkouts\/create"\} 1$/m);
  });

  test('webhooks being answered pace the background work: cartrescue_background_starts_per_second is finite, then +Inf once they stop', async () => {
    const pace = async () => {
      const text = await (await fetch(`${h.service.url}/metrics`)).text();
      const line = /^cartrescue_background_starts_per_second (\S+)$/m.exec(text);
      assert.ok(line, 'the gauge is exported');
      return line[1] === '+Inf' ? Infinity : Number(line[1]);
    };
    const merchant = await h.createMerchant();
    // A quiet spell first (pacing stops a second after the last webhook).
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(await pace(), Infinity, 'with no webhooks lately nothing is paced');
    const accepted = await h.postCheckout(merchant, checkoutFor(reachableRecipient()));
    assert.equal(accepted.status, 200);
    const paced = await pace();
    assert.ok(Number.isFinite(paced) && paced > 0, `right after a webhook the background is paced, got ${paced}`);
    // Health checks and scrapes are not webhooks: they keep nothing paced.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(await pace(), Infinity);
  });

  // Below, counters are read as deltas of a parsed scrape taken before: the tests above have counted their own webhooks.

  test('a recovery that texts counts cartrescue_messages_total{outcome="sent"} per kind, and the capped reminder {outcome="refused"}', async () => {
    // Opt-in request + two reminders are the three marketing texts the 24 h cap allows; the third reminder is refused.
    const merchant = await h.createMerchant({
      flow: {
        abandonAfterSeconds: 1,
        optInTimeoutSeconds: 600,
        steps: [
          { afterSeconds: 0, template: '{{shopName}}: your cart is waiting: {{recoveryUrl}}' },
          { afterSeconds: 1, template: '{{shopName}}: still thinking? {{cartTotal}}' },
          { afterSeconds: 2, template: '{{shopName}}: a last look, code {{discountCode}}', discountCode: 'LAST5' },
        ],
      },
    });
    const recipient = reachableRecipient(new Date(), 30, 71);
    const before = await scrape(h);

    assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
    assert.equal((await h.postInbound(merchant, recipient.phone, 'YES')).status, 200);
    const conversation = await eventually(async () => {
      const c = await h.conversation(merchant, recipient.phone);
      const decided = c?.messages.every((m: any) => m.direction !== 'outbound' || !['pending', 'sending', 'deferred'].includes(m.status));
      return c?.state === 'completed' && decided ? c : undefined;
    }, 20_000, 'the sequence to complete');
    const outbound = conversation.messages.filter((m: any) => m.direction === 'outbound');
    assert.deepEqual(
      outbound.map((m: any) => `${m.kind}:${m.status}`),
      ['opt_in_request:sent', 'reminder:sent', 'reminder:sent', 'reminder:refused'],
    );
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 3);

    const messages = (samples: Map<string, number>, outcome: string, kind: string) =>
      counter(samples, 'cartrescue_messages_total', { outcome, kind }) - counter(before, 'cartrescue_messages_total', { outcome, kind });
    // The counter is incremented just after the sent row is written: wait for the scrape to catch up, then assert exactly.
    const after = await eventually(async () => {
      const samples = await scrape(h);
      return messages(samples, 'sent', 'reminder') >= 2 && messages(samples, 'refused', 'reminder') >= 1 ? samples : undefined;
    }, 5000, 'the message counters');
    assert.equal(messages(after, 'sent', 'opt_in_request'), 1);
    assert.equal(messages(after, 'sent', 'reminder'), 2);
    assert.equal(messages(after, 'refused', 'reminder'), 1);
    assert.equal(messages(after, 'refused', 'opt_in_request'), 0);
    assert.equal(messages(after, 'failed', 'reminder'), 0);
    assert.equal(messages(after, 'unknown', 'reminder'), 0);
    // The webhooks that drove it, by platform and topic.
    const received = (platform: string, topic: string) =>
      counter(after, 'cartrescue_webhooks_received_total', { platform, topic }) - counter(before, 'cartrescue_webhooks_received_total', { platform, topic });
    assert.equal(received('shopify', 'checkouts/create'), 1);
    assert.equal(received('twilio', 'inbound'), 1);
  });

  test('a webhook with a bad signature is counted refused by platform and reason invalid_signature, and not received', async () => {
    const merchant = await h.createMerchant();
    const before = await scrape(h);

    // Shopify: the body signed with a secret that is not the merchant's.
    const forged = await h.postCheckout(merchant, checkoutFor(reachableRecipient()), { secret: 'not-the-merchants-webhook-secret' });
    assert.equal(forged.status, 401);
    // Twilio: a valid form signed with the wrong auth token.
    const signed = buildSignedTwilioPost(
      `${PUBLIC_BASE_URL}/webhooks/twilio/inbound`,
      { MessageSid: 'SM' + randomUUID().replace(/-/g, ''), AccountSid: ACCOUNT_SID, From: '+12125550199', To: merchant.senderNumber, Body: 'YES' },
      'not-the-auth-token',
    );
    const twilio = await fetch(`${h.service.url}/webhooks/twilio/inbound`, { method: 'POST', headers: signed.headers, body: signed.body });
    assert.equal(twilio.status, 403);
    await twilio.text();

    const after = await scrape(h);
    const delta = (name: string, labels: Record<string, string>) => counter(after, name, labels) - counter(before, name, labels);
    assert.equal(delta('cartrescue_webhooks_refused_total', { platform: 'shopify', reason: 'invalid_signature' }), 1);
    assert.equal(delta('cartrescue_webhooks_refused_total', { platform: 'twilio', reason: 'invalid_signature' }), 1);
    assert.equal(delta('cartrescue_webhooks_received_total', { platform: 'shopify', topic: 'checkouts/create' }), 0);
    assert.equal(delta('cartrescue_webhooks_received_total', { platform: 'twilio', topic: 'inbound' }), 0);
  });
});

/**
 * Readiness when a dependency stops answering, each on a service of its own:
 * the Redis its queue uses is killed, its database stops taking connections,
 * or it is draining. `/readyz` says which, and answers 200 again once it is back.
 */
describe('readiness when a dependency stops answering', () => {
  const readyz = async (service: Harness) => service.request('GET', '/readyz', { token: null });

  test('GET /readyz answers 503 {queue: false} while the Redis behind the queue is down, and 200 once it is back', { timeout: 60_000 }, async () => {
    const port = await freePort();
    let redis = await startRedisOn(port);
    let q: Harness | undefined;
    try {
      q = await startHarness({ label: 'http_health_queue_down', env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
      const up = await readyz(q);
      assert.equal(up.status, 200, up.text);
      // Killed once the workers run, not while they are still connecting.
      await workersBlockingOn(port);

      await killRedis(redis);
      const down = await readyz(q);
      assert.equal(down.status, 503, down.text);
      assert.deepEqual(down.body, { status: 'unavailable', database: true, queue: false, draining: false });

      redis = await startRedisOn(port);
      const back = await eventually(async () => {
        const response = await readyz(q!);
        return response.status === 200 ? response : undefined;
      }, 20_000, 'readiness after Redis is back');
      assert.deepEqual(back.body, { status: 'ready', database: true, queue: true, draining: false });
    } finally {
      // Redis up and the workers back in their wait before the close: a close while Redis is down,
      // or while the workers reconnect, does not finish (see src/queue/queue-engine.ts close()).
      if (redis.exitCode !== null || redis.signalCode !== null) redis = await startRedisOn(port).catch(() => redis);
      await workersBlockingOn(port).catch(() => undefined);
      await q?.close();
      await killRedis(redis);
    }
  });

  test('GET /readyz answers 503 {database: false} while the database refuses connections, and 200 once it takes them again', { timeout: 60_000 }, async () => {
    const d = await startHarness({ label: 'http_health_db_down' });
    const name = d.database.name;
    try {
      const up = await readyz(d);
      assert.equal(up.status, 200, up.text);

      // New connections are refused and the service's open sessions are ended: the database does not answer it.
      await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await asAdmin('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      await eventually(async () => {
        const [row] = await asAdmin<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        return Number(row?.n) === 0;
      }, 10_000, 'the service\'s sessions to end');

      const down = await readyz(d);
      assert.equal(down.status, 503, down.text);
      assert.deepEqual(down.body, { status: 'unavailable', database: false, queue: true, draining: false });

      await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      const back = await eventually(async () => {
        const response = await readyz(d);
        return response.status === 200 ? response : undefined;
      }, 20_000, 'readiness after the database takes connections again');
      assert.deepEqual(back.body, { status: 'ready', database: true, queue: true, draining: false });
    } finally {
      await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
      await d.close();
    }
  });

  test('GET /readyz answers 503 {draining: true} once close() has begun, while the drain waits for work in progress', { timeout: 60_000 }, async () => {
    const d = await startHarness({ label: 'http_health_draining' });
    // A consent-ledger seal pass that cannot finish: close() waits for it before it stops listening.
    const blocker = new pg.Client({ connectionString: d.database.url });
    await blocker.connect();
    let closing: Promise<void> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE consent_unsealed IN ACCESS EXCLUSIVE MODE');
      const sealing = d.service.sealLedgerNow();
      await eventually(async () => {
        const waiting = await blocker.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query ILIKE '%consent_unsealed%'",
          [d.database.name],
        );
        return waiting.rowCount! > 0;
      }, 10_000, 'the seal pass to wait on the lock');
      const busy = await readyz(d);
      assert.equal(busy.status, 200, `work in progress alone is no reason to be unready: ${busy.text}`);

      closing = d.service.close();
      const draining = await readyz(d);
      assert.equal(draining.status, 503, draining.text);
      assert.deepEqual(draining.body, { status: 'unavailable', database: true, queue: true, draining: true });

      await blocker.query('ROLLBACK');
      await sealing;
      await closing;
      await assert.rejects(fetch(`${d.service.url}/readyz`), 'a closed service no longer listens');
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      await d.close();
    }
  });
});
