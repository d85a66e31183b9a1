/**
 * Money as a shopper reads it in a text: "$632.82", "¥1,000", "KWD 1.234".
 *
 * Amounts arrive in minor units, so the number of decimals comes from our own
 * currency table (`currencyExponent`), not from Intl's: the two must agree or
 * 1234 fils would print as 12.34 dinars.
 */
import { currencyExponent, fromMinorUnits, InvalidAmountError } from '../domain/money.js';
import { AppError } from '../errors.js';

export const DEFAULT_LOCALE = 'en-US';

export class InvalidCurrencyError extends AppError {
  declare readonly code: 'invalid_currency';
  constructor(currency: string) {
    super('invalid_currency', `not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
  }
}

// Building an Intl.NumberFormat is far slower than using one. The key space
// is (locale as received × currency); locales come from store payloads, so the
// cache is bounded rather than trusted to stay small.
const MAX_CACHED_FORMATTERS = 256;
const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Characters Intl puts in money that GSM-7 cannot carry, mapped to ones it
 * can. One no-break space would turn a whole GSM-7 message into UCS-2 and
 * halve the room in each segment; a text is not typography.
 */
const SMS_SAFE: Readonly<Record<string, string>> = {
  '\u00A0': ' ', // no-break space (de-DE "632,82 €")
  '\u202F': ' ', // narrow no-break space (fr-FR grouping)
  '\u2009': ' ', // thin space
  '\u2212': '-', // minus sign (sv-SE)
  '\u2019': "'", // right single quote (some de-CH data)
  '\uFFE5': '¥', // fullwidth yen (ja-JP)
};
const SMS_UNSAFE = new RegExp(`[${Object.keys(SMS_SAFE).join('')}]`, 'g');

/**
 * Formats an amount given in the currency's minor units. An unusable locale
 * (malformed, or unknown to this runtime) falls back to `DEFAULT_LOCALE`
 * rather than to the host's default, so output never depends on the machine.
 */
export function formatMoney(minor: number, currency: string, locale: string = DEFAULT_LOCALE): string {
  if (!Number.isSafeInteger(minor)) throw new InvalidAmountError(String(minor));
  const formatted = formatterFor(currency, locale).format(fromMinorUnits(minor, currency));
  return formatted.replace(SMS_UNSAFE, (char) => SMS_SAFE[char] ?? char);
}

function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}`;
  const cached = formatters.get(key);
  if (cached) return cached;

  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new InvalidCurrencyError(currency);
  const exponent = currencyExponent(code);
  const formatter = new Intl.NumberFormat(resolveLocale(locale), {
    style: 'currency',
    currency: code,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });

  if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
  formatters.set(key, formatter);
  return formatter;
}

function resolveLocale(locale: string): string {
  // Platforms send "en_US" as often as "en-US".
  const tag = locale.trim().replace(/_/g, '-');
  if (!tag) return DEFAULT_LOCALE;
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag])[0] ?? DEFAULT_LOCALE;
  } catch {
    // A malformed tag throws RangeError.
    return DEFAULT_LOCALE;
  }
}
