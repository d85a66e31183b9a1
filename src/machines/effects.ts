import type { ConsentChange, ConsentSource } from '../compliance/consent.js';
import type { TimerKind } from './conversation-events.js';

export type OutboundKind = 'opt_in_request' | 'reminder' | 'stop_confirmation' | 'start_confirmation' | 'help';

export type CartOutcome = 'open' | 'abandoned' | 'recovered' | 'superseded' | 'not_contacted';

/**
 * What a transition asks the world to do, as data. `src/conversations/` turns
 * each into rows in the same transaction as the new snapshot.
 */
export type Effect =
  /** Replaces whatever timer the conversation had: a conversation waits on one thing at a time. */
  | { type: 'schedule_timer'; kind: TimerKind; stepIndex: number | null; dueAt: Date }
  | { type: 'cancel_timers'; reason: string }
  | { type: 'queue_message'; kind: OutboundKind; cartId: string | null; stepIndex: number | null }
  | { type: 'cancel_messages'; reason: string }
  | { type: 'record_consent'; change: ConsentChange; source: ConsentSource }
  | { type: 'set_cart_status'; cartId: string; status: CartOutcome; reason: string | null }
  | { type: 'notify_agent'; reason: string };

export type EffectType = Effect['type'];
