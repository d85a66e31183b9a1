import { z } from 'zod';
import type { PrivacyRequest } from '../../domain/privacy-request.js';
import { toE164 } from '../../domain/phone.js';
import { SHOPIFY_PLATFORM } from './shopify-mapper.js';

/**
 * Shopify's mandatory privacy webhooks (`customers/data_request`,
 * `customers/redact`, `shop/redact`), parsed and mapped to our privacy
 * requests. The customer's email is read by no one: we never hold one.
 */

/** Ids arrive as JSON numbers (possibly rounded above 2^53); we only keep them as references, as text. */
const shopifyId = z.union([z.number(), z.string().min(1)]).transform(String);

const privacyCustomerSchema = z.looseObject({
  id: shopifyId.nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});

const shopSchema = { shop_id: shopifyId, shop_domain: z.string().min(1) };

export const shopifyDataRequestSchema = z.looseObject({
  ...shopSchema,
  orders_requested: z.array(shopifyId).nullish(),
  customer: privacyCustomerSchema,
  data_request: z.looseObject({ id: shopifyId }).nullish(),
});
export type ShopifyDataRequest = z.infer<typeof shopifyDataRequestSchema>;

export const shopifyCustomerRedactSchema = z.looseObject({
  ...shopSchema,
  customer: privacyCustomerSchema,
  orders_to_redact: z.array(shopifyId).nullish(),
});
export type ShopifyCustomerRedact = z.infer<typeof shopifyCustomerRedactSchema>;

export const shopifyShopRedactSchema = z.looseObject(shopSchema);
export type ShopifyShopRedact = z.infer<typeof shopifyShopRedactSchema>;

interface Meta {
  eventId: string;
}

/** The customer's phone in E.164, read as a US number when written without a country code (as checkouts are). */
function subject(customer: z.infer<typeof privacyCustomerSchema>) {
  return { phone: toE164(customer.phone ?? null), customerRef: customer.id ?? null };
}

export function mapDataRequest(payload: ShopifyDataRequest, meta: Meta): PrivacyRequest {
  return {
    kind: 'data_request',
    platform: SHOPIFY_PLATFORM,
    eventId: meta.eventId,
    shopDomain: payload.shop_domain,
    ...subject(payload.customer),
    requestRef: payload.data_request?.id ?? null,
    orderRefs: payload.orders_requested ?? [],
  };
}

export function mapCustomerRedact(payload: ShopifyCustomerRedact, meta: Meta): PrivacyRequest {
  return {
    kind: 'customer_redact',
    platform: SHOPIFY_PLATFORM,
    eventId: meta.eventId,
    shopDomain: payload.shop_domain,
    ...subject(payload.customer),
    orderRefs: payload.orders_to_redact ?? [],
  };
}

export function mapShopRedact(payload: ShopifyShopRedact, meta: Meta): PrivacyRequest {
  return { kind: 'shop_redact', platform: SHOPIFY_PLATFORM, eventId: meta.eventId, shopDomain: payload.shop_domain };
}
