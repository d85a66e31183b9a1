import { canReceiveMarketing, isSuppressed, mayRequestOptIn } from '../compliance/consent.js';
import { classifyKeyword, type KeywordIntent } from '../compliance/keywords.js';
import { detectOptOut } from '../compliance/opt-out-intent.js';
import { isAllowedAt, nextAllowedAt } from '../compliance/quiet-hours.js';
import type { ConversationEvent, TimerKind } from './conversation-events.js';
import type { ConversationContext } from './conversation-machine.js';

/**
 * The machine's guards: double opt-in, quiet hours, keywords and timers, each
 * a pure question about the persisted context and the facts the event brings.
 */
type EventOf<T extends ConversationEvent['type']> = Extract<ConversationEvent, { type: T }>;
type GuardArgs = { context: ConversationContext; event: ConversationEvent };

export function intentOf(event: ConversationEvent): KeywordIntent | null {
  return event.type === 'sms.received' ? classifyKeyword(event.body) : null;
}

/** A STOP keyword, or a revocation in the shopper's own words ("please stop texting me", "alto"). */
export function optOutSource(event: ConversationEvent): 'keyword' | 'free_text' | null {
  if (event.type !== 'sms.received') return null;
  if (classifyKeyword(event.body) === 'stop') return 'keyword';
  return detectOptOut(event.body).optOut ? 'free_text' : null;
}

function isTimer(event: ConversationEvent, kind: TimerKind): event is EventOf<'timer.fired'> {
  return event.type === 'timer.fired' && event.kind === kind;
}

export const conversationGuards = {
  saysStop: ({ event }: GuardArgs) => optOutSource(event) !== null,
  saysStart: ({ event }: GuardArgs) => intentOf(event) === 'start',
  saysHelp: ({ event }: GuardArgs) => intentOf(event) === 'help',
  saysYes: ({ event }: GuardArgs) => intentOf(event) === 'yes',
  isOptedOut: ({ event }: GuardArgs) => isSuppressed(event.facts.consent),
  checkoutConsented: ({ event }: GuardArgs) => event.type === 'cart.updated' && event.checkoutConsent,
  isCurrentCart: ({ context, event }: GuardArgs) =>
    (event.type === 'cart.updated' || event.type === 'order.placed' || event.type === 'cart.detached') &&
    event.cartId === context.cartId,
  consentConfirmed: ({ event }: GuardArgs) => canReceiveMarketing(event.facts.consent),
  mayRequestOptIn: ({ event }: GuardArgs) => mayRequestOptIn(event.facts.consent),
  consentRequested: ({ event }: GuardArgs) => event.facts.consent === 'requested',
  /** An earlier cart's opt-in question is still open: wait for its answer instead of asking twice. */
  optInOutstanding: ({ context, event }: GuardArgs) =>
    event.facts.consent === 'requested' &&
    event.facts.consentSince !== null &&
    context.flow !== null &&
    event.facts.consentSince.getTime() + context.flow.optInTimeoutSeconds * 1000 > event.at.getTime(),
  quietHoursAllow: ({ event }: GuardArgs) => isAllowedAt(event.at, event.facts.zones, event.facts.window),
  /** Blocked now, and no later moment is lawful in every place the shopper may be. */
  noCommonWindow: ({ event }: GuardArgs) =>
    !isAllowedAt(event.at, event.facts.zones, event.facts.window) && nextAllowedAt(event.at, event.facts.zones, event.facts.window) === null,
  isAbandonTimer: ({ event }: GuardArgs) => isTimer(event, 'abandon'),
  isOptInTimeout: ({ event }: GuardArgs) => isTimer(event, 'opt_in_timeout'),
  isStepTimer: ({ context, event }: GuardArgs) => isTimer(event, 'step') && event.stepIndex === context.nextStep,
  isLastStep: ({ context }: GuardArgs) => context.flow !== null && context.nextStep >= context.flow.steps.length - 1,
};
