import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PrivacyRequest } from '../../../src/domain/privacy-request.js';
import { InvalidSignatureError } from '../../../src/errors.js';
import { signShopifyBody } from '../../../src/integrations/shopify/shopify-signature.js';
import { parseShopifyWebhook, ShopifyPayloadError } from '../../../src/integrations/shopify/shopify-webhook.js';

/**
 * Shopify's mandatory privacy webhooks, in the shapes Shopify documents,
 * mapped to our privacy requests. The customer's email is never carried over.
 */
const SECRET = 'shpss_test_secret';
const EVENT_ID = '5f5d8a1e-0c4b-4f3e-9a51-2b6c0d4e7f80';

function deliver(topic: string, payload: unknown, secret = SECRET) {
  const body = Buffer.from(JSON.stringify(payload));
  return parseShopifyWebhook({
    rawBody: body,
    headers: {
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': signShopifyBody(body, secret),
      'x-shopify-shop-domain': 'example-shop.myshopify.com',
      'x-shopify-event-id': EVENT_ID,
      'x-shopify-api-version': '2026-10',
    },
    secret: SECRET,
    receivedAt: new Date('2026-11-20T20:00:00Z'),
  });
}

function requestOf(topic: string, payload: unknown): PrivacyRequest {
  const result = deliver(topic, payload);
  assert.equal(result.kind, 'privacy');
  return result.kind === 'privacy' ? result.request : (undefined as never);
}

const shop = { shop_id: 954889, shop_domain: 'example-shop.myshopify.com' };

describe('Shopify privacy webhooks', () => {
  it('customers/data_request becomes a data request with the phone in E.164 and every reference as text', () => {
    const request = requestOf('customers/data_request', {
      ...shop,
      orders_requested: [299938, 280263, 220458],
      customer: { id: 191167, email: 'john@example.com', phone: '+1(502)-459-2181' },
      data_request: { id: 9999 },
    });
    assert.deepEqual(request, {
      kind: 'data_request',
      platform: 'shopify',
      eventId: EVENT_ID,
      shopDomain: 'example-shop.myshopify.com',
      phone: '+15024592181',
      customerRef: '191167',
      requestRef: '9999',
      orderRefs: ['299938', '280263', '220458'],
    });
    assert.ok(!JSON.stringify(request).includes('john@example.com'), 'the email is not carried over');
  });

  it('customers/redact becomes an erasure request for the phone', () => {
    const request = requestOf('customers/redact', {
      ...shop,
      customer: { id: 191167, email: 'john@example.com', phone: '502 459 2181' },
      orders_to_redact: [299938],
    });
    assert.deepEqual(request, {
      kind: 'customer_redact',
      platform: 'shopify',
      eventId: EVENT_ID,
      shopDomain: 'example-shop.myshopify.com',
      phone: '+15024592181',
      customerRef: '191167',
      orderRefs: ['299938'],
    });
  });

  it('a customer without a phone, or with one that is not a number (the docs\' 555-625-1199), has phone null', () => {
    for (const phone of [null, undefined, '', '555-625-1199']) {
      const request = requestOf('customers/redact', { ...shop, customer: { id: 1, email: 'a@b.example', phone } });
      assert.equal(request.kind === 'customer_redact' && request.phone, null, String(phone));
    }
    const noOrders = requestOf('customers/redact', { ...shop, customer: { id: 1 } });
    assert.deepEqual(noOrders.kind === 'customer_redact' && noOrders.orderRefs, []);
  });

  it('shop/redact becomes a shop erasure naming the shop', () => {
    assert.deepEqual(requestOf('shop/redact', shop), {
      kind: 'shop_redact',
      platform: 'shopify',
      eventId: EVENT_ID,
      shopDomain: 'example-shop.myshopify.com',
    });
  });

  it('a signed privacy payload without what the topic needs is 400 invalid_payload', () => {
    for (const [topic, payload] of [
      ['customers/redact', shop],
      ['customers/data_request', { shop_domain: 'example-shop.myshopify.com', customer: { id: 1 } }],
      ['shop/redact', { shop_id: 954889 }],
      ['customers/redact', { ...shop, customer: { id: 1, phone: 5024592181 } }],
    ] as const) {
      assert.throws(() => deliver(topic, payload), (error: unknown) => error instanceof ShopifyPayloadError && error.code === 'invalid_payload', topic);
    }
  });

  it('every privacy topic with a bad signature is 401 before its body is read', () => {
    for (const topic of ['customers/data_request', 'customers/redact', 'shop/redact']) {
      assert.throws(() => deliver(topic, shop, 'not-the-app-secret'), (error: unknown) => error instanceof InvalidSignatureError && error.status === 401);
    }
  });
});
