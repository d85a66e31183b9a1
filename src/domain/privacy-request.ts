/**
 * A platform's privacy request in our own words. Integrations map their
 * payloads to these; nothing outside `src/integrations/` knows the platform's
 * field names. The kinds name what we do, and are what `privacy_requests`
 * records.
 */
interface PrivacyRequestBase {
  platform: string;
  /** The platform's delivery id, used to deduplicate retries. */
  eventId: string;
  /** The shop the request is about, as the platform names it. */
  shopDomain: string | null;
}

/** Whom a request is about: the phone (E.164, or null when none or not a valid number) and the platform's own id. */
export interface PrivacySubject {
  phone: string | null;
  customerRef: string | null;
}

export type PrivacyRequest =
  /** The shopper asked the merchant what is held about them. */
  | (PrivacyRequestBase & PrivacySubject & { kind: 'data_request'; requestRef: string | null; orderRefs: string[] })
  /** The shopper asked to be erased. */
  | (PrivacyRequestBase & PrivacySubject & { kind: 'customer_redact'; orderRefs: string[] })
  /** The shop left: erase every shopper of it. */
  | (PrivacyRequestBase & { kind: 'shop_redact' });

export type PrivacyRequestKind = PrivacyRequest['kind'];
