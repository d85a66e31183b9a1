import { hkdfSync } from 'node:crypto';
import { decodeKey } from './secret-box.js';

/** HKDF's info label: a new version of the derivation gets a new label, never a changed one. */
export const SUPPRESSION_KEY_INFO = 'cartrescue suppression v1';

/**
 * The suppression key from the secrets key, for installs that did not set
 * one. Derived rather than reused, so the HMAC key and the encryption key are
 * never the same bytes.
 */
export function deriveSuppressionKey(secretsKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', secretsKey, Buffer.alloc(0), SUPPRESSION_KEY_INFO, 32));
}

/** The configured key when there is one, else the one derived from the secrets key. */
export function suppressionKey(configured: string | null, secretsKey: string): Buffer {
  return configured ? decodeKey(configured, 'SUPPRESSION_KEY') : deriveSuppressionKey(decodeKey(secretsKey));
}
