import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { fireTimers, timerBatcher } from '../../src/conversations/timer-runner.js';
import { checkoutFor, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

describe('timers due together fire in one transaction, each with its own outcome', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let variant = 140;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

  before(async () => {
    h = await startHarness({ label: 'timer_batch' });
    merchant = await h.createMerchant({
      flow: { abandonAfterSeconds: 3600, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}}' }] },
    });
  });
  after(async () => h?.close());

  /** A shopper whose abandonment timer is pending (an hour away, so the worker leaves it alone). */
  async function pendingAbandonTimer() {
    const recipient = nextRecipient();
    await h.postCheckout(merchant, checkoutFor(recipient));
    const conversation = await h.conversation(merchant, recipient.phone);
    const timer = await h.service.deps.db.models.Timer.findOne({ where: { conversationId: conversation.id, status: 'pending' } });
    assert.ok(timer);
    return { recipient, timer, conversation };
  }

  test('due, early, stale and unknown timers of several conversations each get their own outcome, and only the due ones act', async () => {
    const due = await Promise.all([pendingAbandonTimer(), pendingAbandonTimer(), pendingAbandonTimer()]);
    const early = await pendingAbandonTimer();
    const stale = await pendingAbandonTimer();
    for (const { timer } of [...due, stale]) await timer.update({ dueAt: new Date(Date.now() - 1000) });
    const unknown = randomUUID();

    const dueCalls = due.map(({ timer }) => ({ timerId: timer.id, revision: timer.revision }));
    const earlyCall = { timerId: early.timer.id, revision: early.timer.revision };
    const staleCall = { timerId: stale.timer.id, revision: stale.timer.revision - 1 };
    const unknownCall = { timerId: unknown, revision: 1 };
    const outcomes = await fireTimers(h.service.deps, [...dueCalls, earlyCall, staleCall, unknownCall]);

    for (const call of dueCalls) assert.equal(outcomes.get(call), 'fired');
    assert.equal(outcomes.get(earlyCall), 'early');
    assert.equal(outcomes.get(staleCall), 'stale');
    assert.equal(outcomes.get(unknownCall), 'missing');
    // Every due shopper gets their own opt-in request; the others nothing.
    for (const { recipient } of due) await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 10_000 });
    for (const { recipient, conversation } of due) {
      const view = await h.conversation(merchant, recipient.phone);
      assert.equal(view.id, conversation.id);
      assert.equal(view.state, 'awaitingOptIn');
      assert.deepEqual(view.pendingTimers.map((timer: { kind: string }) => timer.kind), ['opt_in_timeout']);
      assert.equal(h.twilio.messagesTo(recipient.phone).length, 1);
    }
    for (const { recipient } of [early, stale]) {
      assert.equal((await h.conversation(merchant, recipient.phone)).state, 'watching');
      assert.equal(h.twilio.messagesTo(recipient.phone).length, 0);
    }
  });

  test('two jobs of one conversation in a batch: the current one fires once, the other finds it done', async () => {
    const { timer, recipient } = await pendingAbandonTimer();
    await timer.update({ dueAt: new Date(Date.now() - 1000) });
    const first = { timerId: timer.id, revision: timer.revision };
    const second = { timerId: timer.id, revision: timer.revision };
    const outcomes = await fireTimers(h.service.deps, [first, second]);
    assert.equal(outcomes.get(first), 'fired');
    assert.equal(outcomes.get(second), 'stale', 'the second run, alone after the batch, finds it done');
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 1);
  });

  test('jobs handed over together are batched, and a failing conversation fails only its own job', async () => {
    const good = await Promise.all([pendingAbandonTimer(), pendingAbandonTimer()]);
    const bad = await pendingAbandonTimer();
    for (const { timer } of [...good, bad]) await timer.update({ dueAt: new Date(Date.now() - 1000) });
    // A snapshot the machine cannot read: applying any event to this conversation throws.
    await h.service.deps.db.sequelize.query(`UPDATE conversations SET snapshot = '{"broken": true}'::jsonb WHERE id = :id`, {
      replacements: { id: bad.conversation.id },
    });
    const batcher = timerBatcher(h.service.deps, { maxBatch: 8, maxInFlight: 1 });
    const results = await Promise.allSettled([...good, bad].map(({ timer }) => batcher.run({ timerId: timer.id, revision: timer.revision })));
    assert.deepEqual(results.slice(0, 2).map((r) => (r.status === 'fulfilled' ? r.value : r.reason)), ['fired', 'fired']);
    assert.equal(results[2]?.status, 'rejected');
    for (const { recipient } of good) await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 10_000 });
    const badTimer = await h.service.deps.db.models.Timer.findByPk(bad.timer.id);
    assert.equal(badTimer?.status, 'pending', 'the failed job leaves its timer for the retry');
  });
});
