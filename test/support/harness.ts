import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig, type Config } from '../../src/config.js';
import { signShopifyBody } from '../../src/integrations/shopify/shopify-signature.js';
import { startService, type Service, type ServiceOptions } from '../../src/service.js';
import { startFakeTwilio, type FakeTwilio } from './fake-twilio.js';
import { fixtureJson } from './fixtures.js';
import type { Recipient } from './reachable-recipient.js';
import { createTestDatabase, REDIS_URL, type TestDatabase } from './test-database.js';
import { buildSignedTwilioPost } from './twilio-webhook-client.js';

export const ACCOUNT_SID = 'AC' + 'f2b1c3d4e5f60718293a4b5c6d7e8f90';
export const AUTH_TOKEN = 'test-auth-token-' + 'a1b2c3d4e5f6';
export const PUBLIC_BASE_URL = 'https://cartrescue.example.test';
export const ADMIN_TOKEN = 'operator-token-for-tests-only';
export const WEBHOOK_SECRET = 'shopify-client-secret-for-tests';

export type QueueMode = 'redis' | 'postgres';

export interface FlowInput {
  abandonAfterSeconds?: number;
  optInTimeoutSeconds?: number;
  steps?: Array<{ afterSeconds: number; template: string; discountCode?: string }>;
}

export interface TestMerchant {
  id: string;
  apiKey: string;
  webhookUrl: string;
  /** Empty for a merchant that sends through a messaging service only: `postInbound` then needs `To` in `extra`. */
  senderNumber: string;
}

