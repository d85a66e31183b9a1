import type { ConsentStatus } from '../../src/compliance/consent.js';
import { FEDERAL_WINDOW } from '../../src/compliance/quiet-hours.js';
import { FlowSchema, type Flow } from '../../src/domain/flow.js';
import type { ConversationEvent, Facts, TimerKind } from '../../src/machines/conversation-events.js';
import type { Effect, EffectType } from '../../src/machines/effects.js';
import { step, type PersistedConversation, type StepResult } from '../../src/machines/step.js';

/**
 * Fixed instants, all in June 2025 when New York is on EDT (UTC-4), so the
 * local times below are exact and independent of the machine running the tests.
 */
export const NY = 'America/New_York';
/** 14:00 in New York on 10 June: inside the federal 08:00–21:00 window. */
export const AFTERNOON = new Date('2025-06-10T18:00:00.000Z');
/** 23:00 in New York on 10 June: quiet hours. */
export const NIGHT = new Date('2025-06-11T03:00:00.000Z');
/** 08:00 in New York on 11 June: the first lawful moment after NIGHT. */
export const NEXT_MORNING = new Date('2025-06-11T12:00:00.000Z');

export const CART = 'cart-1';
export const OTHER_CART = 'cart-2';

export function plusSeconds(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1000);
}

/** A valid flow (checked by the real schema): 15 min to abandonment, 1 day to answer the opt-in, steps at 30 min, 1 day, 3 days. */
export function flow(overrides: Partial<Flow> = {}): Flow {
  return FlowSchema.parse({
    abandonAfterSeconds: 900,
    optInTimeoutSeconds: 86_400,
    steps: [
      { afterSeconds: 1_800, template: 'first' },
      { afterSeconds: 86_400, template: 'second' },
      { afterSeconds: 259_200, template: 'third' },
    ],
    ...overrides,
  });
}

export const FLOW = flow();

export function facts(consent: ConsentStatus = 'none', overrides: Partial<Facts> = {}): Facts {
  return { consent, consentSince: null, zones: [NY], window: FEDERAL_WINDOW, ...overrides };
}

interface EventOptions {
  at?: Date;
  consent?: ConsentStatus;
  facts?: Partial<Facts>;
}

function factsOf(options: EventOptions, defaultConsent: ConsentStatus): Facts {
  return facts(options.consent ?? defaultConsent, options.facts);
}

export function cartUpdated(
  options: EventOptions & { cartId?: string; checkoutConsent?: boolean; flow?: Flow } = {},
): ConversationEvent {
  return {
    type: 'cart.updated',
    at: options.at ?? AFTERNOON,
    facts: factsOf(options, 'confirmed'),
    cartId: options.cartId ?? CART,
    checkoutConsent: options.checkoutConsent ?? true,
    flow: options.flow ?? FLOW,
  };
}

export function timerFired(kind: TimerKind, options: EventOptions & { stepIndex?: number | null } = {}): ConversationEvent {
  return {
    type: 'timer.fired',
    at: options.at ?? AFTERNOON,
    facts: factsOf(options, 'confirmed'),
    kind,
    stepIndex: options.stepIndex !== undefined ? options.stepIndex : kind === 'step' ? 0 : null,
  };
}

export function smsReceived(
  body: string,
  options: EventOptions & { optOutType?: 'STOP' | 'START' | 'HELP' | null } = {},
): ConversationEvent {
  return {
    type: 'sms.received',
    at: options.at ?? AFTERNOON,
    facts: factsOf(options, 'confirmed'),
    body,
    optOutType: options.optOutType ?? null,
  };
}

export function orderPlaced(options: EventOptions & { cartId?: string } = {}): ConversationEvent {
  return { type: 'order.placed', at: options.at ?? AFTERNOON, facts: factsOf(options, 'confirmed'), cartId: options.cartId ?? CART };
}

export function providerOptedOut(options: EventOptions & { errorCode?: string } = {}): ConversationEvent {
  return {
    type: 'provider.opted_out',
    at: options.at ?? AFTERNOON,
    facts: factsOf(options, 'confirmed'),
    errorCode: options.errorCode ?? '21610',
  };
}

/** Threads the persisted snapshot through `step`, as the database would between events. */
export function run(events: readonly ConversationEvent[], from: PersistedConversation | null = null): StepResult[] {
  const results: StepResult[] = [];
  let persisted = from;
  for (const event of events) {
    const result = step(persisted, event);
    results.push(result);
    persisted = result.persisted;
  }
  return results;
}

/** The result of the last event of `events`. */
export function last(events: readonly ConversationEvent[], from: PersistedConversation | null = null): StepResult {
  const result = run(events, from).at(-1);
  if (!result) throw new Error('run() needs at least one event');
  return result;
}

export function effectsOf<T extends EffectType>(result: StepResult, type: T): Extract<Effect, { type: T }>[] {
  return result.effects.filter((effect): effect is Extract<Effect, { type: T }> => effect.type === type);
}

export function effectTypes(result: StepResult): EffectType[] {
  return result.effects.map((effect) => effect.type);
}

/** When the abandon timer set up by a cart.updated at `at` fires. */
export const ABANDONED_AT = plusSeconds(AFTERNOON, FLOW.abandonAfterSeconds);

/** Events that bring a fresh conversation to a named state with a confirmed (or pending) consent. */
export const JOURNEYS = {
  idle: [] as ConversationEvent[],
  watching: [cartUpdated({ consent: 'confirmed' })],
  awaitingOptIn: [cartUpdated({ consent: 'none' }), timerFired('abandon', { at: ABANDONED_AT, consent: 'none' })],
  sequencing: [cartUpdated({ consent: 'confirmed' }), timerFired('abandon', { at: ABANDONED_AT, consent: 'confirmed' })],
  completed: [
    cartUpdated({ consent: 'confirmed' }),
    timerFired('abandon', { at: ABANDONED_AT, consent: 'confirmed' }),
    ...FLOW.steps.map((s, index) =>
      timerFired('step', { at: plusSeconds(ABANDONED_AT, s.afterSeconds), consent: 'confirmed', stepIndex: index }),
    ),
  ],
} satisfies Record<string, ConversationEvent[]>;

export type JourneyName = keyof typeof JOURNEYS;

/** The persisted conversation at the end of a journey (null for a conversation that never saw an event). */
export function reach(name: JourneyName): PersistedConversation | null {
  const events = JOURNEYS[name];
  if (events.length === 0) return null;
  const result = last(events);
  if (result.state !== name) throw new Error(`journey ${name} ended in ${result.state}`);
  return result.persisted;
}

/** The consent the ledger has once a journey's state is reached. */
export const CONSENT_IN: Record<JourneyName, ConsentStatus> = {
  idle: 'none',
  watching: 'confirmed',
  awaitingOptIn: 'requested',
  sequencing: 'confirmed',
  completed: 'confirmed',
};
