import type { Address, CartLineItem, CartUpdated, OrderPlaced } from '../../domain/cart-event.js';
import { toMinorUnits } from '../../domain/money.js';
import { toE164 } from '../../domain/phone.js';
import {
  SHOPIFY_ORDER_GID,
  type ShopifyAddress,
  type ShopifyCheckout,
  type ShopifyCheckoutLineItem,
  type ShopifyOrder,
} from './shopify-schemas.js';

/** Facts about a delivery that come from its headers, not its body. */
export interface ShopifyEventMeta {
  eventId: string;
  occurredAt: Date;
}

export const SHOPIFY_PLATFORM = 'shopify';

/** Used when neither the phone nor any address tells the country. */
const DEFAULT_COUNTRY = 'US';

/** Shopify sends "" as often as null for a field the buyer left empty. */
function present(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

interface PhoneCandidate {
  raw: string | null | undefined;
  country: string;
}

/** The first candidate that is a real phone number, in E.164. */
function firstE164(candidates: readonly PhoneCandidate[]): string | null {
  for (const { raw, country } of candidates) {
    const e164 = toE164(raw, country);
    if (e164) return e164;
  }
  return null;
}

interface PhoneSources {
  /** Phones not tied to an address, most trusted first. */
  direct: ReadonlyArray<string | null | undefined>;
  billing: ShopifyAddress | null | undefined;
  shipping: ShopifyAddress | null | undefined;
}

/**
 * A phone written without a country code is read in its own address's
 * country; phones outside an address borrow the buyer's billing (else
 * shipping) country, since that is where the buyer most likely lives.
 */
function resolvePhone({ direct, billing, shipping }: PhoneSources): string | null {
  const buyerCountry = present(billing?.country_code) ?? present(shipping?.country_code) ?? DEFAULT_COUNTRY;
  return firstE164([
    ...direct.map((raw) => ({ raw, country: buyerCountry })),
    { raw: billing?.phone, country: present(billing?.country_code) ?? buyerCountry },
    { raw: shipping?.phone, country: present(shipping?.country_code) ?? buyerCountry },
  ]);
}

function toAddress(address: ShopifyAddress): Address | null {
  const countryCode = present(address.country_code)?.toUpperCase() ?? null;
  let provinceCode = present(address.province_code)?.toUpperCase() ?? null;
  // Our Address keeps the subdivision without its ISO country prefix ("KY", not "US-KY").
  if (provinceCode && countryCode && provinceCode.startsWith(`${countryCode}-`)) {
    provinceCode = provinceCode.slice(countryCode.length + 1);
  }
  const zip = present(address.zip);
  if (!countryCode && !provinceCode && !zip) return null;
  return { countryCode, provinceCode, zip };
}

/** Billing then shipping; the usual case of both being the same place yields one entry. */
function toAddresses(...addresses: Array<ShopifyAddress | null | undefined>): Address[] {
  const seen = new Set<string>();
  const result: Address[] = [];
  for (const raw of addresses) {
    if (!raw) continue;
    const address = toAddress(raw);
    if (!address) continue;
    const key = JSON.stringify([address.countryCode, address.provinceCode, address.zip]);
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(address);
  }
  return result;
}

function toLineItem(item: ShopifyCheckoutLineItem, currency: string): CartLineItem {
  const unitPriceMinor = toMinorUnits(item.price, currency);
  return {
    title: item.title,
    variant: present(item.variant_title),
    quantity: item.quantity,
    unitPriceMinor,
    // Prefer Shopify's own line total: it is what the buyer saw.
    linePriceMinor: item.line_price != null ? toMinorUnits(item.line_price, currency) : unitPriceMinor * item.quantity,
  };
}

/** `checkouts/create` or `checkouts/update` → `cart.updated`. */
export function mapCheckout(payload: ShopifyCheckout, meta: ShopifyEventMeta): CartUpdated {
  // Checkout amounts are expressed in the currency the buyer shopped in.
  const currency = (present(payload.presentment_currency) ?? payload.currency).toUpperCase();
  const { billing_address: billing, shipping_address: shipping, customer } = payload;

  return {
    type: 'cart.updated',
    platform: SHOPIFY_PLATFORM,
    eventId: meta.eventId,
    occurredAt: meta.occurredAt,
    phone: resolvePhone({
      // The SMS-marketing phone is the number the buyer consented on, so it wins.
      direct: [payload.sms_marketing_phone, payload.phone, customer?.phone],
      billing,
      shipping,
    }),
    consent: {
      // Only an explicit true is consent; null or absent is not.
      smsMarketing: payload.buyer_accepts_sms_marketing === true,
      evidence: {
        buyer_accepts_sms_marketing: payload.buyer_accepts_sms_marketing ?? null,
        sms_marketing_phone: payload.sms_marketing_phone ?? null,
        'customer.sms_marketing_consent': customer?.sms_marketing_consent ?? null,
        ...clientEvidence(payload),
      },
    },
    cart: {
      checkoutId: String(payload.id),
      checkoutToken: payload.token,
      cartToken: present(payload.cart_token),
      currency,
      totalMinor: toMinorUnits(payload.total_price, currency),
      lineItems: payload.line_items.map((item) => toLineItem(item, currency)),
      recoveryUrl: present(payload.abandoned_checkout_url),
      firstName: present(customer?.first_name) ?? present(billing?.first_name) ?? present(shipping?.first_name),
      locale: present(payload.customer_locale),
      addresses: toAddresses(billing, shipping),
    },
  };
}

/**
 * The exact order id. JSON.parse rounds ids above 2^53
 * (820982911946154508 → 820982911946154500), so the GraphQL id's text is
 * preferred; the schema refuses an unsafe numeric id without it.
 */
function orderId(payload: ShopifyOrder): string {
  const fromGid = payload.admin_graphql_api_id ? SHOPIFY_ORDER_GID.exec(payload.admin_graphql_api_id)?.[1] : undefined;
  return fromGid ?? String(payload.id);
}

/** `orders/create` → `order.placed`. */
export function mapOrder(payload: ShopifyOrder, meta: ShopifyEventMeta): OrderPlaced {
  // An order's total_price is in the shop currency, which is what `currency` names.
  const currency = payload.currency.toUpperCase();
  return {
    type: 'order.placed',
    platform: SHOPIFY_PLATFORM,
    eventId: meta.eventId,
    occurredAt: meta.occurredAt,
    orderId: orderId(payload),
    orderName: present(payload.name),
    checkoutToken: present(payload.checkout_token),
    cartToken: present(payload.cart_token),
    phone: resolvePhone({
      direct: [payload.phone, payload.customer?.phone],
      billing: payload.billing_address,
      shipping: payload.shipping_address,
    }),
    currency,
    totalMinor: toMinorUnits(payload.total_price, currency),
  };
}

/** The buyer's IP address and browser, kept with the consent only when Shopify sends them. */
function clientEvidence(payload: ShopifyCheckout): { ip?: string; userAgent?: string } {
  const ip = present(payload.client_details?.browser_ip) ?? present(payload.browser_ip);
  const userAgent = present(payload.client_details?.user_agent);
  return { ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) };
}
