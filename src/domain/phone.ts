import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/**
 * Normalises a phone in any common format ("+1(502)-459-2181", "502 459 2181")
 * to E.164, or null when it is not a valid number. `defaultCountry` is used
 * for numbers written without a country code.
 */
export function toE164(raw: string | null | undefined, defaultCountry: string | null = 'US'): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  if (!trimmed) return null;
  const country = (defaultCountry?.toUpperCase() ?? undefined) as CountryCode | undefined;
  const parsed = parsePhoneNumberFromString(trimmed, country);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

const E164 = /^\+[1-9]\d{6,14}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** Country of an E.164 number (ISO alpha-2), when it can be told. */
export function phoneCountry(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.country ?? null;
}
