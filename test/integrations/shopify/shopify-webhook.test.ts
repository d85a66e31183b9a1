import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CartUpdated, OrderPlaced } from '../../../src/domain/cart-event.js';
import { AppError, InvalidSignatureError } from '../../../src/errors.js';
import { signShopifyBody } from '../../../src/integrations/shopify/shopify-signature.js';
import {
  parseShopifyWebhook,
  ShopifyPayloadError,
  type ShopifyWebhookResult,
} from '../../../src/integrations/shopify/shopify-webhook.js';
import { readFixture } from '../../support/fixtures.js';

const SECRET = 'shpss_test_secret';
const RECEIVED_AT = new Date('2026-11-20T20:00:00Z');
const checkoutBody = readFixture('shopify/checkouts-create.json');
const orderBody = readFixture('shopify/orders-create.json');

type Headers = Record<string, string | string[] | undefined>;

/** A delivery as Shopify sends it, signed over `body` unless the headers say otherwise. */
function deliver(topic: string, body: Buffer, headers: Headers = {}): ShopifyWebhookResult {
  return parseShopifyWebhook({
    rawBody: body,
    headers: {
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': signShopifyBody(body, SECRET),
      'x-shopify-shop-domain': 'example-shop.myshopify.com',
      'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
      'x-shopify-triggered-at': '2026-11-20T19:07:03.877041743Z',
      'x-shopify-api-version': '2026-10',
      ...headers,
    },
    secret: SECRET,
    receivedAt: RECEIVED_AT,
  });
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function checkoutWith(overrides: Record<string, unknown>): Buffer {
  return json({ ...JSON.parse(checkoutBody.toString('utf8')), ...overrides });
}

function eventOf(result: ShopifyWebhookResult) {
  assert.equal(result.kind, 'event');
  return result.event;
}

/** Asserts a 400 ShopifyPayloadError with `code`, and returns it for further checks. */
function assertPayloadError(fn: () => unknown, code: string): ShopifyPayloadError {
  let caught: unknown;
  assert.throws(fn, (error: unknown) => {
    caught = error;
    return error instanceof ShopifyPayloadError && error instanceof AppError && error.code === code && error.status === 400;
  });
  return caught as ShopifyPayloadError;
}

function assertInvalidSignature(fn: () => unknown): void {
  assert.throws(fn, (error: unknown) => error instanceof InvalidSignatureError && error.status === 401 && error.code === 'invalid_signature');
}

describe('parseShopifyWebhook', () => {
  it('turns a signed checkouts/create into a cart.updated event', () => {
    const result = deliver('checkouts/create', checkoutBody);
    assert.equal(result.kind, 'event');
    assert.equal(result.topic, 'checkouts/create');
    assert.equal(result.eventId, '98880550-7158-44d4-b7cd-2c97c8a091b5');
    assert.equal(result.kind === 'event' && result.shopDomain, 'example-shop.myshopify.com');
    const event = eventOf(result) as CartUpdated;
    assert.equal(event.type, 'cart.updated');
    assert.equal(event.phone, '+15024592181');
    assert.equal(event.cart.totalMinor, 63282);
    assert.equal(event.eventId, result.eventId);
    assert.equal(event.occurredAt.toISOString(), '2026-11-20T19:07:03.877Z');
  });

  it('treats checkouts/update like checkouts/create', () => {
    assert.equal(eventOf(deliver('checkouts/update', checkoutBody)).type, 'cart.updated');
  });

  it('keeps the exact order id from the raw orders/create bytes', () => {
    const event = eventOf(deliver('orders/create', orderBody)) as OrderPlaced;
    assert.equal(event.type, 'order.placed');
    assert.equal(event.orderId, '820982911946154508');
    assert.equal(event.checkoutToken, '2a1ace52255252df566af0faaedfbfa7');
  });

  describe('signature', () => {
    it('rejects a missing signature with 401', () => {
      assertInvalidSignature(() => deliver('checkouts/create', checkoutBody, { 'x-shopify-hmac-sha256': undefined }));
    });

    it('rejects a signature over other bytes with 401', () => {
      assertInvalidSignature(() =>
        deliver('checkouts/create', checkoutWith({ total_price: '0.01' }), { 'x-shopify-hmac-sha256': signShopifyBody(checkoutBody, SECRET) }),
      );
    });

    it('checks the signature before the body, so unsigned garbage gets 401, not 400', () => {
      assertInvalidSignature(() => deliver('checkouts/create', Buffer.from('{not json'), { 'x-shopify-hmac-sha256': 'bad' }));
    });

    it('rejects a privacy webhook with a bad signature with 401', () => {
      assertInvalidSignature(() =>
        deliver('customers/redact', json({ shop_id: 1 }), { 'x-shopify-hmac-sha256': signShopifyBody(json({ shop_id: 1 }), 'wrong') }),
      );
    });
  });

  it('answers malformed JSON with 400 malformed_payload', () => {
    assertPayloadError(() => deliver('checkouts/create', Buffer.from('{"id": 1,')), 'malformed_payload');
  });

  it('answers a payload that breaks the schema with 400 invalid_payload naming the fields', () => {
    const error = assertPayloadError(
      () => deliver('checkouts/create', checkoutWith({ total_price: 632.82, token: undefined })),
      'invalid_payload',
    );
    assert.match(error.message, /total_price/);
    assert.match(error.message, /token/);
    assert.ok(Array.isArray(error.details));
  });

  it('answers an order with a rounded id and no GraphQL id with 400 invalid_payload', () => {
    const body = Buffer.from(orderBody.toString('utf8').replace(/"admin_graphql_api_id": "[^"]*",/, ''), 'utf8');
    assertPayloadError(() => deliver('orders/create', body), 'invalid_payload');
  });

  describe('event id', () => {
    it('falls back to the webhook id when there is no event id', () => {
      const result = deliver('checkouts/create', checkoutBody, { 'x-shopify-event-id': undefined });
      assert.equal(result.eventId, 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
    });

    it('answers a delivery with neither id with 400 missing_event_id', () => {
      assertPayloadError(
        () => deliver('checkouts/create', checkoutBody, { 'x-shopify-event-id': undefined, 'x-shopify-webhook-id': '' }),
        'missing_event_id',
      );
    });
  });

  it('answers a delivery without a topic with 400 missing_topic', () => {
    assertPayloadError(() => deliver('', checkoutBody), 'missing_topic');
  });

  it('ignores a topic it does not handle, without validating its body', () => {
    const result = deliver('products/update', json({ id: 1 }));
    assert.deepEqual(result, {
      kind: 'ignored',
      topic: 'products/update',
      eventId: '98880550-7158-44d4-b7cd-2c97c8a091b5',
      reason: 'unknown_topic',
    });
  });

  it('hands privacy topics back as our privacy requests', () => {
    const shop = { shop_id: 954889, shop_domain: 'example-shop.myshopify.com' };
    const customer = { id: 191167, email: 'john@example.com', phone: '+15024592181' };
    const payloads = {
      'customers/data_request': { ...shop, orders_requested: [299938], customer, data_request: { id: 9999 } },
      'customers/redact': { ...shop, customer, orders_to_redact: [299938] },
      'shop/redact': shop,
    } as const;
    const kinds = { 'customers/data_request': 'data_request', 'customers/redact': 'customer_redact', 'shop/redact': 'shop_redact' } as const;
    for (const topic of ['customers/data_request', 'customers/redact', 'shop/redact'] as const) {
      const result = deliver(topic, json(payloads[topic]));
      assert.equal(result.kind, 'privacy');
      assert.equal(result.topic, topic);
      assert.equal(result.eventId, '98880550-7158-44d4-b7cd-2c97c8a091b5');
      assert.equal(result.kind === 'privacy' && result.request.kind, kinds[topic]);
      assert.equal(result.kind === 'privacy' && result.request.shopDomain, 'example-shop.myshopify.com');
    }
  });

  describe('occurredAt', () => {
    it('falls back to the payload updated_at when X-Shopify-Triggered-At is not a date', () => {
      const event = eventOf(deliver('checkouts/create', checkoutBody, { 'x-shopify-triggered-at': '1' }));
      assert.equal(event.occurredAt.toISOString(), '2026-11-20T19:07:02.000Z');
    });

    it('falls back to the time of receipt when neither is a date', () => {
      const body = checkoutWith({ updated_at: null });
      const event = eventOf(deliver('checkouts/create', body, { 'x-shopify-triggered-at': undefined }));
      assert.equal(event.occurredAt.getTime(), RECEIVED_AT.getTime());
    });
  });

  it('reads headers case-insensitively and takes the first of repeated values', () => {
    const result = parseShopifyWebhook({
      rawBody: checkoutBody,
      headers: {
        'X-Shopify-Topic': 'checkouts/create',
        'X-Shopify-Hmac-Sha256': [signShopifyBody(checkoutBody, SECRET)],
        'X-Shopify-Event-Id': ['evt-a', 'evt-b'],
      },
      secret: SECRET,
      receivedAt: RECEIVED_AT,
    });
    assert.equal(result.kind, 'event');
    assert.equal(result.eventId, 'evt-a');
    assert.equal(result.kind === 'event' && result.shopDomain, null);
  });
});
