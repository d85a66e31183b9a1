import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shopify signs every webhook with base64(HMAC-SHA256(rawBody, clientSecret))
 * in `X-Shopify-Hmac-Sha256`. The MAC covers the bytes as sent, so callers
 * must pass the untouched request body: re-serialised JSON will not match.
 */

function assertSecret(secret: string): void {
  // An empty key would make every signature forgeable; that is a deployment
  // bug, so it fails loudly (500) instead of quietly answering 401.
  if (secret.length === 0) throw new TypeError('Shopify webhook secret must not be empty');
}

/** The header value Shopify would send for `rawBody`. */
export function signShopifyBody(rawBody: Buffer, secret: string): string {
  assertSecret(secret);
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * True only when `headerValue` is exactly the signature of `rawBody`.
 * A missing, empty or wrong-length header is false, never an exception, so the
 * route can answer 401 for every kind of bad signature alike.
 */
export function verifyShopifyHmac(rawBody: Buffer, headerValue: string | undefined, secret: string): boolean {
  const expected = Buffer.from(signShopifyBody(rawBody, secret), 'utf8');
  if (typeof headerValue !== 'string' || headerValue.length === 0) return false;
  // The canonical base64 text is compared rather than decoded bytes: Node's
  // base64 decoder skips junk characters, which would accept altered headers.
  const received = Buffer.from(headerValue, 'utf8');
  // timingSafeEqual throws on unequal lengths. The length of a SHA-256 digest
  // is public, so checking it first leaks nothing about the secret.
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}
