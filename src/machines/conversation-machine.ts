import { and, enqueueActions, not, setup } from 'xstate';
import { nextAllowedAt } from '../compliance/quiet-hours.js';
import { conversationGuards, intentOf, optOutSource } from './conversation-guards.js';
import type { Flow } from '../domain/flow.js';
import type { ConversationEvent } from './conversation-events.js';
import type { Effect } from './effects.js';

/**
 * One shopper at one merchant. Pure: every decision is made from the persisted
 * context and the facts the event brings. Timers are effects the caller keeps
 * in the database, never XState `after` delays, which do not survive a restart.
 */
export interface ConversationContext {
  cartId: string | null;
  /** The flow as it was when this cart's sequence started; later edits apply to later carts. */
  flow: Flow | null;
  /** ISO time the current cart was judged abandoned; step times count from here. */
  abandonedAt: string | null;
  /** Index of the next reminder step to send. */
  nextStep: number;
  needsAgent: boolean;
}

export const INITIAL_CONTEXT: ConversationContext = {
  cartId: null,
  flow: null,
  abandonedAt: null,
  nextStep: 0,
  needsAgent: false,
};

type EventOf<T extends ConversationEvent['type']> = Extract<ConversationEvent, { type: T }>;

interface Emitter {
  (action: { type: 'effect'; params: Effect }): void;
  assign(update: Partial<ConversationContext>): void;
}

function emit(enqueue: Emitter, effect: Effect): void {
  enqueue({ type: 'effect', params: effect });
}

/** Stops everything automated that is in flight: the running timer and unsent texts. */
function halt(enqueue: Emitter, reason: string): void {
  emit(enqueue, { type: 'cancel_timers', reason });
  emit(enqueue, { type: 'cancel_messages', reason });
}

function stepDueAt(flow: Flow, abandonedAt: string, stepIndex: number, at: Date): Date | null {
  const step = flow.steps[stepIndex];
  if (!step) return null;
  const due = new Date(Date.parse(abandonedAt) + step.afterSeconds * 1000);
  return due < at ? at : due;
}

function scheduleNextStep(enqueue: Emitter, context: ConversationContext, stepIndex: number, at: Date): void {
  if (!context.flow || !context.abandonedAt) return;
  const dueAt = stepDueAt(context.flow, context.abandonedAt, stepIndex, at);
  if (dueAt) emit(enqueue, { type: 'schedule_timer', kind: 'step', stepIndex, dueAt });
}

/** The cart is abandoned now: remember when, so the steps' offsets have an origin. */
function markAbandoned(enqueue: Emitter, context: ConversationContext, at: Date): ConversationContext {
  if (context.cartId) emit(enqueue, { type: 'set_cart_status', cartId: context.cartId, status: 'abandoned', reason: null });
  const abandonedAt = at.toISOString();
  enqueue.assign({ abandonedAt });
  return { ...context, abandonedAt };
}

function supersede(enqueue: Emitter, context: ConversationContext, event: EventOf<'cart.updated'>): void {
  if (context.cartId && context.cartId !== event.cartId) {
    halt(enqueue, 'superseded');
    emit(enqueue, { type: 'set_cart_status', cartId: context.cartId, status: 'superseded', reason: 'newer_cart' });
  }
}

/** A different cart starts its sequence from the top; the same cart keeps its progress. */
function adoptCart(enqueue: Emitter, context: ConversationContext, event: EventOf<'cart.updated'>): void {
  if (context.cartId === event.cartId) return;
  enqueue.assign({ cartId: event.cartId, flow: event.flow, abandonedAt: null, nextStep: 0 });
}

