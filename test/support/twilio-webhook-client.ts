/**
 * Builds webhook requests the way Twilio sends them: form-encoded body and an
 * `X-Twilio-Signature` over the public URL plus the sorted parameters.
 */
import { signTwilioRequest } from '../../src/integrations/twilio/twilio-signature.js';
import { fixtureJson } from './fixtures.js';

/** shared/fixtures/twilio/inbound-stop.json: Twilio's real inbound-message fields (a STOP with OptOutType). */
export const inboundStopFixture: Readonly<Record<string, string>> = Object.freeze(
  fixtureJson<Record<string, string>>('twilio/inbound-stop.json'),
);

/** shared/fixtures/twilio/status-undelivered.json: a status callback with ErrorCode 30006. */
export const statusUndeliveredFixture: Readonly<Record<string, string>> = Object.freeze(
  fixtureJson<Record<string, string>>('twilio/status-undelivered.json'),
);

export interface SignedTwilioPost {
  body: string;
  headers: Record<string, string>;
}

/**
 * A signed POST as Twilio would send it to `url` (the full public URL the
 * webhook is configured with, query string included).
 */
export function buildSignedTwilioPost(url: string, params: Record<string, string>, authToken: string): SignedTwilioPost {
  return {
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signTwilioRequest(authToken, url, params),
      'user-agent': 'TwilioProxy/1.1',
    },
  };
}

/** A signed inbound-message POST: the STOP fixture with `overrides` applied. */
export function buildSignedInbound(url: string, authToken: string, overrides: Record<string, string> = {}): SignedTwilioPost {
  return buildSignedTwilioPost(url, { ...inboundStopFixture, ...overrides }, authToken);
}

/** A signed status-callback POST: the undelivered fixture with `overrides` applied. */
export function buildSignedStatus(url: string, authToken: string, overrides: Record<string, string> = {}): SignedTwilioPost {
  return buildSignedTwilioPost(url, { ...statusUndeliveredFixture, ...overrides }, authToken);
}
