/**
 * Where a recipient may be, as IANA zones.
 *
 * We rarely know where a shopper is; we know a phone number, some addresses
 * and sometimes the provider's guess. Each source yields every zone it is
 * compatible with, and `recipientZones` keeps all of them, so quiet hours are
 * then enforced in each: the recipient is protected wherever they turn out
 * to be, at the price of a narrower sending window when sources disagree.
 */
import { getCountry } from 'countries-and-timezones';
import type { Address } from '../domain/cart-event.js';
import { isE164, phoneCountry } from '../domain/phone.js';
import { NANP_AREA_CODES } from './nanp-area-codes.js';
import { CA_PROVINCE_ZONES, US_STATE_ZONES } from './region-zones.js';
import { assertZone, isSupportedZone } from './zone-clock.js';

/** +1, a three-digit area code, a seven-digit subscriber number; neither may start with 0 or 1. */
const NANP_NUMBER = /^\+1([2-9]\d{2})[2-9]\d{6}$/;

/**
 * The zones a phone number's holder may be in: by area code for +1 numbers,
 * by country elsewhere. Unknown area codes, unplaceable numbers and anything
 * that is not E.164 give [].
 */
export function zonesForPhone(e164: string): string[] {
  if (typeof e164 !== 'string' || !isE164(e164)) return [];
  if (e164.startsWith('+1')) {
    const match = NANP_NUMBER.exec(e164);
    const areaCode = match?.[1];
    return areaCode ? [...(NANP_AREA_CODES.get(areaCode)?.zones ?? [])] : [];
  }
  const country = phoneCountry(e164);
  return country ? countryZones(country) : [];
}

/**
 * The zones an address may be in: by state or province in the US and
 * Canada, by country elsewhere. A US or Canadian address without a known
 * state or province counts as anywhere in its country.
 */
export function zonesForAddress(address: Address): string[] {
  return regionZones(address.countryCode, address.provinceCode);
}

export interface RecipientZoneInput {
  /** E.164. */
  phone: string;
  addresses: readonly Address[];
  /** Where the SMS provider places the sender (Twilio's FromCountry / FromState). */
  providerRegion?: { country: string | null; state: string | null } | null;
  /** The merchant's zone, used only when nothing else places the recipient. */
  fallbackZone: string;
}

/**
 * Every zone the recipient may be in, from all sources, deduplicated and
 * sorted; `[fallbackZone]` when no source places them. Throws
 * `InvalidTimeZoneError` for an unknown fallback zone, so that a bad setting
 * surfaces at the first message rather than as a wrong send time.
 */
export function recipientZones(input: RecipientZoneInput): string[] {
  assertZone(input.fallbackZone);
  const zones = new Set<string>(zonesForPhone(input.phone));
  for (const address of input.addresses) {
    for (const zone of zonesForAddress(address)) zones.add(zone);
  }
  if (input.providerRegion) {
    for (const zone of regionZones(input.providerRegion.country, input.providerRegion.state)) zones.add(zone);
  }
  if (zones.size === 0) return [input.fallbackZone];
  return [...zones].sort();
}

function regionZones(countryCode: string | null, provinceCode: string | null): string[] {
  const country = normaliseCode(countryCode);
  const province = normaliseProvince(provinceCode, country);
  if (country === 'US' || country === 'CA') {
    const zones = province ? lookup(country === 'US' ? US_STATE_ZONES : CA_PROVINCE_ZONES, province) : undefined;
    return zones ? [...zones] : countryZones(country);
  }
  if (country) return countryZones(country);
  // A state or province code alone still places someone: US and Canadian codes do not collide.
  if (province) return [...(lookup(US_STATE_ZONES, province) ?? lookup(CA_PROVINCE_ZONES, province) ?? [])];
  return [];
}

/** The zones `countries-and-timezones` lists for a country, less any this runtime's Intl cannot use. */
function countryZones(country: string): string[] {
  const zones = getCountry(country)?.timezones ?? [];
  return zones.filter((zone) => isSupportedZone(zone)).sort();
}

function normaliseCode(code: string | null | undefined): string | null {
  const trimmed = code?.trim().toUpperCase();
  return trimmed ? trimmed : null;
}

/** Accepts "KY" as well as the full ISO 3166-2 form "US-KY". */
function normaliseProvince(code: string | null | undefined, country: string | null): string | null {
  const normalised = normaliseCode(code);
  if (!normalised) return null;
  const prefixed = /^([A-Z]{2})-(.+)$/.exec(normalised);
  if (prefixed && (country === null || prefixed[1] === country)) return prefixed[2] ?? null;
  return normalised;
}

function lookup(table: Readonly<Record<string, readonly string[]>>, key: string): readonly string[] | undefined {
  // Own keys only: "constructor" is not a state.
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
