import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { verifyLedger } from '../../src/conversations/consent-ledger.js';
import { checkoutFor, eventually, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient, type Recipient } from '../support/reachable-recipient.js';

/**
 * `GET /api/v1/customers/export?phone=` and `DELETE /api/v1/customers?phone=`
 * (merchant key only): what a shopper's access and erasure requests return,
 * who may ask, and what is left in the database after an erasure.
 */
const FLOW = {
  abandonAfterSeconds: 1,
  optInTimeoutSeconds: 600,
  steps: [
    { afterSeconds: 0, template: '{{shopName}}: {{firstName}}, your {{itemsSummary}} is waiting: {{recoveryUrl}}' },
    { afterSeconds: 600, template: '{{shopName}}: still thinking?' },
  ],
};

function assertError(response: { status: number; body: any; text: string }, status: number, code: string) {
  assert.equal(response.status, status, response.text);
  assert.equal(response.body?.error?.code, code, response.text);
  assert.equal(typeof response.body.error.message, 'string');
}

describe('customers API: export and erasure', { concurrency: true }, () => {
  let h: Harness;
  let merchant: TestMerchant;
  let other: TestMerchant;
  let variant = 30;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

  before(async () => {
    h = await startHarness({ label: 'http_customers' });
    [merchant, other] = await Promise.all([h.createMerchant({ flow: FLOW }), h.createMerchant({ flow: FLOW, name: 'Other Shop' })]);
  });
  after(async () => h?.close());

  const q = (phone: string) => `phone=${encodeURIComponent(phone)}`;
  const exportOf = (m: TestMerchant, phone: string) => h.request('GET', `/api/v1/customers/export?${q(phone)}`, { token: m.apiKey });
  const erase = (m: TestMerchant, phone: string) => h.request('DELETE', `/api/v1/customers?${q(phone)}`, { token: m.apiKey });

  /** A shopper in the middle of the sequence: opt-in asked and confirmed, the first reminder sent, the next one due later. */
  async function shopperMidSequence(recipient: Recipient = nextRecipient()) {
    const checkout = checkoutFor(recipient);
    assert.equal((await h.postCheckout(merchant, checkout)).status, 200);
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
    await h.postInbound(merchant, recipient.phone, 'Yes please');
    await h.twilio.waitForMessages(2, { to: recipient.phone, timeoutMs: 15_000 });
    await eventually(async () => {
      const c = await h.conversation(merchant, recipient.phone);
      return c?.messages.filter((m: any) => m.direction === 'outbound' && m.status === 'sent').length === 2 && c.pendingTimers.length === 1;
    }, 15_000, 'the first reminder sent and the next one scheduled');
    return { recipient, checkout };
  }

  /** The merchant's sealed chain, in order. */
  const chainRows = () =>
    h.service.deps.db.sequelize.query<{ seq: string; eventId: string; prevHash: string | null; hash: string }>(
      'SELECT seq, event_id AS "eventId", prev_hash AS "prevHash", hash FROM consent_chain WHERE merchant_id = :merchantId ORDER BY seq',
      { replacements: { merchantId: merchant.id }, type: QueryTypes.SELECT },
    );

  async function rowsWithPhone(phone: string) {
    const [row] = await h.service.deps.db.sequelize.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM customers WHERE phone = :phone) AS customers,
              (SELECT count(*) FROM conversations WHERE phone = :phone) AS conversations,
              (SELECT count(*) FROM messages WHERE to_phone = :phone OR from_phone = :phone) AS messages,
              (SELECT count(*) FROM abandoned_carts WHERE phone = :phone) AS carts`,
      { replacements: { phone }, type: QueryTypes.SELECT },
    );
    return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
  }

  test('the export holds everything about the phone at this merchant: customer, thread, cart, messages, timers, consent', async () => {
    const { recipient, checkout } = await shopperMidSequence();
    const response = await exportOf(merchant, recipient.phone);
    assert.equal(response.status, 200, response.text);
    const data = response.body;
    assert.equal(data.merchantId, merchant.id);
    assert.equal(data.suppressed, false);
    assert.equal(data.suppression, null);
    assert.equal(data.customer.phone, recipient.phone);
    assert.equal(data.customer.firstName, 'Bob');
    assert.equal(data.customer.consentStatus, 'confirmed');
    assert.equal(data.conversations.length, 1);
    assert.equal(data.conversations[0].state, 'sequencing');
    assert.equal(data.conversations[0].snapshot.state, 'sequencing');
    assert.equal(data.conversations[0].snapshot.nextStep, 1);
    assert.equal(data.carts.length, 1);
    const [cart] = data.carts;
    assert.equal(cart.total, 63282);
    assert.equal(cart.currency, 'USD');
    assert.equal(cart.firstName, 'Bob');
    assert.equal(cart.recoveryUrl, checkout.abandoned_checkout_url);
    assert.ok(cart.lineItems.length > 0 && cart.lineItems[0].title);
    assert.deepEqual(
      data.messages.map((m: any) => [m.direction, m.kind]),
      [['outbound', 'opt_in_request'], ['inbound', 'reply'], ['outbound', 'reminder']],
    );
    assert.equal(data.messages[1].body, 'Yes please');
    assert.ok(data.messages.every((m: any) => typeof m.status === 'string' && !Number.isNaN(Date.parse(m.queuedAt))));
    assert.equal(data.messages[0].decision.verdict, 'send', 'the send decisions are part of what is held');
    assert.equal(data.messages[1].decision, null);
    assert.ok(data.timers.some((t: any) => t.kind === 'step' && t.stepIndex === 1 && t.status === 'pending'));
    assert.deepEqual(data.consentLedger.map((e: any) => e.change), ['requested', 'confirmed']);
    assert.equal(data.withheld, null);
    assert.ok(!('webhookSecretEnc' in data) && !response.text.includes('apiKey'), 'no merchant secrets');
  });

  test("a phone with an unencoded '+' (arriving as a space) reaches the same shopper on both routes", async () => {
    const { recipient } = await shopperMidSequence();
    const response = await h.request('GET', `/api/v1/customers/export?phone=${recipient.phone}`, { token: merchant.apiKey });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.customer.phone, recipient.phone);
    const erased = await h.request('DELETE', `/api/v1/customers?phone=${recipient.phone}`, { token: merchant.apiKey });
    assert.equal(erased.status, 200, erased.text);
    assert.equal(erased.body.status, 'erased');
  });

  test('no token is 401 and the operator token is 403, on both routes', async () => {
    const phone = encodeURIComponent('+12125550100');
    for (const [method, path] of [['GET', `/api/v1/customers/export?phone=${phone}`], ['DELETE', `/api/v1/customers?phone=${phone}`]] as const) {
      assertError(await h.request(method, path, { token: null }), 401, 'unauthorized');
      assertError(await h.request(method, path, { token: 'not-a-key' }), 401, 'unauthorized');
      assertError(await h.request(method, path), 403, 'forbidden');
    }
  });

  test('a phone that is not E.164, or none at all, is 400 validation_failed on both routes', async () => {
    for (const query of ['?phone=abc', '?phone=', '?phone=%2B1', '?phone=%2B1502', '']) {
      assertError(await h.request('GET', `/api/v1/customers/export${query}`, { token: merchant.apiKey }), 400, 'validation_failed');
      assertError(await h.request('DELETE', `/api/v1/customers${query}`, { token: merchant.apiKey }), 400, 'validation_failed');
    }
  });

  test('an unknown phone is 404 on both routes, and erasing it writes nothing', async () => {
    const phone = '+12025550188';
    assertError(await exportOf(merchant, phone), 404, 'not_found');
    assertError(await erase(merchant, phone), 404, 'not_found');
    assert.equal(await h.service.deps.db.models.ConsentEvent.count({ where: { phone } }), 0, 'no ledger entry');
    const suppressions = await h.service.deps.db.sequelize.query('SELECT 1 FROM suppressions WHERE phone_hmac = :digest', {
      replacements: { digest: h.service.deps.suppression.digest(phone) },
      type: QueryTypes.SELECT,
    });
    assert.deepEqual(suppressions, [], 'no suppression');
    assertError(await exportOf(merchant, phone), 404, 'not_found');
  });

  test("another merchant's key sees none of it and cannot erase it", async () => {
    const { recipient } = await shopperMidSequence();
    const exported = await exportOf(other, recipient.phone);
    assertError(exported, 404, 'not_found');
    assert.ok(!exported.text.includes(recipient.phone));
    assertError(await erase(other, recipient.phone), 404, 'not_found');
    const mine = await exportOf(merchant, recipient.phone);
    assert.equal(mine.status, 200);
    assert.equal(mine.body.customer.firstName, 'Bob', 'the owning merchant still has everything');
    assert.equal(mine.body.suppressed, false);
  });

  test('erasure answers with counts; afterwards the phone is nowhere, bodies and cart contents are gone, totals stay, the ledger keeps its evidence', async () => {
    const { recipient, checkout } = await shopperMidSequence();
    const sentBodies = h.twilio.messagesTo(recipient.phone).map((r) => r.form.Body ?? '');
    const ledgerBefore = (await h.service.deps.db.models.ConsentEvent.findAll({ where: { merchantId: merchant.id, phone: recipient.phone } })).length;
    await h.service.sealLedgerNow();
    const chainBefore = await chainRows();

    const response = await erase(merchant, recipient.phone);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.status, 'erased');
    assert.equal(response.body.suppressed, true);
    assert.deepEqual(response.body.erased, { customers: 1, conversations: 1, carts: 1, messages: 3, timersCancelled: 1, messagesCancelled: 0 });
    assert.equal(response.body.consentEntriesRetained, ledgerBefore + 1);

    // Nothing personal in the export any more; the ledger entries are counted, not shown.
    const exported = await exportOf(merchant, recipient.phone);
    assert.equal(exported.status, 200, exported.text);
    assert.equal(exported.body.suppressed, true);
    assert.equal(exported.body.suppression.reason, 'erased');
    assert.equal(exported.body.customer, null);
    for (const key of ['conversations', 'carts', 'messages', 'timers', 'consentLedger']) assert.deepEqual(exported.body[key], [], key);
    assert.deepEqual(exported.body.withheld, { consentEntries: ledgerBefore + 1, reason: 'kept_as_evidence_after_erasure' });
    for (const personal of [recipient.phone, recipient.phone.slice(1), 'Bob', 'IPod', checkout.token, 'Yes please', ...sentBodies]) {
      assert.ok(!exported.text.includes(personal), `the export still holds ${personal}`);
    }

    // In the database: the phone is in no row outside the ledger; contents are gone; counts stay.
    assert.deepEqual(await rowsWithPhone(recipient.phone), { customers: 0, conversations: 0, messages: 0, carts: 0 });
    const { models } = h.service.deps.db;
    const [cart] = await models.Cart.findAll({ where: { checkoutToken: checkout.token } });
    assert.ok(cart);
    assert.deepEqual([cart.lineItems, cart.addresses, cart.firstName, cart.recoveryUrl, cart.phone, cart.consentEvidence], [[], [], null, null, null, {}]);
    assert.equal(cart.totalMinor, 63282);
    assert.equal(cart.currency, 'USD');
    const messages = await models.Message.findAll({ where: { conversationId: cart.conversationId! } });
    assert.equal(messages.length, 3);
    assert.ok(messages.every((m) => m.body === '[erased]'));
    assert.ok(messages.every((m) => m.toPhone.startsWith('erased:') || m.toPhone === merchant.senderNumber));
    // Send decisions keep their verdict and times, not the rules (they name the places the shopper may be).
    const decided = messages.filter((m) => m.direction === 'outbound');
    assert.ok(decided.every((m) => m.decision?.verdict === 'send' && m.decision.rules.length === 0 && typeof m.decision.decidedAt === 'string'));
    const customer = await models.Customer.findByPk(cart.customerId!);
    assert.equal(customer?.phone, `erased:${customer?.id}`);
    assert.equal(customer?.firstName, null);
    assert.equal(customer?.consentStatus, 'revoked');
    assert.equal(await models.Timer.count({ where: { conversationId: cart.conversationId!, status: 'pending' } }), 0);

    const ledger = await models.ConsentEvent.findAll({ where: { merchantId: merchant.id, phone: recipient.phone }, order: [['id', 'ASC']] });
    assert.deepEqual(ledger.map((e) => e.change), ['requested', 'confirmed', 'erased']);
    assert.equal(ledger[2]?.source, 'api');
    await h.service.sealLedgerNow();
    const verdict = await verifyLedger(h.service.deps, merchant.id);
    assert.equal(verdict.ok, true, 'the chain is intact');
    const chainAfter = await chainRows();
    assert.deepEqual(chainAfter.slice(0, chainBefore.length), chainBefore, 'the erasure left the sealed links as they were');
    // This shopper's entries are all sealed (the other tests of this file, running alongside, may add entries of their own after the pass).
    const sealed = new Set(chainAfter.map((link) => String(link.eventId)));
    assert.deepEqual(ledger.filter((entry) => !sealed.has(String(entry.id))), [], 'every entry of the shopper, the erasure too, is sealed into the chain');
  });

  test('erasure is idempotent: the second call answers 200 already_erased and writes nothing', async () => {
    const { recipient } = await shopperMidSequence();
    assert.equal((await erase(merchant, recipient.phone)).body.status, 'erased');
    const entries = () => h.service.deps.db.models.ConsentEvent.count({ where: { merchantId: merchant.id, phone: recipient.phone } });
    const ledgerAfterFirst = await entries();
    const second = await erase(merchant, recipient.phone);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.status, 'already_erased');
    assert.deepEqual(second.body.erased, { customers: 0, conversations: 0, carts: 0, messages: 0, timersCancelled: 0, messagesCancelled: 0 });
    assert.equal(second.body.suppressed, true);
    assert.equal(await entries(), ledgerAfterFirst);
    const [third, fourth] = await Promise.all([erase(merchant, recipient.phone), erase(merchant, recipient.phone)]);
    assert.deepEqual([third.status, fourth.status], [200, 200]);
    assert.equal(await entries(), ledgerAfterFirst);
  });

  test('two erasures of one shopper at the same moment erase once', async () => {
    const { recipient } = await shopperMidSequence();
    const answers = await Promise.all([erase(merchant, recipient.phone), erase(merchant, recipient.phone)]);
    assert.deepEqual(answers.map((a) => a.status), [200, 200]);
    assert.deepEqual(answers.map((a) => a.body.status).sort(), ['already_erased', 'erased']);
    const erasedEntries = await h.service.deps.db.models.ConsentEvent.count({ where: { merchantId: merchant.id, phone: recipient.phone, change: 'erased' } });
    assert.equal(erasedEntries, 1);
  });
});