export const conversationMachine = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as ConversationEvent,
  },
  actions: {
    /** Carries an `Effect` to the caller, who turns it into rows; running it here does nothing. */
    effect: (_args, _effect: Effect) => {},
  },
  guards: conversationGuards,
}).createMachine({
  id: 'conversation',
  context: INITIAL_CONTEXT,
  initial: 'idle',
  on: {
    'sms.received': [
      {
        guard: 'saysStop',
        target: '.optedOut',
        actions: enqueueActions(({ context, event, enqueue }) => {
          halt(enqueue, 'opted_out');
          emit(enqueue, { type: 'record_consent', change: 'revoked', source: optOutSource(event) ?? 'keyword' });
          // With the provider's own opt-out handling the carrier side has already confirmed.
          if (event.type === 'sms.received' && event.optOutType === null) {
            emit(enqueue, { type: 'queue_message', kind: 'stop_confirmation', cartId: context.cartId, stepIndex: null });
          }
        }),
      },
      {
        // START outside an opt-out confirms consent where it was missing; whatever runs goes on.
        guard: 'saysStart',
        actions: enqueueActions(({ context, event, enqueue, check }) => {
          if (!check('consentConfirmed')) emit(enqueue, { type: 'record_consent', change: 'confirmed', source: 'keyword' });
          if (event.type === 'sms.received' && event.optOutType === null) {
            emit(enqueue, { type: 'queue_message', kind: 'start_confirmation', cartId: context.cartId, stepIndex: null });
          }
        }),
      },
      {
        guard: 'saysHelp',
        actions: enqueueActions(({ context, event, enqueue }) => {
          if (event.type === 'sms.received' && event.optOutType === null) {
            emit(enqueue, { type: 'queue_message', kind: 'help', cartId: context.cartId, stepIndex: null });
          }
        }),
      },
      {
        // A YES to our open question counts even if a newer cart has replaced the one that asked.
        guard: and(['saysYes', 'consentRequested']),
        actions: enqueueActions(({ enqueue }) => {
          emit(enqueue, { type: 'record_consent', change: 'confirmed', source: 'keyword' });
        }),
      },
      {
        // An opted-out shopper's words still reach a person, but nothing restarts.
        guard: 'isOptedOut',
        actions: enqueueActions(({ enqueue }) => {
          emit(enqueue, { type: 'notify_agent', reason: 'shopper_replied' });
          enqueue.assign({ needsAgent: true });
        }),
      },
      {
        // Anything else is a person talking: the automation steps aside.
        target: '.waitingForAgent',
        actions: enqueueActions(({ enqueue }) => {
          halt(enqueue, 'paused_for_agent');
          emit(enqueue, { type: 'notify_agent', reason: 'shopper_replied' });
          enqueue.assign({ needsAgent: true });
        }),
      },
    ],
    'provider.opted_out': {
      target: '.optedOut',
      actions: enqueueActions(({ enqueue }) => {
        halt(enqueue, 'opted_out');
        emit(enqueue, { type: 'record_consent', change: 'revoked', source: 'provider' });
      }),
    },
    'order.placed': {
      guard: 'isCurrentCart',
      target: '.recovered',
      actions: enqueueActions(({ enqueue }) => halt(enqueue, 'order_placed')),
    },
    'cart.detached': {
      guard: 'isCurrentCart',
      target: '.idle',
      actions: enqueueActions(({ enqueue }) => {
        halt(enqueue, 'cart_detached');
        enqueue.assign({ cartId: null, flow: null, abandonedAt: null, nextStep: 0 });
      }),
    },
    'cart.updated': [
      {
        guard: 'isOptedOut',
        target: '.optedOut',
        actions: enqueueActions(({ context, event, enqueue }) => {
          if (event.type !== 'cart.updated') return;
          supersede(enqueue, context, event);
          adoptCart(enqueue, context, event);
          emit(enqueue, { type: 'set_cart_status', cartId: event.cartId, status: 'not_contacted', reason: 'opted_out' });
        }),
      },
      {
        guard: 'checkoutConsented',
        target: '.watching',
        actions: enqueueActions(({ context, event, enqueue }) => {
          if (event.type !== 'cart.updated') return;
          supersede(enqueue, context, event);
          adoptCart(enqueue, context, event);
          // Activity on the cart restarts the abandonment clock.
          emit(enqueue, {
            type: 'schedule_timer',
            kind: 'abandon',
            stepIndex: null,
            dueAt: new Date(event.at.getTime() + event.flow.abandonAfterSeconds * 1000),
          });
          emit(enqueue, { type: 'set_cart_status', cartId: event.cartId, status: 'open', reason: null });
        }),
      },
      {
        target: '.notContacted',
        actions: enqueueActions(({ context, event, enqueue }) => {
          if (event.type !== 'cart.updated') return;
          supersede(enqueue, context, event);
          adoptCart(enqueue, context, event);
          emit(enqueue, { type: 'set_cart_status', cartId: event.cartId, status: 'not_contacted', reason: 'no_sms_consent' });
        }),
      },
    ],
  },
  states: {
    idle: {},
    watching: {
      on: {
        'timer.fired': [
          {
            guard: and(['isAbandonTimer', 'consentConfirmed']),
            target: 'sequencing',
            actions: enqueueActions(({ context, event, enqueue }) => {
              const abandoned = markAbandoned(enqueue, context, event.at);
              scheduleNextStep(enqueue, abandoned, abandoned.nextStep, event.at);
            }),
          },
          {
            guard: and(['isAbandonTimer', 'mayRequestOptIn', 'quietHoursAllow']),
            target: 'awaitingOptIn',
            actions: enqueueActions(({ context, event, enqueue }) => {
              markAbandoned(enqueue, context, event.at);
              emit(enqueue, { type: 'queue_message', kind: 'opt_in_request', cartId: context.cartId, stepIndex: null });
              emit(enqueue, { type: 'record_consent', change: 'requested', source: 'checkout' });
              const timeout = (context.flow?.optInTimeoutSeconds ?? 86400) * 1000;
              emit(enqueue, {
                type: 'schedule_timer',
                kind: 'opt_in_timeout',
                stepIndex: null,
                dueAt: new Date(event.at.getTime() + timeout),
              });
            }),
          },
          {
            // Places the shopper may be never share a lawful hour: no moment will come, so say so rather than wait forever.
            guard: and(['isAbandonTimer', 'mayRequestOptIn', 'noCommonWindow']),
            target: 'notContacted',
            actions: enqueueActions(({ context, event, enqueue }) => {
              markAbandoned(enqueue, context, event.at);
              if (context.cartId) {
                emit(enqueue, { type: 'set_cart_status', cartId: context.cartId, status: 'not_contacted', reason: 'no_common_sending_window' });
              }
            }),
          },
          {
            // The opt-in request is a text like any other: at night it waits for morning.
            guard: and(['isAbandonTimer', 'mayRequestOptIn']),
            actions: enqueueActions(({ event, enqueue }) => {
              const dueAt = nextAllowedAt(event.at, event.facts.zones, event.facts.window);
              if (dueAt) emit(enqueue, { type: 'schedule_timer', kind: 'abandon', stepIndex: null, dueAt });
            }),
          },
          {
            guard: and(['isAbandonTimer', 'optInOutstanding']),
            target: 'awaitingOptIn',
            actions: enqueueActions(({ context, event, enqueue }) => {
              markAbandoned(enqueue, context, event.at);
              const since = event.facts.consentSince?.getTime() ?? event.at.getTime();
              const timeout = (context.flow?.optInTimeoutSeconds ?? 86400) * 1000;
              emit(enqueue, { type: 'schedule_timer', kind: 'opt_in_timeout', stepIndex: null, dueAt: new Date(since + timeout) });
            }),
          },
          {
            // Asked once, never answered (or no longer reachable): we do not ask again.
            guard: 'isAbandonTimer',
            target: 'notContacted',
            actions: enqueueActions(({ context, event, enqueue }) => {
              markAbandoned(enqueue, context, event.at);
              if (context.cartId) {
                const reason = event.facts.consent === 'revoked' ? 'opted_out' : 'opt_in_unanswered';
                emit(enqueue, { type: 'set_cart_status', cartId: context.cartId, status: 'not_contacted', reason });
              }
            }),
          },
        ],
      },
    },
    awaitingOptIn: {
      on: {
        'sms.received': [
          {
            guard: ({ event }) => {
              const intent = intentOf(event);
              return intent === 'yes' || intent === 'start';
            },
            target: 'sequencing',
            actions: enqueueActions(({ context, event, enqueue }) => {
              emit(enqueue, { type: 'record_consent', change: 'confirmed', source: 'keyword' });
              scheduleNextStep(enqueue, context, context.nextStep, event.at);
            }),
          },
        ],
        'timer.fired': {
          guard: 'isOptInTimeout',
          target: 'optInExpired',
          actions: enqueueActions(({ context, enqueue }) => {
            emit(enqueue, { type: 'record_consent', change: 'expired', source: 'system' });
            if (context.cartId) {
              emit(enqueue, { type: 'set_cart_status', cartId: context.cartId, status: 'not_contacted', reason: 'opt_in_unanswered' });
            }
          }),
        },
        // The question stands while the shopper edits the same cart.
        'cart.updated': { guard: 'isCurrentCart' },
      },
    },
    sequencing: {
      on: {
        'timer.fired': [
          {
            guard: and(['isStepTimer', not('consentConfirmed')]),
            target: 'notContacted',
            actions: enqueueActions(({ context, enqueue }) => {
              halt(enqueue, 'consent_missing');
              if (context.cartId) {
                emit(enqueue, { type: 'set_cart_status', cartId: context.cartId, status: 'not_contacted', reason: 'consent_missing' });
              }
            }),
          },
          {
            guard: and(['isStepTimer', 'quietHoursAllow', 'isLastStep']),
            target: 'completed',
            actions: enqueueActions(({ context, enqueue }) => {
              emit(enqueue, { type: 'queue_message', kind: 'reminder', cartId: context.cartId, stepIndex: context.nextStep });
              enqueue.assign({ nextStep: context.nextStep + 1 });
            }),
          },
          {
            guard: and(['isStepTimer', 'quietHoursAllow']),
            actions: enqueueActions(({ context, event, enqueue }) => {
              emit(enqueue, { type: 'queue_message', kind: 'reminder', cartId: context.cartId, stepIndex: context.nextStep });
              enqueue.assign({ nextStep: context.nextStep + 1 });
              scheduleNextStep(enqueue, context, context.nextStep + 1, event.at);
            }),
          },
          {
            guard: and(['isStepTimer', 'noCommonWindow']),
            target: 'notContacted',
            actions: enqueueActions(({ context, enqueue }) => {
              halt(enqueue, 'no_common_sending_window');
              if (context.cartId) {
                emit(enqueue, { type: 'set_cart_status', cartId: context.cartId, status: 'not_contacted', reason: 'no_common_sending_window' });
              }
            }),
          },
          {
            // Quiet hours: the same step waits for the next lawful moment, never dropped.
            guard: 'isStepTimer',
            actions: enqueueActions(({ context, event, enqueue }) => {
              const dueAt = nextAllowedAt(event.at, event.facts.zones, event.facts.window);
              if (dueAt) emit(enqueue, { type: 'schedule_timer', kind: 'step', stepIndex: context.nextStep, dueAt });
            }),
          },
        ],
      },
    },
    waitingForAgent: {
      on: {
        // A person has the thread: the shopper editing the same cart does not restart the automation
        // (the cart row itself is refreshed by the intake). A newer cart starts its own sequence.
        'cart.updated': { guard: 'isCurrentCart' },
      },
    },
    completed: {
      on: {
        // Every step of this cart has gone; editing it again does not start them over.
        'cart.updated': { guard: 'isCurrentCart' },
      },
    },
    recovered: {},
    optedOut: {
      on: {
        'sms.received': {
          guard: 'saysStart',
          target: 'idle',
          actions: enqueueActions(({ context, event, enqueue }) => {
            emit(enqueue, { type: 'record_consent', change: 'resubscribed', source: 'keyword' });
            if (event.type === 'sms.received' && event.optOutType === null) {
              emit(enqueue, { type: 'queue_message', kind: 'start_confirmation', cartId: context.cartId, stepIndex: null });
            }
          }),
        },
      },
    },
    optInExpired: {},
    notContacted: {},
  },
});

export type ConversationMachine = typeof conversationMachine;
export type ConversationStateName = keyof typeof conversationMachine.config.states;
