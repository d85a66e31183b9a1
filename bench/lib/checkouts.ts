/**
 * Signed Shopify checkouts for distinct shoppers who may be texted now, built
 * and signed before the clock starts so the load generator only writes bytes.
 */
import { randomUUID } from 'node:crypto';
import { zonesForPhone } from '../../src/compliance/time-zones.js';
import { toE164 } from '../../src/domain/phone.js';
import { signShopifyBody } from '../../src/integrations/shopify/shopify-signature.js';
import { checkoutFor } from '../../test/support/harness.js';
import { reachableRecipient, type Recipient } from '../../test/support/reachable-recipient.js';

export interface PreparedCheckout {
  phone: string;
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * `count` distinct shoppers in the zone of one reachable candidate, each a
 * valid number (checked with `toE164`) placed in the same zones: the last five
 * digits vary, starting at `offset`.
 */
export function distinctRecipients(count: number, offset: number, minutesAhead: number): { base: Recipient; recipients: Recipient[] } {
  const base = reachableRecipient(new Date(), minutesAhead);
  const zones = zonesForPhone(base.phone).join(',');
  const recipients: Recipient[] = [];
  for (let variant = offset; recipients.length < count; variant += 1) {
    if (variant - offset > count * 2 || variant > 99_999) throw new Error(`not enough valid numbers near ${base.phone}`);
    const phone = base.phone.slice(0, -5) + String(variant).padStart(5, '0');
    if (toE164(phone, null) !== phone || zonesForPhone(phone).join(',') !== zones) continue;
    recipients.push({ ...base, phone });
  }
  return { base, recipients };
}

export function prepareCheckouts(recipients: Recipient[], secret: string): PreparedCheckout[] {
  return recipients.map((recipient) => {
    const body = Buffer.from(JSON.stringify(checkoutFor(recipient)));
    return {
      phone: recipient.phone,
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'checkouts/create',
        'x-shopify-hmac-sha256': signShopifyBody(body, secret),
        'x-shopify-shop-domain': 'example-shop.myshopify.com',
        'x-shopify-api-version': '2026-10',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
      },
    };
  });
}
