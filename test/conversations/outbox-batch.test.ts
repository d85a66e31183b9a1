import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { deliverMessages, outboxBatcher, type DeliveryDeps } from '../../src/conversations/deliver-message.js';
import type { MessageKind, MessageStatus } from '../../src/db/models/message.js';
import { sentRecorder } from '../../src/conversations/sent-records.js';
import { checkoutFor, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

describe('outbox rows handed over together pass the send gate in one transaction, each with its own outcome', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let deps: DeliveryDeps;
  let variant = 170;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

  before(async () => {
    h = await startHarness({ label: 'outbox_batch' });
    // Abandonment an hour away: the only texts are the ones these tests put in the outbox.
    merchant = await h.createMerchant({
      flow: { abandonAfterSeconds: 3600, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}}' }] },
    });
    deps = h.service.deliveryDeps;
  });
  after(async () => h?.close());

  async function thread() {
    const recipient = nextRecipient();
    await h.postCheckout(merchant, checkoutFor(recipient));
    const conversation = await h.conversation(merchant, recipient.phone);
    return { recipient, conversation };
  }

  async function outboxRow(t: Awaited<ReturnType<typeof thread>>, kind: MessageKind, body: string, status: MessageStatus = 'pending') {
    return h.service.deps.db.models.Message.create({
      id: randomUUID(),
      merchantId: merchant.id,
      conversationId: t.conversation.id,
      cartId: null,
      direction: 'outbound',
      kind,
      body,
      toPhone: t.recipient.phone,
      fromPhone: merchant.senderNumber,
      messagingServiceSid: null,
      stepIndex: null,
      provider: null,
      providerMessageId: null,
      status,
      statusReason: null,
      errorCode: null,
      encoding: 'GSM-7',
      segments: 1,
      sendAfter: null,
      sentAt: null,
      deliveredAt: null,
    });
  }

  test('sent, refused, skipped and unknown rows of several conversations, and two rows of one conversation', async () => {
    const [a, b, c, d] = await Promise.all([thread(), thread(), thread(), thread()]);
    const help = await outboxRow(a, 'help', 'Example help text');
    // A reminder to a shopper who never confirmed: refused by the gate, for good.
    const unconsented = await outboxRow(b, 'reminder', 'Example Shop: your cart is waiting');
    const done = await outboxRow(c, 'help', 'already gone', 'sent');
    const first = await outboxRow(d, 'help', 'first of two');
    const second = await outboxRow(d, 'help', 'second of two');
    const unknown = randomUUID();

    const outcomes = await deliverMessages(deps, [help.id, unconsented.id, done.id, first.id, second.id, unknown]);

    // In the order asked; the second row of a thread is delivered after the batch, alone.
    assert.deepEqual(outcomes, ['sent', 'refused', 'skipped', 'sent', 'sent', 'missing']);

    await Promise.all([help, unconsented, done, first, second].map((row) => row.reload()));
    assert.equal(help.status, 'sent');
    assert.equal(help.attempts, 1);
    assert.equal(help.decision?.verdict, 'send');
    assert.equal(unconsented.status, 'refused');
    assert.equal(unconsented.decision?.verdict, 'refuse');
    assert.ok(unconsented.statusReason, 'the refusing rule is kept');
    assert.equal(unconsented.attempts, 0);
    assert.equal(done.status, 'sent');
    assert.deepEqual(h.twilio.messagesTo(a.recipient.phone).map((r) => r.form.Body), ['Example help text']);
    assert.deepEqual(h.twilio.messagesTo(b.recipient.phone), []);
    assert.deepEqual(h.twilio.messagesTo(c.recipient.phone), []);
    assert.deepEqual(h.twilio.messagesTo(d.recipient.phone).map((r) => r.form.Body).sort(), ['first of two', 'second of two']);
  });

  test('jobs handed over together are batched, and each job still learns its own outcome', async () => {
    const threads = await Promise.all([thread(), thread(), thread()]);
    const rows = await Promise.all(threads.map((t, i) => outboxRow(t, 'help', `together ${i}`)));
    const batcher = outboxBatcher(deps, { maxBatch: 8, maxInFlight: 1 });
    const outcomes = await Promise.all([...rows.map((row) => batcher.run({ messageId: row.id })), batcher.run({ messageId: rows[0]!.id })]);
    assert.deepEqual(outcomes.slice(0, 3), ['sent', 'sent', 'sent']);
    assert.equal(outcomes[3], 'skipped', 'the same row twice goes to the provider once');
    for (const [i, t] of threads.entries()) assert.deepEqual(h.twilio.messagesTo(t.recipient.phone).map((r) => r.form.Body), [`together ${i}`]);
  });

  test('accepted sends returning together are written together, each with its own provider id; a bad record fails only itself', async () => {
    const t = await thread();
    const rows = await Promise.all([1, 2, 3].map((n) => outboxRow(t, 'help', `sending ${n}`, 'sending')));
    const recorder = sentRecorder(h.service.deps);
    const sentAt = new Date('2026-11-25T12:00:00.000Z');
    const results = await Promise.allSettled([
      ...rows.map((row, n) => recorder.run({ id: row.id, provider: 'twilio', providerMessageId: `SM${n}`, segments: n + 1, sentAt })),
      // Not a row id at all: the shared UPDATE fails on it, and then only its own write does.
      recorder.run({ id: 'not-a-message-id', provider: 'twilio', providerMessageId: 'SMbad', segments: 1, sentAt }),
    ]);
    assert.deepEqual(
      results.map((result) => result.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'rejected'],
    );
    await Promise.all(rows.map((row) => row.reload()));
    assert.deepEqual(
      rows.map((row) => [row.status, row.providerMessageId, row.segments, row.sentAt?.toISOString()]),
      [0, 1, 2].map((n) => ['sent', `SM${n}`, n + 1, sentAt.toISOString()]),
    );
  });
});
