/**
 * Double opt-in as a small state machine over a shopper's consent for one
 * merchant. Each change is appended to the ledger with its source and evidence.
 *
 *   none ──request──▶ requested ──YES──▶ confirmed ──STOP──▶ revoked
 *     │                   └──timeout──▶ expired                │
 *     └──────────────── START (any state) ──▶ confirmed ◀──────┘
 */
export type ConsentStatus = 'none' | 'requested' | 'confirmed' | 'expired' | 'revoked';

export type ConsentChange = 'requested' | 'confirmed' | 'revoked' | 'resubscribed' | 'declined' | 'expired' | 'erased';

export type ConsentSource = 'checkout' | 'keyword' | 'free_text' | 'provider' | 'api' | 'agent' | 'system';

/** Marketing texts need a confirmed double opt-in. */
export function canReceiveMarketing(status: ConsentStatus): boolean {
  return status === 'confirmed';
}

/**
 * Only a shopper we never asked gets an opt-in request: one unanswered
 * request is the whole of what we may ask.
 */
export function mayRequestOptIn(status: ConsentStatus): boolean {
  return status === 'none';
}

export function isSuppressed(status: ConsentStatus): boolean {
  return status === 'revoked';
}

export function statusAfter(change: ConsentChange, current: ConsentStatus): ConsentStatus {
  switch (change) {
    case 'requested':
      return current === 'none' ? 'requested' : current;
    case 'confirmed':
    case 'resubscribed':
      return 'confirmed';
    case 'revoked':
      return 'revoked';
    case 'expired':
      return current === 'requested' ? 'expired' : current;
    case 'declined':
    case 'erased':
      return current;
  }
}
