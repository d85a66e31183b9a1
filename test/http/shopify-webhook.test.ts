import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { signShopifyBody } from '../../src/integrations/shopify/shopify-signature.js';
import { checkoutFor, startHarness, WEBHOOK_SECRET, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

/**
 * `POST /webhooks/shopify/:merchantId`: HMAC over the raw body, deduplication
 * on X-Shopify-Event-Id, and what is stored for each kind of delivery. The
 * merchant keeps the default flow (15 minutes to abandonment), so nothing is
 * texted while these run.
 */
describe('Shopify webhook contract', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let variant = 20;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

  before(async () => {
    h = await startHarness({ label: 'http_shopify' });
    merchant = await h.createMerchant();
  });
  after(async () => h?.close());

  const models = () => h.service.deps.db.models;

  /** A Shopify delivery with full control of the bytes and headers. */
  async function deliver(
    merchantId: string,
    raw: Buffer | string,
    headers: Record<string, string | undefined> = {},
  ): Promise<{ status: number; body: any; text: string }> {
    const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw;
    const all: Record<string, string | undefined> = {
      'content-type': 'application/json',
      'x-shopify-topic': 'checkouts/create',
      'x-shopify-hmac-sha256': signShopifyBody(bytes, WEBHOOK_SECRET),
      'x-shopify-shop-domain': 'example-shop.myshopify.com',
      'x-shopify-api-version': '2026-10',
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      ...headers,
    };
    const sent: Record<string, string> = {};
    for (const [name, value] of Object.entries(all)) if (value !== undefined) sent[name] = value;
    const response = await fetch(`${h.service.url}/webhooks/shopify/${merchantId}`, { method: 'POST', headers: sent, body: new Uint8Array(bytes) });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: response.status, body, text };
  }

  function assertError(response: { status: number; body: any; text: string }, status: number, code: string) {
    assert.equal(response.status, status, response.text);
    assert.equal(response.body?.error?.code, code, response.text);
    assert.equal(typeof response.body.error.message, 'string');
  }

  async function counts() {
    return {
      events: await models().WebhookEvent.count(),
      carts: await models().Cart.count(),
      conversations: await models().Conversation.count(),
    };
  }

  test('a missing HMAC header is 401 and nothing is stored', async () => {
    const before = await counts();
    const response = await deliver(merchant.id, JSON.stringify(checkoutFor(nextRecipient())), { 'x-shopify-hmac-sha256': undefined });
    assertError(response, 401, 'invalid_signature');
    assert.deepEqual(await counts(), before);
  });

  test('a wrong HMAC (other secret, altered body, junk) is 401 and nothing is stored', async () => {
    const before = await counts();
    const raw = Buffer.from(JSON.stringify(checkoutFor(nextRecipient())));
    const otherSecret = await deliver(merchant.id, raw, { 'x-shopify-hmac-sha256': signShopifyBody(raw, 'not-the-merchant-secret') });
    assertError(otherSecret, 401, 'invalid_signature');
    const altered = Buffer.from(raw.toString('utf8').replace('"632.82"', '"0.01"'));
    assert.notDeepEqual(altered, raw);
    const alteredBody = await deliver(merchant.id, altered, { 'x-shopify-hmac-sha256': signShopifyBody(raw, WEBHOOK_SECRET) });
    assertError(alteredBody, 401, 'invalid_signature');
    const junk = await deliver(merchant.id, raw, { 'x-shopify-hmac-sha256': 'AAAA' });
    assertError(junk, 401, 'invalid_signature');
    // Signing the re-serialised JSON instead of the bytes sent does not verify either.
    const reserialised = await deliver(merchant.id, Buffer.from(JSON.stringify(JSON.parse(raw.toString()), null, 2)), {
      'x-shopify-hmac-sha256': signShopifyBody(raw, WEBHOOK_SECRET),
    });
    assertError(reserialised, 401, 'invalid_signature');
    assert.deepEqual(await counts(), before);
  });

  test('the same X-Shopify-Event-Id delivered twice has one effect; the second answer says duplicate', async () => {
    const recipient = nextRecipient();
    const checkout = checkoutFor(recipient);
    const eventId = randomUUID();
    const before = await counts();
    const first = await h.postCheckout(merchant, checkout, { eventId });
    assert.equal(first.status, 200);
    assert.equal(first.body.status, 'processed');
    assert.ok(first.body.cartId);
    assert.ok(first.body.conversationId);
    const second = await h.postCheckout(merchant, checkout, { eventId });
    assert.equal(second.status, 200, 'a duplicate is still a 2xx, so Shopify stops retrying');
    assert.equal(second.body.status, 'duplicate');
    const after = await counts();
    assert.equal(after.events, before.events + 1);
    assert.equal(after.carts, before.carts + 1);
    assert.equal(after.conversations, before.conversations + 1);
    assert.equal(await models().Cart.count({ where: { checkoutToken: checkout.token } }), 1);
    assert.equal(await models().Conversation.count({ where: { merchantId: merchant.id, phone: recipient.phone } }), 1);
    assert.equal(await models().WebhookEvent.count({ where: { eventId } }), 1);
  });

  test('the older X-Shopify-Webhook-Id stands in for a missing event id, still deduplicated', async () => {
    const raw = JSON.stringify(checkoutFor(nextRecipient()));
    const webhookId = randomUUID();
    const first = await deliver(merchant.id, raw, { 'x-shopify-event-id': undefined, 'x-shopify-webhook-id': webhookId });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.status, 'processed');
    const second = await deliver(merchant.id, raw, { 'x-shopify-event-id': undefined, 'x-shopify-webhook-id': webhookId });
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.status, 'duplicate');
  });

  test('malformed JSON that is correctly signed is 400 malformed_payload and nothing is stored', async () => {
    const before = await counts();
    const response = await deliver(merchant.id, '{"id": 1, "token": "abc", ');
    assertError(response, 400, 'malformed_payload');
    assert.deepEqual(await counts(), before);
  });

  test('a signed checkout that does not match the schema is 400 invalid_payload', async () => {
    const before = await counts();
    const response = await deliver(merchant.id, JSON.stringify(checkoutFor(nextRecipient(), { total_price: 632.82 })));
    assertError(response, 400, 'invalid_payload');
    assert.deepEqual(await counts(), before);
  });

  test('a signed delivery without event id or topic is 400 with its own code', async () => {
    const raw = JSON.stringify(checkoutFor(nextRecipient()));
    assertError(await deliver(merchant.id, raw, { 'x-shopify-event-id': undefined, 'x-shopify-webhook-id': undefined }), 400, 'missing_event_id');
    assertError(await deliver(merchant.id, raw, { 'x-shopify-topic': undefined }), 400, 'missing_topic');
  });

  test('an unknown topic (products/create), signed, is 200 ignored and recorded as ignored', async () => {
    const eventId = randomUUID();
    const before = await counts();
    const response = await deliver(merchant.id, JSON.stringify({ id: 632910392, title: 'IPod Nano - 8GB' }), {
      'x-shopify-topic': 'products/create',
      'x-shopify-event-id': eventId,
    });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.status, 'ignored');
    const recorded = await models().WebhookEvent.findAll({ where: { eventId } });
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]?.status, 'ignored');
    assert.equal(recorded[0]?.topic, 'products/create');
    assert.equal(recorded[0]?.merchantId, merchant.id);
    const after = await counts();
    assert.equal(after.carts, before.carts);
    assert.equal(after.conversations, before.conversations);
  });

  test('an unknown merchant id is 404, for a valid UUID and for something that is not one', async () => {
    const raw = JSON.stringify(checkoutFor(nextRecipient()));
    const before = await counts();
    assertError(await deliver(randomUUID(), raw), 404, 'not_found');
    assertError(await deliver('not-a-uuid', raw), 404, 'not_found');
    assertError(await deliver(`${merchant.id.slice(0, -1)}x`, raw), 404, 'not_found');
    assert.deepEqual(await counts(), before);
  });

  test("a checkout without any phone is 200 and its cart is stored as not_contacted with reason no_phone", async () => {
    const checkout = checkoutFor(nextRecipient());
    checkout.sms_marketing_phone = null;
    checkout.phone = null;
    checkout.customer = { ...checkout.customer, phone: null };
    checkout.billing_address = { ...checkout.billing_address, phone: null };
    checkout.shipping_address = { ...checkout.shipping_address, phone: null };
    const before = await counts();
    const response = await h.postCheckout(merchant, checkout);
    assert.equal(response.status, 200);
    assert.equal(response.body.status, 'processed');
    assert.equal(response.body.reason, 'no_phone');
    assert.equal(response.body.conversationId, null);
    const cart = await models().Cart.findOne({ where: { merchantId: merchant.id, checkoutToken: checkout.token } });
    assert.ok(cart, 'the cart is kept');
    assert.equal(cart.status, 'not_contacted');
    assert.equal(cart.statusReason, 'no_phone');
    assert.equal(cart.phone, null);
    assert.equal((await counts()).conversations, before.conversations);
  });

  test('a phone written in any format is normalised to E.164', async () => {
    const checkout = checkoutFor(nextRecipient(), { sms_marketing_phone: null, customer: null });
    checkout.billing_address = { ...checkout.billing_address, country_code: 'US', province_code: 'KY', phone: '+1(502)-459-2181' };
    const response = await h.postCheckout(merchant, checkout);
    assert.equal(response.status, 200);
    const cart = await models().Cart.findOne({ where: { merchantId: merchant.id, checkoutToken: checkout.token } });
    assert.equal(cart?.phone, '+15024592181');
    const conversation = await h.conversation(merchant, '+15024592181');
    assert.ok(conversation, 'the conversation is found by the normalised phone');
  });

  test('checkouts/update of the same checkout refreshes the stored cart (line items and total)', async () => {
    const recipient = nextRecipient();
    const checkout = checkoutFor(recipient);
    const created = await h.postCheckout(merchant, checkout);
    assert.equal(created.status, 200);
    const before = await h.conversation(merchant, recipient.phone);
    assert.equal(before.cart.total, 63282);
    assert.equal(before.cart.currency, 'USD');

    const updated = {
      ...checkout,
      line_items: [{ ...checkout.line_items[0], quantity: 1, price: '199.00', line_price: '199.00' }],
      total_price: '199.00',
      updated_at: new Date().toISOString(),
    };
    const response = await h.postCheckout(merchant, updated, { topic: 'checkouts/update' });
    assert.equal(response.status, 200);
    assert.equal(response.body.status, 'processed');
    assert.equal(response.body.cartId, created.body.cartId, 'the same cart, not a new one');

    const after = await h.conversation(merchant, recipient.phone);
    assert.equal(after.id, before.id);
    assert.equal(after.cart.id, before.cart.id);
    assert.equal(after.cart.total, 19900);
    assert.equal(await models().Cart.count({ where: { merchantId: merchant.id, checkoutToken: checkout.token } }), 1);
    const cart = await models().Cart.findByPk(created.body.cartId);
    assert.equal(cart?.lineItems.length, 1);
    assert.equal(cart?.lineItems[0]?.quantity, 1);
  });
});
