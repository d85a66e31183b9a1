import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mapCheckout, mapOrder } from '../../../src/integrations/shopify/shopify-mapper.js';
import {
  shopifyCheckoutSchema,
  shopifyOrderSchema,
  type ShopifyCheckout,
  type ShopifyOrder,
} from '../../../src/integrations/shopify/shopify-schemas.js';
import { fixtureJson } from '../../support/fixtures.js';

const meta = { eventId: 'evt-1', occurredAt: new Date('2026-11-20T19:07:02Z') };

/** The fixture as the webhook parser would hand it over, with fields changed per test. */
function checkout(overrides: Record<string, unknown> = {}): ShopifyCheckout {
  return shopifyCheckoutSchema.parse({ ...fixtureJson<Record<string, unknown>>('shopify/checkouts-create.json'), ...overrides });
}

function order(overrides: Record<string, unknown> = {}): ShopifyOrder {
  return shopifyOrderSchema.parse({ ...fixtureJson<Record<string, unknown>>('shopify/orders-create.json'), ...overrides });
}

const fixtureCustomer = fixtureJson<{ customer: Record<string, unknown> }>('shopify/checkouts-create.json').customer;
const fixtureBilling = fixtureJson<{ billing_address: Record<string, unknown> }>('shopify/checkouts-create.json').billing_address;

describe('mapCheckout', () => {
  it('maps the fixture checkout to cart.updated', () => {
    const event = mapCheckout(checkout(), meta);
    assert.equal(event.type, 'cart.updated');
    assert.equal(event.platform, 'shopify');
    assert.equal(event.eventId, 'evt-1');
    assert.equal(event.occurredAt, meta.occurredAt);
    assert.equal(event.phone, '+15024592181');
    assert.deepEqual(event.cart, {
      checkoutId: '450789469',
      checkoutToken: '2a1ace52255252df566af0faaedfbfa7',
      cartToken: '68778783ad298f1c80c3bafcddeea02f',
      currency: 'USD',
      totalMinor: 63282,
      lineItems: [
        { title: 'IPod Nano - 8GB', variant: 'Red', quantity: 1, unitPriceMinor: 19900, linePriceMinor: 19900 },
        { title: 'IPod Nano - 8GB', variant: 'Pink', quantity: 2, unitPriceMinor: 19900, linePriceMinor: 39800 },
      ],
      recoveryUrl:
        'https://example-shop.myshopify.com/548380009/checkouts/2a1ace52255252df566af0faaedfbfa7/recover?key=4b7d2b2b',
      firstName: 'Bob',
      locale: 'en',
      addresses: [{ countryCode: 'US', provinceCode: 'KY', zip: '40202' }],
    });
  });

  it('converts money strings exactly: "632.82" is 63282 minor units', () => {
    assert.equal(mapCheckout(checkout({ total_price: '632.82' }), meta).cart.totalMinor, 63282);
  });

  it('computes a missing line_price as unit price × quantity', () => {
    const event = mapCheckout(
      checkout({ line_items: [{ title: 'Socks', variant_title: null, quantity: 3, price: '4.99' }] }),
      meta,
    );
    assert.deepEqual(event.cart.lineItems, [
      { title: 'Socks', variant: null, quantity: 3, unitPriceMinor: 499, linePriceMinor: 1497 },
    ]);
  });

  it('uses the presentment currency for amounts, falling back to the shop currency', () => {
    assert.equal(mapCheckout(checkout({ presentment_currency: 'JPY', total_price: '1500' }), meta).cart.totalMinor, 1500);
    assert.equal(mapCheckout(checkout({ presentment_currency: 'JPY' }), meta).cart.currency, 'JPY');
    assert.equal(mapCheckout(checkout({ presentment_currency: null }), meta).cart.currency, 'USD');
  });

  describe('phone', () => {
    it('normalises "+1(502)-459-2181" from an address to +15024592181', () => {
      const event = mapCheckout(checkout({ sms_marketing_phone: null, phone: null, customer: null }), meta);
      assert.equal(event.phone, '+15024592181');
    });

    it('prefers sms_marketing_phone over phone, customer phone and addresses', () => {
      const event = mapCheckout(
        checkout({
          sms_marketing_phone: '(212) 736-5000',
          phone: '+1 415 555 2671',
          customer: { ...fixtureCustomer, phone: '+1 502 459 2181' },
        }),
        meta,
      );
      assert.equal(event.phone, '+12127365000');
    });

    it('falls back to phone, then customer phone', () => {
      const customer = { ...fixtureCustomer, phone: '(212) 736-5000' };
      assert.equal(mapCheckout(checkout({ sms_marketing_phone: null, phone: '+1 415 555 2671', customer }), meta).phone, '+14155552671');
      assert.equal(mapCheckout(checkout({ sms_marketing_phone: null, phone: null, customer }), meta).phone, '+12127365000');
    });

    it('skips a candidate that is not a valid number and takes the next one', () => {
      const event = mapCheckout(checkout({ sms_marketing_phone: 'n/a', phone: '555-625-1199' }), meta);
      assert.equal(event.phone, '+15024592181');
    });

    it('prefers the billing address phone over the shipping one', () => {
      const event = mapCheckout(
        checkout({
          sms_marketing_phone: null,
          phone: null,
          customer: null,
          shipping_address: { ...fixtureBilling, phone: '(212) 736-5000' },
        }),
        meta,
      );
      assert.equal(event.phone, '+15024592181');
    });

    it("reads a national number in its address's country", () => {
      const event = mapCheckout(
        checkout({
          sms_marketing_phone: null,
          phone: null,
          customer: null,
          billing_address: null,
          shipping_address: { ...fixtureBilling, country_code: 'GB', province_code: 'ENG', zip: 'SW1A 1AA', phone: '020 7123 4567' },
        }),
        meta,
      );
      assert.equal(event.phone, '+442071234567');
    });

    it('is null when no candidate is a usable phone', () => {
      const event = mapCheckout(
        checkout({ sms_marketing_phone: null, phone: null, customer: null, billing_address: null, shipping_address: null }),
        meta,
      );
      assert.equal(event.phone, null);
    });
  });

  describe('consent', () => {
    it('is granted only by buyer_accepts_sms_marketing === true, with the raw fields kept as evidence', () => {
      const event = mapCheckout(checkout(), meta);
      assert.equal(event.consent.smsMarketing, true);
      assert.deepEqual(event.consent.evidence, {
        buyer_accepts_sms_marketing: true,
        sms_marketing_phone: '+15024592181',
        'customer.sms_marketing_consent': fixtureCustomer.sms_marketing_consent,
      });
    });

    it('keeps the buyer’s IP address and browser with the evidence when Shopify sends them, and nothing when it does not', () => {
      const withClient = checkout({ client_details: { browser_ip: '203.0.113.7', user_agent: 'Mozilla/5.0 (iPhone)', accept_language: 'en-US' } });
      const evidence = mapCheckout(withClient, meta).consent.evidence;
      assert.equal(evidence.ip, '203.0.113.7');
      assert.equal(evidence.userAgent, 'Mozilla/5.0 (iPhone)');
      assert.equal(mapCheckout(checkout({ browser_ip: '198.51.100.4' }), meta).consent.evidence.ip, '198.51.100.4');
      assert.equal('ip' in mapCheckout(checkout(), meta).consent.evidence, false);
    });

    it('is false when the buyer did not accept, even with a subscribed customer record', () => {
      assert.equal(mapCheckout(checkout({ buyer_accepts_sms_marketing: false }), meta).consent.smsMarketing, false);
    });

    it('is false when the flag is null or absent, and a null customer consent is kept as null', () => {
      const nullConsent = checkout({
        buyer_accepts_sms_marketing: null,
        sms_marketing_phone: null,
        customer: { ...fixtureCustomer, sms_marketing_consent: null },
      });
      const event = mapCheckout(nullConsent, meta);
      assert.equal(event.consent.smsMarketing, false);
      assert.deepEqual(event.consent.evidence, {
        buyer_accepts_sms_marketing: null,
        sms_marketing_phone: null,
        'customer.sms_marketing_consent': null,
      });

      const absent = checkout();
      delete absent.buyer_accepts_sms_marketing;
      assert.equal(mapCheckout(absent, meta).consent.smsMarketing, false);
    });
  });

  it('takes the first name from the billing address when there is no customer', () => {
    assert.equal(mapCheckout(checkout({ customer: null }), meta).cart.firstName, 'Bob');
    assert.equal(mapCheckout(checkout({ customer: null, billing_address: null, shipping_address: null }), meta).cart.firstName, null);
  });

  it('keeps distinct billing and shipping addresses, without the country prefix on provinces', () => {
    const event = mapCheckout(
      checkout({ shipping_address: { ...fixtureBilling, country_code: 'ca', province_code: 'CA-ON', zip: 'M5V 2T6' } }),
      meta,
    );
    assert.deepEqual(event.cart.addresses, [
      { countryCode: 'US', provinceCode: 'KY', zip: '40202' },
      { countryCode: 'CA', provinceCode: 'ON', zip: 'M5V 2T6' },
    ]);
  });

  it('ignores fields it does not know', () => {
    assert.doesNotThrow(() => mapCheckout(checkout({ some_future_field: { nested: true } }), meta));
  });
});

