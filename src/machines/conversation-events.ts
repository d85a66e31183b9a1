import type { ConsentStatus } from '../compliance/consent.js';
import type { SendingWindow } from '../compliance/quiet-hours.js';
import type { Flow } from '../domain/flow.js';

/**
 * The facts every event carries so the machine can decide without reading a
 * clock or a database: the shopper's consent as the ledger has it, where the
 * shopper may be (time zones), and the local window in which texting is lawful.
 */
export interface Facts {
  consent: ConsentStatus;
  /** When `consent` last changed; an outstanding opt-in request expires from here. */
  consentSince: Date | null;
  zones: string[];
  window: SendingWindow;
}

export type TimerKind = 'abandon' | 'opt_in_timeout' | 'step';

export type ConversationEvent =
  | {
      type: 'cart.updated';
      at: Date;
      facts: Facts;
      cartId: string;
      checkoutConsent: boolean;
      flow: Flow;
    }
  | { type: 'timer.fired'; at: Date; facts: Facts; kind: TimerKind; stepIndex: number | null }
  | {
      type: 'sms.received';
      at: Date;
      facts: Facts;
      body: string;
      /** Set when the provider already answered the keyword itself. */
      optOutType: 'STOP' | 'START' | 'HELP' | null;
    }
  | { type: 'order.placed'; at: Date; facts: Facts; cartId: string }
  /** The cart now belongs to another phone (or none): this thread must stop texting about it. */
  | { type: 'cart.detached'; at: Date; facts: Facts; cartId: string }
  | { type: 'provider.opted_out'; at: Date; facts: Facts; errorCode: string };

export type ConversationEventType = ConversationEvent['type'];
