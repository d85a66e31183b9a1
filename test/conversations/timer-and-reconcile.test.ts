import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { reconcile } from '../../src/conversations/reconciler.js';
import { fireTimer } from '../../src/conversations/timer-runner.js';
import { checkoutFor, eventually, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

describe('timers fire only when current and due; the reconciler never resends an interrupted send', () => {
  let h: Harness;
  let slow: TestMerchant;
  let variant = 80;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

  before(async () => {
    h = await startHarness({ label: 'timers_reconcile' });
    slow = await h.createMerchant({
      flow: { abandonAfterSeconds: 3600, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}}' }] },
    });
  });
  after(async () => h?.close());

  async function pendingAbandonTimer() {
    const recipient = nextRecipient();
    await h.postCheckout(slow, checkoutFor(recipient));
    const conversation = await h.conversation(slow, recipient.phone);
    const timer = await h.service.deps.db.models.Timer.findOne({ where: { conversationId: conversation.id, status: 'pending' } });
    assert.ok(timer);
    return { recipient, timer, conversation };
  }

  test('a job that runs before the due time leaves the timer pending', async () => {
    const { timer } = await pendingAbandonTimer();
    assert.equal(await fireTimer(h.service.deps, timer.id, timer.revision), 'early');
    await timer.reload();
    assert.equal(timer.status, 'pending');
  });

  test('a job for an older revision, or an unknown timer, does nothing', async () => {
    const { timer, conversation } = await pendingAbandonTimer();
    await timer.update({ dueAt: new Date(Date.now() - 1000) });
    assert.equal(await fireTimer(h.service.deps, timer.id, timer.revision - 1), 'stale');
    assert.equal(await fireTimer(h.service.deps, randomUUID(), 1), 'missing');
    const after = await h.conversation(slow, conversation.phone);
    assert.equal(after.state, 'watching');
  });

  test('a due, current timer fires once; a second run of the same job is stale', async () => {
    const { timer, recipient } = await pendingAbandonTimer();
    await timer.update({ dueAt: new Date(Date.now() - 1000) });
    const [first, second] = await Promise.all([
      fireTimer(h.service.deps, timer.id, timer.revision),
      fireTimer(h.service.deps, timer.id, timer.revision),
    ]);
    assert.deepEqual([first, second].sort(), ['fired', 'stale']);
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 1);
  });

  test('a send interrupted by a crash (left "sending") is marked unknown and never resent', async () => {
    const { timer, recipient, conversation } = await pendingAbandonTimer();
    const { Message } = h.service.deps.db.models;
    const message = await Message.create({
      id: randomUUID(),
      merchantId: timer.merchantId,
      conversationId: conversation.id,
      cartId: null,
      direction: 'outbound',
      kind: 'help',
      body: 'interrupted',
      toPhone: recipient.phone,
      fromPhone: slow.senderNumber,
      messagingServiceSid: null,
      stepIndex: null,
      provider: null,
      providerMessageId: null,
      status: 'sending',
      statusReason: null,
      errorCode: null,
      encoding: 'GSM-7',
      segments: 1,
      sendAfter: null,
      sentAt: null,
      deliveredAt: null,
    });
    await h.service.deps.db.sequelize.query(`UPDATE messages SET updated_at = now() - interval '10 minutes' WHERE id = '${message.id}'`);
    const report = await reconcile(h.service.deps, { sendingStaleAfterMs: 60_000, horizonMs: 120_000 });
    assert.ok(report.markedUnknown >= 1);
    await message.reload();
    assert.equal(message.status, 'unknown');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(h.twilio.messagesTo(recipient.phone).filter((r) => r.form.Body === 'interrupted').length, 0);
  });

  test('the reconciler puts back only work due within its horizon; later work waits for a later pass', async () => {
    const near = await pendingAbandonTimer();
    const far = await pendingAbandonTimer();
    const deferredFar = await h.service.deps.db.models.Message.create({
      id: randomUUID(),
      merchantId: far.timer.merchantId,
      conversationId: far.conversation.id,
      cartId: null,
      direction: 'outbound',
      kind: 'help',
      body: 'later',
      toPhone: far.recipient.phone,
      fromPhone: slow.senderNumber,
      messagingServiceSid: null,
      stepIndex: null,
      provider: null,
      providerMessageId: null,
      status: 'deferred',
      statusReason: 'quiet_hours',
      errorCode: null,
      encoding: 'GSM-7',
      segments: 1,
      sendAfter: new Date(Date.now() + 3 * 3_600_000),
      sentAt: null,
      deliveredAt: null,
    });
    // Both abandonment timers are an hour away: only a horizon beyond that reaches them.
    await near.timer.update({ dueAt: new Date(Date.now() + 60_000) });
    const dispatched: string[] = [];
    const recording = {
      ...h.service.deps,
      dispatcher: { dispatch: async (jobs: { queue: string; timerId?: string; messageId?: string }[]) => void dispatched.push(...jobs.map((j) => j.timerId ?? j.messageId ?? '')) },
    };
    await reconcile(recording, { sendingStaleAfterMs: 60_000, horizonMs: 120_000 });
    assert.ok(dispatched.includes(near.timer.id), 'the timer due within the horizon is put back');
    assert.ok(!dispatched.includes(far.timer.id), 'the timer an hour away is left for a later pass');
    assert.ok(!dispatched.includes(deferredFar.id), 'a message deferred for hours is left for a later pass');
    dispatched.length = 0;
    await reconcile(recording, { sendingStaleAfterMs: 60_000, horizonMs: 4 * 3_600_000 });
    assert.ok(dispatched.includes(far.timer.id) && dispatched.includes(deferredFar.id), 'a pass nearer their time puts them back');
    await deferredFar.update({ status: 'cancelled' });
  });

  test('the reconciler hands a backlog over a batch at a time, each after its pacing step', async () => {
    const rows = [await pendingAbandonTimer(), await pendingAbandonTimer(), await pendingAbandonTimer()];
    for (const row of rows) await row.timer.update({ dueAt: new Date(Date.now() + 60_000) });
    const steps: string[] = [];
    const recording = {
      ...h.service.deps,
      dispatcher: { dispatch: async (jobs: unknown[]) => void steps.push(`dispatch ${jobs.length}`) },
    };
    await reconcile(recording, {
      sendingStaleAfterMs: 60_000,
      horizonMs: 120_000,
      batchSize: 1,
      beforeBatch: async () => {
        steps.push('pace');
        await new Promise((resolve) => setTimeout(resolve, 5));
      },
    });
    assert.ok(steps.length >= 2 * rows.length, `one step per pending row at least: ${steps.join(', ')}`);
    steps.forEach((step, index) => assert.equal(step, index % 2 === 0 ? 'pace' : 'dispatch 1', `step ${index}: ${steps.join(', ')}`));
    for (const row of rows) await row.timer.update({ status: 'cancelled' });
  });

  test('the reconciler re-enqueues pending timers; firing still happens once', async () => {
    const { timer, recipient } = await pendingAbandonTimer();
    // As a reschedule does: a new due time is a new revision, so the old job (an hour away) is ignored when it runs.
    await timer.update({ dueAt: new Date(Date.now() + 300), revision: timer.revision + 1 });
    await reconcile(h.service.deps, { sendingStaleAfterMs: 60_000, horizonMs: 120_000 });
    await reconcile(h.service.deps, { sendingStaleAfterMs: 60_000, horizonMs: 120_000 });
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 10_000 });
    await eventually(async () => (await timer.reload()).status === 'fired');
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 1);
  });
});
