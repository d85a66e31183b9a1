/**
 * Our own vocabulary for what a store tells us. Integrations map their
 * platform's payloads to these types; nothing outside `src/integrations/`
 * knows a platform's field names.
 */

/** A postal location, reduced to what compliance needs to place a recipient. */
export interface Address {
  /** ISO 3166-1 alpha-2, upper case (e.g. "US"). */
  countryCode: string | null;
  /** ISO 3166-2 subdivision code without the country prefix (e.g. "KY"). */
  provinceCode: string | null;
  zip: string | null;
}

export interface CartLineItem {
  title: string;
  variant: string | null;
  quantity: number;
  /** Price of one unit in the cart currency's minor units. */
  unitPriceMinor: number;
  /** unitPriceMinor × quantity, as the platform reports it. */
  linePriceMinor: number;
}

/** The consent a checkout itself carries, kept verbatim as evidence. */
export interface CheckoutConsent {
  smsMarketing: boolean;
  /** The raw fields the decision was read from. */
  evidence: Record<string, unknown>;
}

export interface CartUpdated {
  type: 'cart.updated';
  platform: string;
  /** The platform's delivery id, used to deduplicate retries. */
  eventId: string;
  occurredAt: Date;
  /** E.164, or null when the checkout has no usable phone. */
  phone: string | null;
  consent: CheckoutConsent;
  cart: {
    checkoutId: string;
    checkoutToken: string;
    cartToken: string | null;
    currency: string;
    totalMinor: number;
    lineItems: CartLineItem[];
    recoveryUrl: string | null;
    firstName: string | null;
    locale: string | null;
    addresses: Address[];
  };
}

export interface OrderPlaced {
  type: 'order.placed';
  platform: string;
  eventId: string;
  occurredAt: Date;
  orderId: string;
  orderName: string | null;
  checkoutToken: string | null;
  cartToken: string | null;
  phone: string | null;
  currency: string;
  totalMinor: number;
}

export type CartEvent = CartUpdated | OrderPlaced;
