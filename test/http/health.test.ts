import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ACCOUNT_SID, checkoutFor, eventually, PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';
import { counter, scrape } from '../support/prometheus.js';
import { reachableRecipient } from '../support/reachable-recipient.js';
import { buildSignedTwilioPost } from '../support/twilio-webhook-client.js';

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
