import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { checkoutFor, startHarness, type Harness } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

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
});
