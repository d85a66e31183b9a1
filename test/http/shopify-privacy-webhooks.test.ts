import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { checkoutFor, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient, type Recipient } from '../support/reachable-recipient.js';

/**
 * Shopify's mandatory privacy webhooks on `POST /webhooks/shopify/:merchantId`:
 * signed like every other delivery, deduplicated on X-Shopify-Event-Id, and
 * carried out with the same export and erasure as the API. The merchants keep
 * the default flow (15 minutes to abandonment): nothing is texted meanwhile.
 */
describe('Shopify privacy webhooks', { concurrency: true }, () => {
  let h: Harness;
  let merchant: TestMerchant;
  let other: TestMerchant;
  let variant = 50;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);
  const SHOP = { shop_id: 954889, shop_domain: 'example-shop.myshopify.com' };

  before(async () => {
    h = await startHarness({ label: 'http_shopify_privacy' });
    [merchant, other] = await Promise.all([h.createMerchant(), h.createMerchant({ name: 'Other Shop' })]);
  });
  after(async () => h?.close());

  const sql = <T extends object>(query: string, replacements: Record<string, unknown> = {}) =>
    h.service.deps.db.sequelize.query<T>(query, { replacements, type: QueryTypes.SELECT });

  const post = (m: TestMerchant, topic: string, payload: unknown, options: { eventId?: string; secret?: string } = {}) =>
    h.postCheckout(m, payload as Record<string, unknown>, { topic, eventId: options.eventId ?? randomUUID(), secret: options.secret });

  const customerPayload = (phone: string | null) => ({ id: 191167, email: 'john@example.com', phone });

  /** A shopper with a cart and a reply on record at `m`. */
  async function shopper(m: TestMerchant, recipient: Recipient = nextRecipient()) {
    const checkout = checkoutFor(recipient);
    assert.equal((await post(m, 'checkouts/create', checkout)).status, 200);
    assert.equal((await h.postInbound(m, recipient.phone, 'is this the blue one?')).status, 200);
    return { recipient, checkout };
  }

  const exportOf = (m: TestMerchant, phone: string) =>
    h.request('GET', `/api/v1/customers/export?phone=${encodeURIComponent(phone)}`, { token: m.apiKey });

  async function recorded(m: TestMerchant, eventId: string) {
    const events = await sql<{ status: string; topic: string }>(
      'SELECT status, topic FROM webhook_events WHERE merchant_id = :merchantId AND event_id = :eventId',
      { merchantId: m.id, eventId },
    );
    const requests = await sql<{ kind: string; outcome: string; summary: Record<string, any> }>(
      'SELECT kind, outcome, summary FROM privacy_requests WHERE merchant_id = :merchantId AND event_id = :eventId',
      { merchantId: m.id, eventId },
    );
    return { events, requests };
  }

  test('a privacy webhook with a bad HMAC is 401 and nothing is stored or erased, for every topic', async () => {
    const { recipient } = await shopper(merchant);
    for (const [topic, payload] of [
      ['customers/redact', { ...SHOP, customer: customerPayload(recipient.phone), orders_to_redact: [] }],
      ['customers/data_request', { ...SHOP, customer: customerPayload(recipient.phone), orders_requested: [], data_request: { id: 1 } }],
      ['shop/redact', SHOP],
    ] as const) {
      const eventId = randomUUID();
      const response = await post(merchant, topic, payload, { eventId, secret: 'not-the-app-secret' });
      assert.equal(response.status, 401, topic);
      assert.equal(response.body.error.code, 'invalid_signature');
      assert.deepEqual(await recorded(merchant, eventId), { events: [], requests: [] }, topic);
    }
    const data = await exportOf(merchant, recipient.phone);
    assert.equal(data.body.customer.firstName, 'Bob', 'nothing was erased');
    assert.equal(data.body.suppressed, false);
  });

  test('a signed customers/redact erases the shopper: recorded, suppressed, and the export holds nothing personal', async () => {
    const { recipient, checkout } = await shopper(merchant);
    const eventId = randomUUID();
    const response = await post(merchant, 'customers/redact', { ...SHOP, customer: customerPayload(recipient.phone), orders_to_redact: [299938] }, { eventId });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.status, 'processed');
    assert.equal(response.body.kind, 'customer_redact');
    assert.equal(response.body.outcome, 'fulfilled');
    assert.equal(response.body.summary.erased.customers, 1);
    assert.equal(response.body.summary.erased.carts, 1);
    assert.equal(response.body.summary.erased.messages, 1);

    const { events, requests } = await recorded(merchant, eventId);
    assert.deepEqual(events, [{ status: 'processed', topic: 'customers/redact' }]);
    assert.equal(requests[0]?.outcome, 'fulfilled');
    assert.equal(requests[0]?.summary.customerRef, '191167');

    const data = await exportOf(merchant, recipient.phone);
    assert.equal(data.status, 200);
    assert.equal(data.body.suppressed, true);
    assert.equal(data.body.customer, null);
    for (const personal of [recipient.phone, 'Bob', 'IPod', 'blue one', checkout.token]) assert.ok(!data.text.includes(personal), personal);
    const ledger = await h.service.deps.db.models.ConsentEvent.findAll({ where: { merchantId: merchant.id, phone: recipient.phone } });
    assert.equal(ledger.at(-1)?.change, 'erased');
    assert.equal(ledger.at(-1)?.evidence.request, 'shopify:customers/redact');
  });

  test('customers/redact without a usable phone, or for a phone never seen, is 200 and recorded as nothing to erase', async () => {
    for (const [phone, outcome] of [[null, 'no_phone'], ['555-625-1199', 'no_phone'], ['+12025550177', 'nothing_found']] as const) {
      const eventId = randomUUID();
      const response = await post(merchant, 'customers/redact', { ...SHOP, customer: customerPayload(phone), orders_to_redact: [] }, { eventId });
      assert.equal(response.status, 200);
      assert.equal(response.body.outcome, outcome, String(phone));
      assert.equal((await recorded(merchant, eventId)).requests[0]?.outcome, outcome);
    }
    const suppressions = await sql('SELECT 1 FROM suppressions WHERE phone_hmac = :digest', {
      digest: h.service.deps.suppression.digest('+12025550177'),
    });
    assert.deepEqual(suppressions, [], 'a phone never seen is not put on the list');
  });

  test('customers/data_request runs the export and records what was found, as counts; nothing is erased or copied', async () => {
    const { recipient } = await shopper(merchant);
    const eventId = randomUUID();
    const response = await post(
      merchant,
      'customers/data_request',
      { ...SHOP, customer: customerPayload(recipient.phone), orders_requested: [299938, 280263], data_request: { id: 9999 } },
      { eventId },
    );
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.kind, 'data_request');
    assert.equal(response.body.outcome, 'fulfilled');
    const { events, requests } = await recorded(merchant, eventId);
    assert.deepEqual(events, [{ status: 'processed', topic: 'customers/data_request' }]);
    const summary = requests[0]?.summary;
    assert.equal(summary?.requestRef, '9999');
    assert.deepEqual(summary?.ordersRequested, ['299938', '280263']);
    assert.deepEqual(summary?.found, {
      customer: true,
      conversations: 1,
      carts: 1,
      messages: 1,
      timers: 1,
      consentEntries: 0,
      consentEntriesWithheld: 0,
      suppressed: false,
    });
    const stored = JSON.stringify(requests);
    for (const personal of [recipient.phone, 'Bob', 'IPod', 'blue one', 'john@example.com']) assert.ok(!stored.includes(personal), personal);

    const listed = await h.request('GET', '/api/v1/privacy-requests', { token: merchant.apiKey });
    assert.equal(listed.status, 200);
    assert.ok(listed.body.requests.some((r: any) => r.eventId === eventId && r.kind === 'data_request' && r.outcome === 'fulfilled'));
    const elsewhere = await h.request('GET', '/api/v1/privacy-requests', { token: other.apiKey });
    assert.ok(!elsewhere.body.requests.some((r: any) => r.eventId === eventId), "another merchant does not see it");
    assert.equal((await exportOf(merchant, recipient.phone)).body.customer.firstName, 'Bob', 'a data request erases nothing');
  });

  test('the same X-Shopify-Event-Id delivered twice has one effect, for every privacy topic', async () => {
    const { recipient } = await shopper(merchant);
    const redactId = randomUUID();
    const redact = { ...SHOP, customer: customerPayload(recipient.phone), orders_to_redact: [] };
    const [first, second] = [await post(merchant, 'customers/redact', redact, { eventId: redactId }), await post(merchant, 'customers/redact', redact, { eventId: redactId })];
    assert.deepEqual([first.status, second.status], [200, 200]);
    assert.deepEqual([first.body.status, second.body.status], ['processed', 'duplicate']);
    const erasedEntries = await h.service.deps.db.models.ConsentEvent.count({ where: { merchantId: merchant.id, phone: recipient.phone, change: 'erased' } });
    assert.equal(erasedEntries, 1);

    const requestId = randomUUID();
    const dataRequest = { ...SHOP, customer: customerPayload(recipient.phone), orders_requested: [], data_request: { id: 7 } };
    const answers = await Promise.all([1, 2].map(() => post(merchant, 'customers/data_request', dataRequest, { eventId: requestId })));
    assert.deepEqual(answers.map((a) => a.body.status).sort(), ['duplicate', 'processed']);

    for (const eventId of [redactId, requestId]) {
      const { events, requests } = await recorded(merchant, eventId);
      assert.equal(events.length, 1);
      assert.equal(requests.length, 1);
    }
  });

  test('shop/redact erases every shopper of the merchant, and only of that merchant; its duplicate is one effect', async () => {
    const shopMerchant = await h.createMerchant({ name: 'Leaving Shop' });
    const shoppers = await Promise.all([shopper(shopMerchant), shopper(shopMerchant), shopper(shopMerchant)]);
    const phoneless = checkoutFor(nextRecipient(), { sms_marketing_phone: null, phone: null, customer: null });
    phoneless.billing_address = { ...phoneless.billing_address, phone: null };
    phoneless.shipping_address = { ...phoneless.shipping_address, phone: null };
    assert.equal((await post(shopMerchant, 'checkouts/create', phoneless)).body.reason, 'no_phone');
    // The same phone at another merchant stays untouched.
    await shopper(other, shoppers[0]!.recipient);

    const eventId = randomUUID();
    const response = await post(shopMerchant, 'shop/redact', SHOP, { eventId });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.kind, 'shop_redact');
    assert.equal(response.body.outcome, 'fulfilled');
    assert.equal(response.body.summary.erased.customers, 3);
    assert.equal(response.body.summary.erased.unownedCarts, 1);

    const left = await sql<{ phone: string }>(`SELECT phone FROM customers WHERE merchant_id = :merchantId`, { merchantId: shopMerchant.id });
    assert.equal(left.length, 3);
    assert.ok(left.every((c) => c.phone.startsWith('erased:')));
    const carts = await h.service.deps.db.models.Cart.findAll({ where: { merchantId: shopMerchant.id } });
    assert.equal(carts.length, 4);
    assert.ok(carts.every((c) => c.lineItems.length === 0 && c.firstName === null && c.recoveryUrl === null && c.phone === null));
    const bodies = await h.service.deps.db.models.Message.findAll({ where: { merchantId: shopMerchant.id } });
    assert.ok(bodies.length === 3 && bodies.every((m) => m.body === '[erased]'));
    for (const { recipient } of shoppers) assert.equal((await exportOf(shopMerchant, recipient.phone)).body.suppressed, true);

    const untouched = await exportOf(other, shoppers[0]!.recipient.phone);
    assert.equal(untouched.body.customer.firstName, 'Bob');
    assert.equal(untouched.body.suppressed, false);

    const again = await post(shopMerchant, 'shop/redact', SHOP, { eventId });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'duplicate');
    const { events, requests } = await recorded(shopMerchant, eventId);
    assert.equal(events.length, 1);
    assert.equal(requests.length, 1);
  });

  test('shop/redact naming another shop is 200 ignored, recorded, and erases nothing', async () => {
    const { recipient } = await shopper(merchant);
    const eventId = randomUUID();
    const response = await post(merchant, 'shop/redact', { shop_id: 1, shop_domain: 'someone-else.myshopify.com' }, { eventId });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ignored', reason: 'shop_domain_mismatch' });
    const { events, requests } = await recorded(merchant, eventId);
    assert.deepEqual(events, [{ status: 'ignored', topic: 'shop/redact' }]);
    assert.deepEqual(requests, []);
    assert.equal((await exportOf(merchant, recipient.phone)).body.customer.firstName, 'Bob');
  });
});
