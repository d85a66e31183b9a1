import { FEDERAL_WINDOW, narrowest, parseWindow, type SendingWindow } from '../compliance/quiet-hours.js';
import { recipientZones } from '../compliance/time-zones.js';
import type { Address } from '../domain/cart-event.js';
import type { MerchantRow } from '../db/models/index.js';
import type { Facts } from '../machines/conversation-events.js';
import type { CustomerData } from './rows.js';

/** The law's window, narrowed by the merchant's own when they set one. */
export function sendingWindow(merchant: MerchantRow): SendingWindow {
  const own = merchant.settings.sendingWindow;
  return own ? narrowest(FEDERAL_WINDOW, parseWindow(own)) : FEDERAL_WINDOW;
}

/**
 * Where the shopper may be: every zone the phone's area code and the
 * addresses we know point to. A text goes only when it is lawful in all.
 */
export function candidateZones(
  merchant: MerchantRow,
  phone: string,
  addresses: Address[],
  providerRegion: { country: string | null; state: string | null } | null = null,
): string[] {
  return recipientZones({ phone, addresses, providerRegion, fallbackZone: merchant.timezone });
}

export function factsFor(
  merchant: MerchantRow,
  customer: Pick<CustomerData, 'phone' | 'consentStatus' | 'consentUpdatedAt' | 'timezoneCandidates'>,
): Facts {
  const zones = customer.timezoneCandidates.length > 0 ? customer.timezoneCandidates : candidateZones(merchant, customer.phone, []);
  return {
    consent: customer.consentStatus,
    consentSince: customer.consentUpdatedAt,
    zones,
    window: sendingWindow(merchant),
  };
}

/** Adds newly learnt zones without forgetting earlier ones: more candidates only make sending stricter. */
export function mergeZones(known: string[], learnt: string[]): string[] {
  return [...new Set([...known, ...learnt])].sort();
}
