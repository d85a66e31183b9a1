import { createHmac } from 'node:crypto';
import { isE164 } from '../domain/phone.js';
import type { ConsentChange, ConsentStatus } from './consent.js';

/**
 * A phone that must never be texted again is remembered by a keyed digest,
 * not by the number: after an erasure the number itself is gone, and the
 * digest cannot be turned back into it without the key, which lives in the
 * configuration and never in the database. Pure; the key is given.
 */

/** Hex of an HMAC-SHA256: 64 lower-case characters, whatever the phone. */
export const PHONE_DIGEST_PATTERN = /^[0-9a-f]{64}$/;

export class SuppressionInputError extends Error {
  readonly code = 'suppression_input';
  constructor(message: string) {
    super(message);
    this.name = 'SuppressionInputError';
  }
}

/**
 * HMAC-SHA256 of the E.164 text, hex encoded. Only E.164 is accepted: two
 * spellings of one number must never give two digests.
 */
export function phoneDigest(key: Uint8Array, e164: string): string {
  if (key.length < 32) throw new SuppressionInputError('the suppression key must be at least 32 bytes');
  if (!isE164(e164)) throw new SuppressionInputError('only an E.164 phone has a suppression digest');
  return createHmac('sha256', key).update(e164, 'utf8').digest('hex');
}

/** The key bound once, at start, and handed to whoever needs a digest. */
export interface Suppression {
  digest(e164: string): string;
}

export function createSuppression(key: Uint8Array): Suppression {
  const bound = Buffer.from(key);
  return { digest: (e164) => phoneDigest(bound, e164) };
}

/**
 * What a consent change does to the list. A revocation suppresses; a
 * confirmation or re-subscription lifts, but only from `revoked`: a phone on
 * the list always starts (or is) revoked, so any other confirmation has
 * nothing to lift and costs no statement.
 */
export function suppressionChange(change: ConsentChange, previous: ConsentStatus): 'suppress' | 'lift' | null {
  if (change === 'revoked') return 'suppress';
  if ((change === 'confirmed' || change === 'resubscribed') && previous === 'revoked') return 'lift';
  return null;
}
