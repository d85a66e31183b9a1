import twilio from 'twilio';

/**
 * Checks `X-Twilio-Signature`: base64 HMAC-SHA1, keyed with the auth token,
 * over the full public webhook URL followed by every POST parameter's name and
 * value sorted by name.
 *
 * Uses the SDK's `validateRequest`, which compares with `crypto.timingSafeEqual`
 * (after a length check; the expected length is fixed by SHA-1 and not secret)
 * and also accepts the URL with or without the default port, as Twilio may
 * sign either form.
 */
export function verifyTwilioSignature(input: {
  authToken: string;
  url: string;
  params: Record<string, string>;
  signature: string | undefined;
}): boolean {
  const { authToken, url, params, signature } = input;
  if (!authToken || !signature) return false;
  try {
    return twilio.validateRequest(authToken, signature, url, params);
  } catch {
    // The SDK's fallback path runs `new URL(url)`, which throws on a malformed URL.
    return false;
  }
}

/** The signature Twilio would send for this request (for tests and benchmarks). */
export function signTwilioRequest(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