export interface Harness {
  service: Service;
  twilio: FakeTwilio;
  database: TestDatabase;
  config: Config;
  request(method: string, path: string, init?: { body?: unknown; token?: string | null; headers?: Record<string, string> }): Promise<{ status: number; body: any; text: string }>;
  createMerchant(overrides?: Record<string, unknown>): Promise<TestMerchant>;
  postCheckout(merchant: TestMerchant, checkout: Record<string, unknown>, options?: { topic?: string; eventId?: string; secret?: string }): Promise<{ status: number; body: any }>;
  postOrder(merchant: TestMerchant, order: Record<string, unknown>, options?: { eventId?: string }): Promise<{ status: number; body: any }>;
  postInbound(merchant: TestMerchant, from: string, body: string, extra?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** `query` is the callback URL's own query string (`message=<id>`), signed with the rest of the URL. */
  postStatus(params: Record<string, string>, query?: string): Promise<{ status: number; text: string }>;
  conversation(merchant: TestMerchant, phone: string): Promise<any>;
  close(): Promise<void>;
}

/** A checkout from the fixture, re-addressed to `recipient` and given a fresh token. */
export function checkoutFor(recipient: Recipient, overrides: Record<string, unknown> = {}): Record<string, any> {
  const checkout = fixtureJson<Record<string, any>>('shopify/checkouts-create.json');
  const token = randomBytes(16).toString('hex');
  const address = (kind: string) => ({
    ...checkout[kind],
    phone: null,
    country_code: recipient.countryCode,
    province_code: recipient.provinceCode,
    province: null,
    zip: null,
  });
  return {
    ...checkout,
    id: Math.floor(Math.random() * 1e12),
    token,
    cart_token: randomBytes(16).toString('hex'),
    sms_marketing_phone: recipient.phone,
    abandoned_checkout_url: `https://example-shop.myshopify.com/548380009/checkouts/${token}/recover?key=abc`,
    billing_address: address('billing_address'),
    shipping_address: address('shipping_address'),
    customer: { ...checkout.customer, phone: recipient.phone, default_address: null },
    updated_at: new Date().toISOString(),
    ...overrides,
  };
}

export function orderFor(checkout: Record<string, any>, overrides: Record<string, unknown> = {}): Record<string, any> {
  const order = fixtureJson<Record<string, any>>('shopify/orders-create.json');
  const id = String(Math.floor(Math.random() * 1e15));
  return {
    ...order,
    id: Number(id),
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    checkout_token: checkout.token,
    cart_token: checkout.cart_token,
    ...overrides,
  };
}

export async function startHarness(options: { label: string; queue?: QueueMode; env?: Record<string, string>; service?: ServiceOptions }): Promise<Harness> {
  const database = await createTestDatabase(options.label);
  const twilio = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    REDIS_URL: options.queue === 'postgres' ? '' : REDIS_URL,
    ADMIN_TOKEN,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    SMS_PROVIDER: 'twilio',
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_BASE_URL: twilio.url,
    PUBLIC_BASE_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SMS_TIMEOUT_MS: '3000',
    SHUTDOWN_GRACE_MS: '3000',
    ...options.env,
  });
  const service = await startService(config, { queueNamespace: `cr-${database.name}`, ...options.service });

  async function request(method: string, path: string, init: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    const token = init.token === undefined ? ADMIN_TOKEN : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(service.url + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    return { status: response.status, body: parsed as any, text };
  }

  async function postShopify(merchant: TestMerchant, topic: string, payload: unknown, eventId: string, secret = WEBHOOK_SECRET) {
    const raw = Buffer.from(JSON.stringify(payload));
    const response = await fetch(`${service.url}/webhooks/shopify/${merchant.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': signShopifyBody(raw, secret),
        'x-shopify-shop-domain': 'example-shop.myshopify.com',
        'x-shopify-api-version': '2026-10',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': eventId,
        'x-shopify-triggered-at': new Date().toISOString(),
      },
      body: raw,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  async function postTwilio(path: string, params: Record<string, string>) {
    const signed = buildSignedTwilioPost(PUBLIC_BASE_URL + path, params, AUTH_TOKEN);
    const response = await fetch(service.url + path, { method: 'POST', headers: signed.headers, body: signed.body });
    return { status: response.status, text: await response.text() };
  }

  let senderCounter = 100 + Math.floor(Math.random() * 800);
  return {
    service,
    twilio,
    database,
    config,
    request,
    async createMerchant(overrides = {}) {
      const senderNumber = `+1415555${String(senderCounter++).padStart(4, '0')}`;
      const response = await request('POST', '/api/v1/merchants', {
        body: {
          name: 'Example Shop',
          platform: 'shopify',
          shopDomain: 'example-shop.myshopify.com',
          webhookSecret: WEBHOOK_SECRET,
          timezone: 'America/New_York',
          senderNumber,
          supportContact: 'help@example-shop.test',
          ...overrides,
        },
      });
      if (response.status !== 201) throw new Error(`merchant not created: ${response.status} ${response.text}`);
      return { ...(response.body as { id: string; apiKey: string; webhookUrl: string }), senderNumber: 'senderNumber' in overrides ? ((overrides.senderNumber as string | undefined) ?? '') : senderNumber };
    },
    postCheckout: (merchant, checkout, opts = {}) =>
      postShopify(merchant, opts.topic ?? 'checkouts/create', checkout, opts.eventId ?? randomUUID(), opts.secret),
    postOrder: (merchant, order, opts = {}) => postShopify(merchant, 'orders/create', order, opts.eventId ?? randomUUID()),
    postInbound: (merchant, from, body, extra = {}) => {
      // A number the merchant does not own would route the text elsewhere, or nowhere, without a word.
      if (!merchant.senderNumber && !extra.To) throw new Error('this merchant has no sender number: pass To (and MessagingServiceSid) in extra');
      return postTwilio('/webhooks/twilio/inbound', {
        MessageSid: 'SM' + randomBytes(16).toString('hex'),
        SmsSid: 'SM' + randomBytes(16).toString('hex'),
        AccountSid: ACCOUNT_SID,
        From: from,
        To: merchant.senderNumber,
        Body: body,
        NumMedia: '0',
        NumSegments: '1',
        SmsStatus: 'received',
        ApiVersion: '2010-04-01',
        ...extra,
      });
    },
    postStatus: (params, query) => postTwilio(`/webhooks/twilio/status${query ? `?${query}` : ''}`, params),
    async conversation(merchant, phone) {
      const response = await request('GET', `/api/v1/conversations?phone=${encodeURIComponent(phone)}`, { token: merchant.apiKey });
      return response.status === 200 ? response.body : null;
    },
    async close() {
      await service.close();
      await twilio.close();
      await database.drop();
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