describe('mapOrder', () => {
  it('maps the fixture order to order.placed', () => {
    const event = mapOrder(order(), meta);
    assert.deepEqual(event, {
      type: 'order.placed',
      platform: 'shopify',
      eventId: 'evt-1',
      occurredAt: meta.occurredAt,
      orderId: '820982911946154508',
      orderName: '#1001',
      checkoutToken: '2a1ace52255252df566af0faaedfbfa7',
      cartToken: '68778783ad298f1c80c3bafcddeea02f',
      phone: '+15024592181',
      currency: 'USD',
      totalMinor: 56954,
    });
  });

  it('keeps the order id exact although JSON.parse rounds the numeric id', () => {
    const parsed = order();
    assert.notEqual(String(parsed.id), '820982911946154508');
    assert.equal(mapOrder(parsed, meta).orderId, '820982911946154508');
  });

  it('uses the numeric id when there is no GraphQL id and the id is safe', () => {
    assert.equal(mapOrder(order({ id: 450789469, admin_graphql_api_id: undefined }), meta).orderId, '450789469');
  });

  it('refuses an unsafe numeric id without a GraphQL id rather than guess it', () => {
    assert.equal(shopifyOrderSchema.safeParse({ ...order(), admin_graphql_api_id: null }).success, false);
  });

  it('takes the phone from the order, then the customer, then the addresses', () => {
    assert.equal(mapOrder(order({ phone: '(212) 736-5000' }), meta).phone, '+12127365000');
    assert.equal(mapOrder(order({ phone: null }), meta).phone, '+15024592181');
    assert.equal(mapOrder(order({ phone: null, customer: null }), meta).phone, '+15024592181');
    assert.equal(
      mapOrder(order({ phone: null, customer: null, billing_address: null, shipping_address: null }), meta).phone,
      null,
    );
  });
});
