/** Minor-unit arithmetic. Amounts are stored as integers of the currency's smallest unit. */

const ZERO_DECIMAL = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  return 2;
}

export class InvalidAmountError extends Error {
  readonly code = 'invalid_amount';
  constructor(value: string) {
    super(`not a decimal amount: ${JSON.stringify(value)}`);
    this.name = 'InvalidAmountError';
  }
}

/** Parses a decimal string such as "632.82" exactly, without floating point. */
export function toMinorUnits(amount: string | number, currency: string): number {
  const text = typeof amount === 'number' ? amount.toFixed(currencyExponent(currency)) : amount.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new InvalidAmountError(text);
  const exponent = currencyExponent(currency);
  const [, sign, whole = '0', fraction = ''] = match;
  const padded = fraction.padEnd(exponent, '0');
  const kept = padded.slice(0, exponent);
  const rest = padded.slice(exponent);
  let minor = Number(whole) * 10 ** exponent + (kept ? Number(kept) : 0);
  // Half-up on any digits beyond the currency's precision.
  if (rest && Number(rest[0]) >= 5) minor += 1;
  if (!Number.isSafeInteger(minor)) throw new InvalidAmountError(text);
  return sign === '-' ? -minor : minor;
}

export function fromMinorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}
