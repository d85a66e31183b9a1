/**
 * SMS encoding and segment counting, so a merchant sees what a message costs
 * before it is sent.
 *
 * A message goes as GSM-7 (the GSM 03.38 alphabet) when every character is in
 * the basic set or the extension table, and as UCS-2 otherwise. Carriers bill
 * per segment:
 *
 * | encoding | one segment | each segment of a concatenated message |
 * | -------- | ----------- | -------------------------------------- |
 * | GSM-7    | 160 septets | 153 septets                            |
 * | UCS-2    | 70 units    | 67 units                               |
 *
 * A concatenated segment is smaller because the user data header (UDH) that
 * reassembles the parts takes 6 bytes of the 140.
 *
 * Two things may not be split between segments, so a segment can end early:
 * - an extension character (`€ [ ] { } ^ ~ \ |` and form feed) is an ESC
 *   septet plus one, and a phone receiving a lone ESC shows garbage;
 * - a character outside the Basic Multilingual Plane (most emoji) is a UTF-16
 *   surrogate pair, and half a pair cannot be shown.
 *
 * An empty body reports 1 segment: providers bill an empty message as one.
 *
 * Nothing here rewrites text (no "smart" quote replacement): what is counted
 * is exactly what would be sent.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsEncodingInfo {
  encoding: SmsEncoding;
  /** Billable segments; at least 1. */
  segments: number;
  /** Septets for GSM-7 (extension characters count 2), UTF-16 code units for UCS-2. */
  units: number;
}

export const SEGMENT_LIMITS: Readonly<Record<SmsEncoding, { single: number; concatenated: number }>> = {
  'GSM-7': { single: 160, concatenated: 153 },
  'UCS-2': { single: 70, concatenated: 67 },
};

// GSM 03.38 basic character set, in table order, without ESC (0x1B): a body
// holding a literal ESC cannot be sent as GSM-7 text.
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅå' +
    '\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039EÆæßÉ' +
    ' !"#¤%&\'()*+,-./' +
    '0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNO' +
    'PQRSTUVWXYZÄÖÑÜ§' +
    '¿abcdefghijklmno' +
    'pqrstuvwxyzäöñüà',
);

// Characters reached through the ESC septet: each costs two septets.
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

/** Septets one character costs in GSM-7, or null when GSM-7 cannot carry it. */
function gsm7Cost(char: string): 1 | 2 | null {
  if (GSM7_BASIC.has(char)) return 1;
  if (GSM7_EXTENSION.has(char)) return 2;
  return null;
}

/**
 * The distinct characters that force a body into UCS-2, in order of first
 * appearance, so an editor can point at them.
 */
export function nonGsm7Characters(body: string): string[] {
  const found = new Set<string>();
  for (const char of body) if (gsm7Cost(char) === null) found.add(char);
  return [...found];
}

export function smsEncoding(body: string): SmsEncodingInfo {
  // Iterating a string yields code points, so a surrogate pair arrives as one
  // indivisible cost of 2 and an extension character as one cost of 2.
  const gsmCosts: number[] = [];
  let isGsm = true;
  for (const char of body) {
    const cost = gsm7Cost(char);
    if (cost === null) {
      isGsm = false;
      break;
    }
    gsmCosts.push(cost);
  }

  const encoding: SmsEncoding = isGsm ? 'GSM-7' : 'UCS-2';
  const costs = isGsm ? gsmCosts : Array.from(body, (char) => char.length);
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  return { encoding, units, segments: countSegments(costs, units, SEGMENT_LIMITS[encoding]) };
}

function countSegments(costs: readonly number[], units: number, limits: { single: number; concatenated: number }): number {
  if (units <= limits.single) return 1;
  // Greedy packing: a character that does not fit whole starts the next segment.
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limits.concatenated) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return segments;
}
