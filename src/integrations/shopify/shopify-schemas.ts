import { z } from 'zod';

/**
 * Only the fields CartRescue reads, as Shopify's REST webhook payloads carry
 * them. Objects are loose so that fields Shopify adds never break ingestion;
 * anything Shopify documents as possibly null is nullish (null or absent,
 * since `include_fields` subscriptions may omit fields altogether).
 */

/**
 * Shopify sends money as decimal strings ("632.82"). A number here would mean
 * the wire format changed, which is worth a 400 rather than a float guess.
 */
const decimalAmount = z.string().regex(/^-?\d+(?:\.\d+)?$/, 'expected a decimal amount string');

const currencyCode = z.string().regex(/^[A-Za-z]{3}$/, 'expected an ISO 4217 currency code');

export const shopifyAddressSchema = z.looseObject({
  first_name: z.string().nullish(),
  phone: z.string().nullish(),
  country_code: z.string().nullish(),
  province_code: z.string().nullish(),
  zip: z.string().nullish(),
});
export type ShopifyAddress = z.infer<typeof shopifyAddressSchema>;

/**
 * Kept only as consent evidence, so every member is optional: a surprise in
 * its shape must not cost us the whole checkout.
 */
export const shopifySmsMarketingConsentSchema = z.looseObject({
  state: z.string().nullish(),
  opt_in_level: z.string().nullish(),
  consent_updated_at: z.string().nullish(),
  consent_collected_from: z.string().nullish(),
});
export type ShopifySmsMarketingConsent = z.infer<typeof shopifySmsMarketingConsentSchema>;

export const shopifyCustomerSchema = z.looseObject({
  first_name: z.string().nullish(),
  phone: z.string().nullish(),
  sms_marketing_consent: shopifySmsMarketingConsentSchema.nullish(),
});
export type ShopifyCustomer = z.infer<typeof shopifyCustomerSchema>;

export const shopifyCheckoutLineItemSchema = z.looseObject({
  title: z.string(),
  variant_title: z.string().nullish(),
  quantity: z.number().int().nonnegative(),
  price: decimalAmount,
  line_price: decimalAmount.nullish(),
});
export type ShopifyCheckoutLineItem = z.infer<typeof shopifyCheckoutLineItemSchema>;

/** Payload of `checkouts/create` and `checkouts/update`. */
export const shopifyCheckoutSchema = z.looseObject({
  // `.int()` also demands a safe integer: a checkout id rounded by JSON.parse
  // would silently point at another checkout, so it is refused instead.
  id: z.number().int(),
  token: z.string().min(1),
  cart_token: z.string().nullish(),
  currency: currencyCode,
  presentment_currency: currencyCode.nullish(),
  total_price: decimalAmount,
  line_items: z.array(shopifyCheckoutLineItemSchema),
  abandoned_checkout_url: z.string().nullish(),
  customer_locale: z.string().nullish(),
  phone: z.string().nullish(),
  sms_marketing_phone: z.string().nullish(),
  buyer_accepts_sms_marketing: z.boolean().nullish(),
  updated_at: z.string().nullish(),
  billing_address: shopifyAddressSchema.nullish(),
  shipping_address: shopifyAddressSchema.nullish(),
  customer: shopifyCustomerSchema.nullish(),
  // Where the buyer was when they ticked the box, when Shopify sends it: consent evidence.
  client_details: z
    .looseObject({ browser_ip: z.string().nullish(), user_agent: z.string().nullish(), accept_language: z.string().nullish() })
    .nullish(),
  browser_ip: z.string().nullish(),
});
export type ShopifyCheckout = z.infer<typeof shopifyCheckoutSchema>;

/** The Admin GraphQL id of an order carries its id as text, free of float rounding. */
export const SHOPIFY_ORDER_GID = /^gid:\/\/shopify\/Order\/(\d+)$/;

/** Payload of `orders/create`. */
export const shopifyOrderSchema = z
  .looseObject({
    // Not `.int()`: order ids exceed 2^53 and arrive rounded from JSON.parse.
    // The exact id is read from `admin_graphql_api_id`; see the refinement.
    id: z.number(),
    admin_graphql_api_id: z.string().regex(SHOPIFY_ORDER_GID, 'expected gid://shopify/Order/<id>').nullish(),
    name: z.string().nullish(),
    checkout_token: z.string().nullish(),
    cart_token: z.string().nullish(),
    phone: z.string().nullish(),
    currency: currencyCode,
    total_price: decimalAmount,
    updated_at: z.string().nullish(),
    billing_address: shopifyAddressSchema.nullish(),
    shipping_address: shopifyAddressSchema.nullish(),
    customer: shopifyCustomerSchema.nullish(),
  })
  .refine((order) => order.admin_graphql_api_id != null || Number.isSafeInteger(order.id), {
    message: 'order id exceeds 2^53 and no admin_graphql_api_id carries it exactly',
    path: ['id'],
  });
export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;

/** A header as Node hands it over: repeated headers arrive as arrays. */
const headerValue = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => {
    const first = Array.isArray(value) ? value[0] : value;
    const trimmed = first?.trim();
    return trimmed ? trimmed : undefined;
  });

/**
 * The webhook headers, keyed in lower case. All optional here: which absence
 * is a 401 and which a 400 is the webhook parser's decision, not the schema's.
 */
export const shopifyWebhookHeadersSchema = z.object({
  'x-shopify-topic': headerValue,
  'x-shopify-hmac-sha256': headerValue,
  'x-shopify-shop-domain': headerValue,
  'x-shopify-webhook-id': headerValue,
  'x-shopify-event-id': headerValue,
  'x-shopify-triggered-at': headerValue,
  'x-shopify-api-version': headerValue,
});
export type ShopifyWebhookHeaders = z.infer<typeof shopifyWebhookHeadersSchema>;
