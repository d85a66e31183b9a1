import { canReceiveMarketing, isSuppressed, type ConsentStatus } from '../compliance/consent.js';
import { checkQuietHours, type SendingWindow } from '../compliance/quiet-hours.js';
import type { MessageRow } from '../db/models/index.js';

const REMINDER_STATES = new Set(['sequencing', 'completed']);

export type GateVerdict =
  | { verdict: 'send' }
  | { verdict: 'defer'; until: Date; rule: string }
  | { verdict: 'refuse'; rule: string }
  | { verdict: 'skip'; reason: string };

/**
 * The last word before a text leaves: re-decided from the database at the
 * moment of sending, because a STOP, an order or the night may have arrived
 * since the message was queued. Pure; the outbox supplies the facts.
 */
export function sendGate(input: {
  message: Pick<MessageRow, 'status' | 'kind' | 'direction' | 'cartId'>;
  conversation: { state: string; currentCartId: string | null };
  consent: ConsentStatus;
  zones: string[];
  window: SendingWindow;
  at: Date;
}): GateVerdict {
  const { message, consent } = input;
  if (message.direction !== 'outbound') return { verdict: 'skip', reason: 'not_outbound' };
  if (message.status !== 'pending' && message.status !== 'deferred') return { verdict: 'skip', reason: `already_${message.status}` };
  // Answers to a keyword go at once, night or day. A STOP confirmation goes although the shopper is now
  // suppressed, and HELP is answered whatever the consent: carriers require both.
  if (message.kind === 'stop_confirmation' || message.kind === 'help') return { verdict: 'send' };
  if (isSuppressed(consent)) return { verdict: 'refuse', rule: 'opted_out' };
  if (message.kind === 'start_confirmation') return { verdict: 'send' };
  if (message.kind === 'reminder' && !canReceiveMarketing(consent)) return { verdict: 'refuse', rule: 'consent_not_confirmed' };
  // A reminder belongs to the sequence that queued it; a newer cart, an order or a person taking over ends it.
  if (message.kind === 'reminder' && !REMINDER_STATES.has(input.conversation.state)) return { verdict: 'refuse', rule: 'sequence_not_running' };
  if (message.cartId !== null && message.kind === 'reminder' && message.cartId !== input.conversation.currentCartId) {
    return { verdict: 'refuse', rule: 'cart_superseded' };
  }
  if (message.kind === 'opt_in_request' && consent !== 'requested') return { verdict: 'refuse', rule: 'opt_in_not_requested' };
  const quiet = checkQuietHours(input.at, input.zones, input.window);
  if (!quiet.allowed) {
    return quiet.until ? { verdict: 'defer', until: quiet.until, rule: 'quiet_hours' } : { verdict: 'refuse', rule: 'no_common_sending_window' };
  }
  return { verdict: 'send' };
}
