import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { phoneDigest } from '../../src/compliance/suppression.js';
import { erasePhone } from '../../src/conversations/erasure.js';
import { suppressionKey } from '../../src/security/suppression-key.js';
import { ACCOUNT_SID, checkoutFor, eventually, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

/**
 * The suppression list follows consent: every opt-out (keyword, the
 * shopper's own words, the carrier's 21610) writes a keyed digest of the
 * phone, a re-subscription removes it, and a phone on the list that comes
 * back as a new shopper starts opted out.
 */
const FLOW = { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}} {{recoveryUrl}}' }] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('suppression list follows consent', { concurrency: true }, () => {
  let h: Harness;
  let merchant: TestMerchant;
  let other: TestMerchant;
  let variant = 60;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

  before(async () => {
    h = await startHarness({ label: 'suppressions' });
    [merchant, other] = await Promise.all([h.createMerchant({ flow: FLOW }), h.createMerchant({ flow: FLOW, name: 'Other Shop' })]);
  });
  after(async () => h?.close());

  /** The digest as the configuration defines it, computed here from the key, not through the service. */
  const digestOf = (phone: string) => phoneDigest(suppressionKey(h.config.suppressionKey, h.config.secretsKey ?? ''), phone);

  async function suppressionsOf(merchantId: string, phone: string) {
    return h.service.deps.db.sequelize.query<{ reason: string; phone_hmac: string }>(
      'SELECT reason, phone_hmac FROM suppressions WHERE merchant_id = :merchantId AND phone_hmac = :digest',
      { replacements: { merchantId, digest: digestOf(phone) }, type: QueryTypes.SELECT },
    );
  }

  /** Erases the phone in a transaction left open until `commit()`: erased and suppressed, not yet visible to others. */
  async function eraseHeldOpen(phone: string): Promise<{ commit(): Promise<void> }> {
    let erased!: () => void;
    let release!: () => void;
    const done = new Promise<void>((resolve) => (erased = resolve));
    const held = new Promise<void>((resolve) => (release = resolve));
    const erasing = h.service.deps.db.sequelize.transaction(async (transaction) => {
      await erasePhone(h.service.deps, transaction, merchant.id, phone, { source: 'api', evidence: { request: 'test' } });
      erased();
      await held;
    });
    // A failed erasure ends the wait too, and fails the test.
    await Promise.race([done, erasing]);
    return {
      async commit() {
        release();
        await erasing;
      },
    };
  }

  async function asked(recipient = nextRecipient()) {
    assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
    const [optIn] = await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
    return { recipient, optIn: optIn! };
  }

  test('STOP writes the keyed digest of the phone (never the phone) with reason keyword, for that merchant only', async () => {
    const { recipient } = await asked();
    assert.deepEqual(await suppressionsOf(merchant.id, recipient.phone), []);
    assert.equal((await h.postInbound(merchant, recipient.phone, 'STOP')).status, 200);
    const [row] = await suppressionsOf(merchant.id, recipient.phone);
    assert.equal(row?.reason, 'keyword');
    assert.equal(row?.phone_hmac, digestOf(recipient.phone));
    assert.deepEqual(await suppressionsOf(other.id, recipient.phone), [], 'another merchant is not affected');
    const found = await h.service.deps.db.sequelize.query<{ count: string }>(
      `SELECT count(*) AS count FROM suppressions WHERE phone_hmac LIKE '%' || :digits || '%'`,
      { replacements: { digits: recipient.phone.slice(1) }, type: QueryTypes.SELECT },
    );
    assert.equal(Number(found[0]?.count), 0, 'the number itself is nowhere in the table');
  });

  test("an opt-out in the shopper's own words is suppressed with reason free_text", async () => {
    const { recipient } = await asked();
    await h.postInbound(merchant, recipient.phone, 'please stop texting me');
    const [row] = await suppressionsOf(merchant.id, recipient.phone);
    assert.equal(row?.reason, 'free_text');
  });

  test("the carrier's 21610 is suppressed with reason provider", async () => {
    const { recipient, optIn } = await asked();
    await eventually(async () => {
      const c = await h.conversation(merchant, recipient.phone);
      return c?.messages.some((m: any) => m.kind === 'opt_in_request' && m.status === 'sent');
    });
    await h.postStatus({ MessageSid: optIn.sid!, MessageStatus: 'undelivered', ErrorCode: '21610', AccountSid: ACCOUNT_SID, To: recipient.phone, From: merchant.senderNumber });
    await eventually(async () => (await h.conversation(merchant, recipient.phone))?.consent === 'revoked');
    const [row] = await suppressionsOf(merchant.id, recipient.phone);
    assert.equal(row?.reason, 'provider');
  });

  test('START after STOP re-subscribes and takes the phone off the list', async () => {
    const { recipient } = await asked();
    await h.postInbound(merchant, recipient.phone, 'STOP');
    assert.equal((await suppressionsOf(merchant.id, recipient.phone)).length, 1);
    await h.postInbound(merchant, recipient.phone, 'START');
    assert.deepEqual(await suppressionsOf(merchant.id, recipient.phone), []);
    const conversation = await h.conversation(merchant, recipient.phone);
    assert.equal(conversation.consent, 'confirmed');
  });

  test('a phone on the list that shows up as a new shopper starts opted out: its checkout with consent texts nothing', async () => {
    const recipient = nextRecipient();
    await h.service.deps.db.sequelize.query(
      `INSERT INTO suppressions (merchant_id, phone_hmac, reason, created_at) VALUES (:merchantId, :digest, 'erased', now())`,
      { replacements: { merchantId: merchant.id, digest: digestOf(recipient.phone) } },
    );
    const checkout = checkoutFor(recipient);
    assert.equal((await h.postCheckout(merchant, checkout)).status, 200);
    const conversation = await eventually(async () => {
      const c = await h.conversation(merchant, recipient.phone);
      return c?.state === 'optedOut' ? c : undefined;
    });
    assert.equal(conversation.consent, 'revoked');
    assert.deepEqual(conversation.pendingTimers, []);
    const [cart] = await h.service.deps.db.models.Cart.findAll({ where: { checkoutToken: checkout.token } });
    assert.equal(cart?.status, 'not_contacted');
    assert.equal(cart?.statusReason, 'opted_out');
    await sleep(2500);
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 0);

    // The same phone is a stranger to another merchant, whose list does not hold it.
    assert.equal((await h.postCheckout(other, checkoutFor(recipient))).status, 200);
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
  });

  test("a suppressed phone's own START lifts the suppression; a YES does not", async () => {
    const recipient = nextRecipient();
    await h.service.deps.db.sequelize.query(
      `INSERT INTO suppressions (merchant_id, phone_hmac, reason, created_at) VALUES (:merchantId, :digest, 'erased', now())`,
      { replacements: { merchantId: merchant.id, digest: digestOf(recipient.phone) } },
    );
    await h.postInbound(merchant, recipient.phone, 'YES');
    assert.equal((await h.conversation(merchant, recipient.phone)).consent, 'revoked');
    assert.equal((await suppressionsOf(merchant.id, recipient.phone)).length, 1);
    await h.postInbound(merchant, recipient.phone, 'START');
    assert.equal((await h.conversation(merchant, recipient.phone)).consent, 'confirmed');
    assert.deepEqual(await suppressionsOf(merchant.id, recipient.phone), []);
  });

  test('a checkout that arrives while the erasure of a never-opted-out shopper is committing still starts opted out', async () => {
    const { recipient } = await asked();
    assert.equal((await h.conversation(merchant, recipient.phone)).consent, 'requested');
    const sentBefore = h.twilio.messagesTo(recipient.phone).length;
    const erasure = await eraseHeldOpen(recipient.phone);
    // The new checkout's customer insert waits on the erased row's unique key until the erasure commits.
    const checkout = h.postCheckout(merchant, checkoutFor(recipient));
    await sleep(300);
    await erasure.commit();
    assert.equal((await checkout).status, 200);
    const conversation = await eventually(async () => {
      const c = await h.conversation(merchant, recipient.phone);
      return c?.cart ? c : undefined;
    });
    assert.equal(conversation.consent, 'revoked', 'the suppression committed while the checkout waited is seen');
    assert.equal(conversation.state, 'optedOut');
    await sleep(2500);
    assert.equal(h.twilio.messagesTo(recipient.phone).length, sentBefore);
  });

  test('a text that arrives while its thread is being erased goes to a thread of its own, never on to the erased one', async () => {
    const { recipient } = await asked();
    const erasedThread = (await h.conversation(merchant, recipient.phone)).id as string;
    const erasure = await eraseHeldOpen(recipient.phone);
    const body = `does it ship to Canada? ${recipient.phone.slice(-4)}`;
    let answered = false;
    const reply = h.postInbound(merchant, recipient.phone, body).finally(() => (answered = true));
    await sleep(300);
    assert.equal(answered, false, 'the reply waits for the erasure to commit');
    await erasure.commit();
    assert.equal((await reply).status, 200);
    const stored = await h.service.deps.db.sequelize.query<{ conversationId: string; phone: string }>(
      `SELECT v.id AS "conversationId", v.phone FROM messages m JOIN conversations v ON v.id = m.conversation_id
       WHERE m.merchant_id = :merchantId AND m.direction = 'inbound' AND m.body = :body`,
      { replacements: { merchantId: merchant.id, body }, type: QueryTypes.SELECT },
    );
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]!.conversationId, erasedThread, 'nothing new is written on the erased thread');
    assert.equal(stored[0]!.phone, recipient.phone);
    const thread = await h.conversation(merchant, recipient.phone);
    assert.equal(thread.id, stored[0]!.conversationId);
    assert.equal(thread.consent, 'revoked', 'the erasure left the phone suppressed, so the new thread starts opted out');
  });
});
