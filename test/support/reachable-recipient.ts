import { FEDERAL_WINDOW, isAllowedAt } from '../../src/compliance/quiet-hours.js';
import { zonesForPhone } from '../../src/compliance/time-zones.js';

export interface Recipient {
  phone: string;
  countryCode: string;
  provinceCode: string | null;
  zones: string[];
}

/** Numbers spread around the globe, so that at any hour one of them is inside the sending window. */
const CANDIDATES: Array<Omit<Recipient, 'zones'>> = [
  { phone: '+12125550143', countryCode: 'US', provinceCode: 'NY' },
  { phone: '+13125550143', countryCode: 'US', provinceCode: 'IL' },
  { phone: '+17205550143', countryCode: 'US', provinceCode: 'CO' },
  { phone: '+14155550143', countryCode: 'US', provinceCode: 'CA' },
  { phone: '+19075550143', countryCode: 'US', provinceCode: 'AK' },
  { phone: '+18085550143', countryCode: 'US', provinceCode: 'HI' },
  { phone: '+447911123443', countryCode: 'GB', provinceCode: null },
  { phone: '+819012345678', countryCode: 'JP', provinceCode: null },
  { phone: '+61412345678', countryCode: 'AU', provinceCode: 'NSW' },
  { phone: '+919876543210', countryCode: 'IN', provinceCode: null },
  { phone: '+64211234567', countryCode: 'NZ', provinceCode: null },
];

function allowedThroughout(zones: string[], from: Date, minutes: number): boolean {
  for (let m = 0; m <= minutes; m += 5) {
    if (!isAllowedAt(new Date(from.getTime() + m * 60_000), zones, FEDERAL_WINDOW)) return false;
  }
  return true;
}

/**
 * A recipient whose local time allows texting now and for `minutes` more, so
 * end-to-end tests pass at 03:00 UTC as at 15:00 UTC. `variant` changes the
 * last digits to get distinct shoppers in the same zone.
 */
export function reachableRecipient(now: Date = new Date(), minutes = 30, variant = 0): Recipient {
  for (const candidate of CANDIDATES) {
    const zones = zonesForPhone(candidate.phone);
    if (zones.length > 0 && allowedThroughout(zones, now, minutes)) {
      return { ...candidate, phone: withVariant(candidate.phone, variant), zones };
    }
  }
  throw new Error(`no candidate recipient is inside the sending window at ${now.toISOString()}`);
}

/** A recipient for whom it is night now (and for `minutes` more). */
export function sleepingRecipient(now: Date = new Date(), minutes = 30, variant = 0): Recipient {
  for (const candidate of CANDIDATES) {
    const zones = zonesForPhone(candidate.phone);
    let asleep = zones.length > 0;
    for (let m = 0; m <= minutes && asleep; m += 5) {
      asleep = !isAllowedAt(new Date(now.getTime() + m * 60_000), zones, FEDERAL_WINDOW);
    }
    if (asleep) return { ...candidate, phone: withVariant(candidate.phone, variant), zones };
  }
  throw new Error(`no candidate recipient is outside the sending window at ${now.toISOString()}`);
}

function withVariant(phone: string, variant: number): string {
  if (variant === 0) return phone;
  const suffix = String(variant).padStart(2, '0');
  return phone.slice(0, phone.length - suffix.length) + suffix;
}
