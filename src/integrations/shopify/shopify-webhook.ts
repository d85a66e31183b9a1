import type { z } from 'zod';
import type { CartEvent } from '../../domain/cart-event.js';
import type { PrivacyRequest } from '../../domain/privacy-request.js';
import { InvalidAmountError } from '../../domain/money.js';
import { AppError, InvalidSignatureError } from '../../errors.js';
import { mapCheckout, mapOrder, type ShopifyEventMeta } from './shopify-mapper.js';
import {
  shopifyCheckoutSchema,
  shopifyOrderSchema,
  shopifyWebhookHeadersSchema,
  type ShopifyWebhookHeaders,
} from './shopify-schemas.js';
import { verifyShopifyHmac } from './shopify-signature.js';
import {
  mapCustomerRedact,
  mapDataRequest,
  mapShopRedact,
  shopifyCustomerRedactSchema,
  shopifyDataRequestSchema,
  shopifyShopRedactSchema,
} from './shopify-privacy.js';

export type ShopifyPayloadErrorCode = 'malformed_payload' | 'invalid_payload' | 'missing_event_id' | 'missing_topic';

/** A signed delivery we cannot use. 400, so Shopify's delivery log shows it. */
export class ShopifyPayloadError extends AppError {
  constructor(code: ShopifyPayloadErrorCode, message: string, details?: unknown) {
    super(code, message, 400, details);
  }
}

export const SHOPIFY_PRIVACY_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;
export type ShopifyPrivacyTopic = (typeof SHOPIFY_PRIVACY_TOPICS)[number];

export type ShopifyWebhookResult =
  | { kind: 'event'; topic: string; eventId: string; shopDomain: string | null; event: CartEvent }
  | { kind: 'ignored'; topic: string; eventId: string; reason: string }
  | { kind: 'privacy'; topic: ShopifyPrivacyTopic; eventId: string; request: PrivacyRequest };

export interface ShopifyWebhookInput {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  secret: string;
  receivedAt: Date;
}

function isPrivacyTopic(topic: string): topic is ShopifyPrivacyTopic {
  return (SHOPIFY_PRIVACY_TOPICS as readonly string[]).includes(topic);
}

/** Header names are case-insensitive; a caller may not have lower-cased them. */
function readHeaders(headers: ShopifyWebhookInput['headers']): ShopifyWebhookHeaders {
  const lowered: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = value;
  return shopifyWebhookHeadersSchema.parse(lowered);
}

// Date.parse accepts loose forms ("1" is 2001), so only ISO 8601 timestamps count.
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

function parseTimestamp(value: unknown): Date | null {
  if (typeof value !== 'string' || !ISO_TIMESTAMP.test(value.trim())) return null;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? null : date;
}

function occurredAt(headers: ShopifyWebhookHeaders, payload: unknown, receivedAt: Date): Date {
  const updatedAt = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).updated_at : undefined;
  return parseTimestamp(headers['x-shopify-triggered-at']) ?? parseTimestamp(updatedAt) ?? receivedAt;
}

/** Paths and messages only: zod issues must not echo shopper data into logs. */
function summariseIssues(issues: readonly z.core.$ZodIssue[]): { summary: string; details: unknown } {
  const details = issues.map((issue) => ({ path: issue.path.map(String).join('.'), code: issue.code, message: issue.message }));
  const shown = details.slice(0, 5).map((issue) => `${issue.path || '(root)'}: ${issue.message}`);
  const more = details.length > shown.length ? ` (+${details.length - shown.length} more)` : '';
  return { summary: shown.join('; ') + more, details };
}

function parsePayload<T>(schema: z.ZodType<T>, payload: unknown, topic: string): T {
  const result = schema.safeParse(payload);
  if (result.success) return result.data;
  const { summary, details } = summariseIssues(result.error.issues);
  throw new ShopifyPayloadError('invalid_payload', `invalid ${topic} payload: ${summary}`, details);
}

/** Amounts too large for exact minor units surface from the mapper, still a payload problem. */
function mapWith<T>(map: () => T, topic: string): T {
  try {
    return map();
  } catch (error) {
    if (error instanceof InvalidAmountError) {
      throw new ShopifyPayloadError('invalid_payload', `invalid ${topic} payload: ${error.message}`);
    }
    throw error;
  }
}

function mapPrivacy(topic: ShopifyPrivacyTopic, payload: unknown, eventId: string): PrivacyRequest {
  switch (topic) {
    case 'customers/data_request':
      return mapDataRequest(parsePayload(shopifyDataRequestSchema, payload, topic), { eventId });
    case 'customers/redact':
      return mapCustomerRedact(parsePayload(shopifyCustomerRedactSchema, payload, topic), { eventId });
    case 'shop/redact':
      return mapShopRedact(parsePayload(shopifyShopRedactSchema, payload, topic), { eventId });
  }
}

function mapEvent(topic: string, payload: unknown, meta: ShopifyEventMeta): CartEvent | null {
  switch (topic) {
    case 'checkouts/create':
    case 'checkouts/update': {
      const checkout = parsePayload(shopifyCheckoutSchema, payload, topic);
      return mapWith(() => mapCheckout(checkout, meta), topic);
    }
    case 'orders/create': {
      const order = parsePayload(shopifyOrderSchema, payload, topic);
      return mapWith(() => mapOrder(order, meta), topic);
    }
    default:
      return null;
  }
}

/**
 * Turns one Shopify webhook delivery into our vocabulary. Throws
 * `InvalidSignatureError` (401) before looking at anything else, so an unsigned
 * request learns nothing; then `ShopifyPayloadError` (400) for a body or
 * headers we cannot use. Never performs I/O; deduplication on `eventId` is the
 * caller's job.
 */
export function parseShopifyWebhook(input: ShopifyWebhookInput): ShopifyWebhookResult {
  const headers = readHeaders(input.headers);

  if (!verifyShopifyHmac(input.rawBody, headers['x-shopify-hmac-sha256'], input.secret)) {
    throw new InvalidSignatureError(401);
  }

  let payload: unknown;
  try {
    payload = JSON.parse(input.rawBody.toString('utf8'));
  } catch {
    throw new ShopifyPayloadError('malformed_payload', 'webhook body is not valid JSON');
  }

  // Shopify documents the event id as the deduplication key; the webhook id
  // is the older header and stands in for it when absent.
  const eventId = headers['x-shopify-event-id'] ?? headers['x-shopify-webhook-id'];
  if (!eventId) {
    throw new ShopifyPayloadError('missing_event_id', 'X-Shopify-Event-Id or X-Shopify-Webhook-Id is required');
  }

  const topic = headers['x-shopify-topic'];
  if (!topic) throw new ShopifyPayloadError('missing_topic', 'X-Shopify-Topic is required');

  if (isPrivacyTopic(topic)) return { kind: 'privacy', topic, eventId, request: mapPrivacy(topic, payload, eventId) };

  const event = mapEvent(topic, payload, { eventId, occurredAt: occurredAt(headers, payload, input.receivedAt) });
  if (!event) return { kind: 'ignored', topic, eventId, reason: 'unknown_topic' };

  return { kind: 'event', topic, eventId, shopDomain: headers['x-shopify-shop-domain'] ?? null, event };
}
