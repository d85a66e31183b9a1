import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createQueueEngine, type QueueEngine } from '../../src/queue/queue-engine.js';
import { checkoutFor, eventually, startHarness, type Harness } from '../support/harness.js';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

describe('the queue holds near-term work only', () => {
  let redis: PrivateRedis;
  let engine: QueueEngine;

  before(async () => {
    redis = await startPrivateRedis();
    engine = createQueueEngine(
      { kind: 'redis', url: redis.url, prefix: 'horizon-test' },
      { logger: createLogger('silent'), clock: systemClock, metrics: createMetrics() },
      { horizonMs: 60_000 },
    );
    await engine.ready();
  });
  after(async () => {
    await engine?.close(1000);
    await redis?.stop();
  });

  it('jobs due within the horizon become delayed jobs; later ones stay in the database for the reconciler', async () => {
    const inMs = (ms: number) => new Date(Date.now() + ms);
    await engine.dispatch([
      { queue: 'timers', timerId: '0190a7e2-0000-7000-8000-00000000000a', revision: 1, dueAt: inMs(30_000) },
      { queue: 'timers', timerId: '0190a7e2-0000-7000-8000-00000000000b', revision: 1, dueAt: inMs(86_400_000) },
      { queue: 'outbox', messageId: '0190a7e2-0000-7000-8000-00000000000c', notBefore: inMs(45_000), attempt: 1, answer: false },
      { queue: 'outbox', messageId: '0190a7e2-0000-7000-8000-00000000000d', notBefore: inMs(11 * 3_600_000), attempt: 1, answer: false },
      { queue: 'outbox', messageId: '0190a7e2-0000-7000-8000-00000000000e', notBefore: null, attempt: 0, answer: true },
    ]);
    const client = redis.client();
    const delayedTimers = await client.zrange('horizon-test:cartrescue-timers:delayed', '0', '-1');
    const delayedOutbox = await client.zrange('horizon-test:cartrescue-outbox:delayed', '0', '-1');
    const waitingOutbox = await client.lrange('horizon-test:cartrescue-outbox:wait', 0, -1);
    assert.deepEqual(delayedTimers, ['timer-0190a7e2-0000-7000-8000-00000000000a-r1']);
    assert.equal(delayedOutbox.length, 1);
    assert.match(delayedOutbox[0]!, /^msg-0190a7e2-0000-7000-8000-00000000000c-/);
    assert.deepEqual(waitingOutbox, ['msg-0190a7e2-0000-7000-8000-00000000000e-0']);
  });
});

describe('a timer due beyond the horizon still fires on time: a reconcile pass enqueues it before it is due', () => {
  let h: Harness;

  before(async () => {
    // Passes every second, so the horizon is two seconds; the abandonment is five seconds away.
    h = await startHarness({ label: 'queue_horizon', env: { RECONCILE_INTERVAL_SECONDS: '1' } });
  });
  after(async () => h?.close());

  it('the opt-in request goes about five seconds after the checkout, its timer enqueued by a pass', async () => {
    const merchant = await h.createMerchant({
      flow: { abandonAfterSeconds: 5, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}}' }] },
    });
    const recipient = reachableRecipient(new Date(), 30, 190);
    const sentAt = Date.now();
    await h.postCheckout(merchant, checkoutFor(recipient));
    const conversation = await h.conversation(merchant, recipient.phone);
    assert.deepEqual(conversation.pendingTimers.map((timer: { kind: string }) => timer.kind), ['abandon']);
    const [optIn] = await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
    assert.match(optIn!.form.Body ?? '', /reply YES/i);
    const elapsed = Date.now() - sentAt;
    assert.ok(elapsed >= 4500, `not before the abandonment time (${elapsed} ms)`);
    await eventually(async () => (await h.conversation(merchant, recipient.phone)).state === 'awaitingOptIn');
  });
});
