import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsentStatus } from '../../src/compliance/consent.js';
import type { ConversationEvent } from '../../src/machines/conversation-events.js';
import type { Effect } from '../../src/machines/effects.js';
import { initialConversation, step, type PersistedConversation } from '../../src/machines/step.js';
import {
  ABANDONED_AT,
  AFTERNOON,
  CART,
  CONSENT_IN,
  FLOW,
  NEXT_MORNING,
  NIGHT,
  NY,
  OTHER_CART,
  cartUpdated,
  effectTypes,
  effectsOf,
  flow,
  last,
  orderPlaced,
  plusSeconds,
  providerOptedOut,
  reach,
  run,
  smsReceived,
  timerFired,
  type JourneyName,
} from './machine-fixtures.js';

function required<T>(value: T | null | undefined, what: string): T {
  assert.ok(value !== null && value !== undefined, `expected ${what}`);
  return value;
}

function stepDue(index: number, from: Date = ABANDONED_AT): Date {
  return plusSeconds(from, required(FLOW.steps[index], `step ${index}`).afterSeconds);
}

describe('conversation machine: a cart arrives', () => {
  it('a fresh conversation starts idle with an empty context', () => {
    const initial = initialConversation();
    assert.equal(initial.value, 'idle');
    assert.deepEqual(initial.context, { cartId: null, flow: null, abandonedAt: null, nextStep: 0, needsAgent: false });
  });

  it('every new thread shares one initial snapshot, frozen so no step can change it for the next', () => {
    const initial = initialConversation();
    assert.equal(initialConversation(), initial);
    assert.ok(Object.isFrozen(initial) && Object.isFrozen(initial.context));
    const result = step(initial, cartUpdated({ consent: 'none', checkoutConsent: true }));
    assert.equal(result.state, 'watching');
    assert.deepEqual(initialConversation(), { value: 'idle', context: { cartId: null, flow: null, abandonedAt: null, nextStep: 0, needsAgent: false } });
  });

  it('a cart with checkout consent starts watching: one abandon timer at at+abandonAfterSeconds and the cart open', () => {
    const result = step(null, cartUpdated({ consent: 'none', checkoutConsent: true }));
    assert.equal(result.before, 'idle');
    assert.equal(result.state, 'watching');
    assert.deepEqual(result.effects, [
      { type: 'schedule_timer', kind: 'abandon', stepIndex: null, dueAt: plusSeconds(AFTERNOON, 900) },
      { type: 'set_cart_status', cartId: CART, status: 'open', reason: null },
    ]);
    assert.deepEqual(result.context, { cartId: CART, flow: FLOW, abandonedAt: null, nextStep: 0, needsAgent: false });
    assert.equal(result.changed, true);
  });

  it('a cart without checkout consent is not contacted: no timer, no message', () => {
    const result = step(null, cartUpdated({ consent: 'none', checkoutConsent: false }));
    assert.equal(result.state, 'notContacted');
    assert.deepEqual(result.effects, [{ type: 'set_cart_status', cartId: CART, status: 'not_contacted', reason: 'no_sms_consent' }]);
  });

  it('a cart from a shopper whose consent is revoked goes to optedOut and queues nothing, even with checkout consent', () => {
    const result = step(null, cartUpdated({ consent: 'revoked', checkoutConsent: true }));
    assert.equal(result.state, 'optedOut');
    assert.deepEqual(effectsOf(result, 'queue_message'), []);
    assert.deepEqual(effectsOf(result, 'schedule_timer'), []);
    assert.deepEqual(result.effects, [{ type: 'set_cart_status', cartId: CART, status: 'not_contacted', reason: 'opted_out' }]);
  });

  it('the same cart updated again while watching restarts the abandon clock and supersedes nothing', () => {
    const later = plusSeconds(AFTERNOON, 600);
    const result = last([cartUpdated({ at: AFTERNOON }), cartUpdated({ at: later })]);
    assert.equal(result.before, 'watching');
    assert.equal(result.state, 'watching');
    assert.deepEqual(result.effects, [
      { type: 'schedule_timer', kind: 'abandon', stepIndex: null, dueAt: plusSeconds(later, FLOW.abandonAfterSeconds) },
      { type: 'set_cart_status', cartId: CART, status: 'open', reason: null },
    ]);
    assert.equal(result.context.cartId, CART);
  });

  it('the same cart updated mid-sequence keeps its progress (nextStep) and restarts the abandon clock', () => {
    const later = plusSeconds(stepDue(0), 60);
    const result = last([
      cartUpdated(),
      timerFired('abandon', { at: ABANDONED_AT }),
      timerFired('step', { at: stepDue(0), stepIndex: 0 }),
      cartUpdated({ at: later }),
    ]);
    assert.equal(result.state, 'watching');
    assert.equal(result.context.nextStep, 1);
    assert.deepEqual(effectTypes(result), ['schedule_timer', 'set_cart_status']);
    assert.equal(effectsOf(result, 'cancel_messages').length, 0);
  });

  it('a different cart while a sequence runs halts the old one, marks it superseded and adopts the new cart from step 0', () => {
    const newFlow = flow({ abandonAfterSeconds: 1_200 });
    const later = plusSeconds(stepDue(0), 60);
    const results = run([
      cartUpdated(),
      timerFired('abandon', { at: ABANDONED_AT }),
      timerFired('step', { at: stepDue(0), stepIndex: 0 }),
      cartUpdated({ at: later, cartId: OTHER_CART, flow: newFlow }),
    ]);
    const before = required(results[2], 'the step result');
    assert.equal(before.state, 'sequencing');
    assert.equal(before.context.nextStep, 1, 'precondition: the old cart had made progress');
    const result = required(results[3], 'the new cart result');
    assert.equal(result.state, 'watching');
    assert.deepEqual(result.effects, [
      { type: 'cancel_timers', reason: 'superseded' },
      { type: 'cancel_messages', reason: 'superseded' },
      { type: 'set_cart_status', cartId: CART, status: 'superseded', reason: 'newer_cart' },
      { type: 'schedule_timer', kind: 'abandon', stepIndex: null, dueAt: plusSeconds(later, 1_200) },
      { type: 'set_cart_status', cartId: OTHER_CART, status: 'open', reason: null },
    ]);
    assert.deepEqual(result.context, { cartId: OTHER_CART, flow: newFlow, abandonedAt: null, nextStep: 0, needsAgent: false });
  });
});

describe('conversation machine: the abandon timer', () => {
  it('with no consent yet, in allowed hours: one opt-in request, consent requested, an opt-in timeout, cart abandoned', () => {
    const result = last([cartUpdated({ consent: 'none' }), timerFired('abandon', { at: ABANDONED_AT, consent: 'none' })]);
    assert.equal(result.state, 'awaitingOptIn');
    assert.deepEqual(effectsOf(result, 'queue_message'), [
      { type: 'queue_message', kind: 'opt_in_request', cartId: CART, stepIndex: null },
    ]);
    assert.deepEqual(effectsOf(result, 'record_consent'), [{ type: 'record_consent', change: 'requested', source: 'checkout' }]);
    assert.deepEqual(effectsOf(result, 'schedule_timer'), [
      { type: 'schedule_timer', kind: 'opt_in_timeout', stepIndex: null, dueAt: plusSeconds(ABANDONED_AT, FLOW.optInTimeoutSeconds) },
    ]);
    assert.deepEqual(effectsOf(result, 'set_cart_status'), [
      { type: 'set_cart_status', cartId: CART, status: 'abandoned', reason: null },
    ]);
    assert.equal(result.context.abandonedAt, ABANDONED_AT.toISOString());
  });

  it('with no consent yet, at night (23:00 local): keeps watching and moves the abandon timer to 08:00 local, sends nothing', () => {
    const result = last([
      cartUpdated({ consent: 'none', at: plusSeconds(NIGHT, -900) }),
      timerFired('abandon', { at: NIGHT, consent: 'none' }),
    ]);
    assert.equal(result.state, 'watching');
    assert.deepEqual(result.effects, [{ type: 'schedule_timer', kind: 'abandon', stepIndex: null, dueAt: NEXT_MORNING }]);
    assert.equal(result.context.abandonedAt, null, 'the cart is not judged abandoned until the question can be asked');
  });

  it('the rescheduled abandon timer asks the opt-in question in the morning', () => {
    const result = last([
      cartUpdated({ consent: 'none', at: plusSeconds(NIGHT, -900) }),
      timerFired('abandon', { at: NIGHT, consent: 'none' }),
      timerFired('abandon', { at: NEXT_MORNING, consent: 'none' }),
    ]);
    assert.equal(result.state, 'awaitingOptIn');
    assert.equal(effectsOf(result, 'queue_message').length, 1);
    assert.equal(result.context.abandonedAt, NEXT_MORNING.toISOString());
  });

  it('with confirmed consent: starts sequencing with step 0 due at abandonedAt + steps[0].afterSeconds', () => {
    const result = last([cartUpdated(), timerFired('abandon', { at: ABANDONED_AT, consent: 'confirmed' })]);
    assert.equal(result.state, 'sequencing');
    assert.deepEqual(result.effects, [
      { type: 'set_cart_status', cartId: CART, status: 'abandoned', reason: null },
      { type: 'schedule_timer', kind: 'step', stepIndex: 0, dueAt: stepDue(0) },
    ]);
    assert.equal(result.context.abandonedAt, ABANDONED_AT.toISOString());
    assert.equal(result.context.nextStep, 0);
  });

  it('with confirmed consent at night: still starts sequencing (the step timer, not the abandon timer, waits for morning)', () => {
    const result = last([cartUpdated({ at: plusSeconds(NIGHT, -900) }), timerFired('abandon', { at: NIGHT, consent: 'confirmed' })]);
    assert.equal(result.state, 'sequencing');
    assert.deepEqual(effectsOf(result, 'schedule_timer'), [
      { type: 'schedule_timer', kind: 'step', stepIndex: 0, dueAt: plusSeconds(NIGHT, required(FLOW.steps[0], 'step 0').afterSeconds) },
    ]);
  });

  it('with an expired opt-in: not contacted (opt_in_unanswered), nothing asked again', () => {
    const result = last([cartUpdated({ consent: 'expired' }), timerFired('abandon', { at: ABANDONED_AT, consent: 'expired' })]);
    assert.equal(result.state, 'notContacted');
    assert.deepEqual(effectsOf(result, 'queue_message'), []);
    assert.deepEqual(effectsOf(result, 'record_consent'), []);
    assert.deepEqual(effectsOf(result, 'schedule_timer'), []);
    assert.deepEqual(effectsOf(result, 'set_cart_status'), [
      { type: 'set_cart_status', cartId: CART, status: 'abandoned', reason: null },
      { type: 'set_cart_status', cartId: CART, status: 'not_contacted', reason: 'opt_in_unanswered' },
    ]);
  });

  it('with an opt-in requested recently (for an earlier cart): waits for that answer until consentSince + timeout, no second request', () => {
    const consentSince = plusSeconds(AFTERNOON, -3_600);
    const requested = { consent: 'requested' as const, facts: { consentSince } };
    const result = last([cartUpdated(requested), timerFired('abandon', { at: ABANDONED_AT, ...requested })]);
    assert.equal(result.state, 'awaitingOptIn');
    assert.deepEqual(effectsOf(result, 'queue_message'), []);
    assert.deepEqual(effectsOf(result, 'record_consent'), []);
    assert.deepEqual(effectsOf(result, 'schedule_timer'), [
      { type: 'schedule_timer', kind: 'opt_in_timeout', stepIndex: null, dueAt: plusSeconds(consentSince, FLOW.optInTimeoutSeconds) },
    ]);
  });

  it('with an opt-in requested longer ago than the timeout: not contacted, no second request', () => {
    const consentSince = plusSeconds(ABANDONED_AT, -FLOW.optInTimeoutSeconds - 1);
    const requested = { consent: 'requested' as const, facts: { consentSince } };
    const result = last([cartUpdated(requested), timerFired('abandon', { at: ABANDONED_AT, ...requested })]);
    assert.equal(result.state, 'notContacted');
    assert.deepEqual(effectsOf(result, 'queue_message'), []);
    assert.deepEqual(effectsOf(result, 'set_cart_status').at(-1), {
      type: 'set_cart_status',
      cartId: CART,
      status: 'not_contacted',
      reason: 'opt_in_unanswered',
    });
  });

  it('a step timer that fires while watching is ignored', () => {
    const result = last([cartUpdated(), timerFired('step', { stepIndex: 0 })]);
    assert.equal(result.state, 'watching');
    assert.deepEqual(result.effects, []);
    assert.equal(result.changed, false);
  });
});

describe('conversation machine: awaiting the opt-in answer', () => {
  for (const body of ['YES', 'Yes please', 'y', 'START', 'yes!', 'Sure']) {
    it(`${JSON.stringify(body)} confirms consent and schedules step 0`, () => {
      const result = step(reach('awaitingOptIn'), smsReceived(body, { at: plusSeconds(ABANDONED_AT, 60), consent: 'requested' }));
      assert.equal(result.state, 'sequencing');
      assert.deepEqual(result.effects, [
        { type: 'record_consent', change: 'confirmed', source: 'keyword' },
        { type: 'schedule_timer', kind: 'step', stepIndex: 0, dueAt: stepDue(0) },
      ]);
    });
  }

  it('a YES after step 0 was due schedules step 0 for now, not in the past', () => {
    const late = plusSeconds(stepDue(0), 3_600);
    const result = step(reach('awaitingOptIn'), smsReceived('YES', { at: late, consent: 'requested' }));
    assert.deepEqual(effectsOf(result, 'schedule_timer'), [{ type: 'schedule_timer', kind: 'step', stepIndex: 0, dueAt: late }]);
  });

  for (const body of ['maybe later', 'ok', 'yes, but not now']) {
    it(`${JSON.stringify(body)} is not consent: hands the thread to an agent and halts the automation`, () => {
      const result = step(reach('awaitingOptIn'), smsReceived(body, { consent: 'requested' }));
      assert.equal(result.state, 'waitingForAgent');
      assert.deepEqual(result.effects, [
        { type: 'cancel_timers', reason: 'paused_for_agent' },
        { type: 'cancel_messages', reason: 'paused_for_agent' },
        { type: 'notify_agent', reason: 'shopper_replied' },
      ]);
      assert.deepEqual(effectsOf(result, 'record_consent'), []);
      assert.equal(result.context.needsAgent, true);
    });
  }

  it('the opt-in timeout expires the request and marks the cart not contacted', () => {
    const result = step(
      reach('awaitingOptIn'),
      timerFired('opt_in_timeout', { at: plusSeconds(ABANDONED_AT, FLOW.optInTimeoutSeconds), consent: 'requested' }),
    );
    assert.equal(result.state, 'optInExpired');
    assert.deepEqual(result.effects, [
      { type: 'record_consent', change: 'expired', source: 'system' },
      { type: 'set_cart_status', cartId: CART, status: 'not_contacted', reason: 'opt_in_unanswered' },
    ]);
  });

  it('the same cart updated while the question stands changes nothing', () => {
    const result = step(reach('awaitingOptIn'), cartUpdated({ at: plusSeconds(ABANDONED_AT, 60), consent: 'requested' }));
    assert.equal(result.state, 'awaitingOptIn');
    assert.deepEqual(result.effects, []);
    assert.equal(result.changed, false);
  });

  it('a step timer while awaiting the answer is ignored', () => {
    const result = step(reach('awaitingOptIn'), timerFired('step', { stepIndex: 0, consent: 'requested' }));
    assert.equal(result.state, 'awaitingOptIn');
    assert.equal(result.changed, false);
  });
});

describe('conversation machine: the reminder sequence', () => {
  it('a step timer in allowed hours queues reminder i and schedules step i+1 at abandonedAt + steps[i+1].afterSeconds', () => {
    const sequencing = required(reach('sequencing'), 'sequencing');
    const first = step(sequencing, timerFired('step', { at: stepDue(0), stepIndex: 0 }));
    assert.equal(first.state, 'sequencing');
    assert.deepEqual(first.effects, [
      { type: 'queue_message', kind: 'reminder', cartId: CART, stepIndex: 0 },
      { type: 'schedule_timer', kind: 'step', stepIndex: 1, dueAt: stepDue(1) },
    ]);
    assert.equal(first.context.nextStep, 1);

    const second = step(first.persisted, timerFired('step', { at: stepDue(1), stepIndex: 1 }));
    assert.equal(second.state, 'sequencing');
    assert.deepEqual(second.effects, [
      { type: 'queue_message', kind: 'reminder', cartId: CART, stepIndex: 1 },
      { type: 'schedule_timer', kind: 'step', stepIndex: 2, dueAt: stepDue(2) },
    ]);
    assert.equal(second.context.nextStep, 2);
  });

  it('the last step queues its reminder, schedules nothing and completes', () => {
    const results = run(
      FLOW.steps.map((s, index) => timerFired('step', { at: stepDue(index), stepIndex: index })),
      reach('sequencing'),
    );
    const final = required(results.at(-1), 'the last step');
    assert.equal(final.state, 'completed');
    assert.deepEqual(final.effects, [{ type: 'queue_message', kind: 'reminder', cartId: CART, stepIndex: FLOW.steps.length - 1 }]);
    const reminders = results.flatMap((r) => effectsOf(r, 'queue_message')).map((e) => e.stepIndex);
    assert.deepEqual(reminders, [0, 1, 2], 'each step sends exactly once, in order');
  });

  it('editing a cart whose every step has gone does not start the steps over', () => {
    const result = step(reach('completed'), cartUpdated({ at: plusSeconds(stepDue(FLOW.steps.length - 1), 60) }));
    assert.equal(result.state, 'completed');
    assert.deepEqual(result.effects, []);
  });

  it('a newer cart after a completed sequence gets a sequence of its own', () => {
    const result = step(reach('completed'), cartUpdated({ at: plusSeconds(stepDue(FLOW.steps.length - 1), 60), cartId: OTHER_CART }));
    assert.equal(result.state, 'watching');
    assert.equal(result.context.nextStep, 0);
  });

  it('a one-step flow completes on its first step', () => {
    const oneStep = flow({ steps: [{ afterSeconds: 60, template: 'only' }] });
    const result = last([
      cartUpdated({ flow: oneStep }),
      timerFired('abandon', { at: plusSeconds(AFTERNOON, oneStep.abandonAfterSeconds) }),
      timerFired('step', { at: plusSeconds(AFTERNOON, oneStep.abandonAfterSeconds + 60), stepIndex: 0 }),
    ]);
    assert.equal(result.state, 'completed');
    assert.deepEqual(effectsOf(result, 'schedule_timer'), []);
    assert.equal(effectsOf(result, 'queue_message').length, 1);
  });

  it('a step timer at night reschedules the same step for 08:00 local and sends nothing', () => {
    const result = step(reach('sequencing'), timerFired('step', { at: NIGHT, stepIndex: 0 }));
    assert.equal(result.state, 'sequencing');
    assert.deepEqual(result.effects, [{ type: 'schedule_timer', kind: 'step', stepIndex: 0, dueAt: NEXT_MORNING }]);
    assert.equal(result.context.nextStep, 0);
  });

  it('the last step at night waits for the morning instead of completing', () => {
    const atLast = last(
      FLOW.steps.slice(0, -1).map((s, index) => timerFired('step', { at: stepDue(index), stepIndex: index })),
      reach('sequencing'),
    );
    const lastIndex = FLOW.steps.length - 1;
    const result = step(atLast.persisted, timerFired('step', { at: NIGHT, stepIndex: lastIndex }));
    assert.equal(result.state, 'sequencing');
    assert.deepEqual(result.effects, [{ type: 'schedule_timer', kind: 'step', stepIndex: lastIndex, dueAt: NEXT_MORNING }]);
  });

  for (const stepIndex of [1, 2, null]) {
    it(`a step timer for step ${String(stepIndex)} when step 0 is next is ignored (stale or early timer)`, () => {
      const sequencing = required(reach('sequencing'), 'sequencing');
      const result = step(sequencing, timerFired('step', { at: stepDue(2), stepIndex }));
      assert.equal(result.state, 'sequencing');
      assert.deepEqual(result.effects, []);
      assert.equal(result.changed, false);
      assert.deepEqual(result.context, sequencing.context);
    });
  }

  it('a step timer that repeats an already sent step is ignored', () => {
    const afterFirst = last([timerFired('step', { at: stepDue(0), stepIndex: 0 })], reach('sequencing'));
    const result = step(afterFirst.persisted, timerFired('step', { at: plusSeconds(stepDue(0), 5), stepIndex: 0 }));
    assert.deepEqual(result.effects, []);
    assert.equal(result.changed, false);
  });

  it('an abandon or opt-in timer while sequencing is ignored', () => {
    for (const kind of ['abandon', 'opt_in_timeout'] as const) {
      const result = step(reach('sequencing'), timerFired(kind, { at: stepDue(0) }));
      assert.equal(result.state, 'sequencing', kind);
      assert.equal(result.changed, false, kind);
    }
  });

  it('a step timer when the ledger no longer shows confirmed consent halts and marks the cart not contacted', () => {
    const result = step(reach('sequencing'), timerFired('step', { at: stepDue(0), stepIndex: 0, consent: 'expired' }));
    assert.equal(result.state, 'notContacted');
    assert.deepEqual(result.effects, [
      { type: 'cancel_timers', reason: 'consent_missing' },
      { type: 'cancel_messages', reason: 'consent_missing' },
      { type: 'set_cart_status', cartId: CART, status: 'not_contacted', reason: 'consent_missing' },
    ]);
  });
});

describe('conversation machine: places that never share a lawful hour', () => {
  // New York and Tokyo are 13 hours apart in June: a 10:00-18:00 window is never open in both at once.
  const apart = { zones: [NY, 'Asia/Tokyo'], window: { start: 600, end: 1080 } };

  it('the opt-in request is not asked, and the cart says why, instead of waiting for a moment that never comes', () => {
    const result = step(reach('watching'), timerFired('abandon', { at: ABANDONED_AT, consent: 'none', facts: apart }));
    assert.equal(result.state, 'notContacted');
    assert.deepEqual(effectsOf(result, 'queue_message'), []);
    assert.deepEqual(effectsOf(result, 'schedule_timer'), []);
    assert.deepEqual(effectsOf(result, 'set_cart_status').at(-1), {
      type: 'set_cart_status',
      cartId: CART,
      status: 'not_contacted',
      reason: 'no_common_sending_window',
    });
  });

  it('a reminder step ends the sequence with the reason recorded, rather than leaving it with no timer', () => {
    const result = step(reach('sequencing'), timerFired('step', { at: stepDue(0), stepIndex: 0, facts: apart }));
    assert.equal(result.state, 'notContacted');
    assert.deepEqual(result.effects, [
      { type: 'cancel_timers', reason: 'no_common_sending_window' },
      { type: 'cancel_messages', reason: 'no_common_sending_window' },
      { type: 'set_cart_status', cartId: CART, status: 'not_contacted', reason: 'no_common_sending_window' },
    ]);
  });

  it('zones that do share an hour still defer to it', () => {
    const result = step(reach('sequencing'), timerFired('step', { at: stepDue(0), stepIndex: 0, facts: { ...apart, window: { start: 480, end: 1260 } } }));
    assert.equal(result.state, 'sequencing');
    assert.equal(effectsOf(result, 'schedule_timer').length, 1);
  });
});

describe('conversation machine: STOP', () => {
  const states: JourneyName[] = ['idle', 'watching', 'awaitingOptIn', 'sequencing', 'completed'];
  const variants = ['STOP', 'stop', 'Stop.', 'UNSUBSCRIBE', 'cancel', 'opt-out', 'STOP ALL', 'quit', 'End'];

  for (const name of states) {
    for (const body of variants) {
      it(`${JSON.stringify(body)} in ${name} opts out: cancels timers and messages, records revoked, queues one confirmation`, () => {
        const from = reach(name);
        const result = step(from, smsReceived(body, { consent: CONSENT_IN[name] }));
        assert.equal(result.before, name);
        assert.equal(result.state, 'optedOut');
        assert.deepEqual(result.effects, [
          { type: 'cancel_timers', reason: 'opted_out' },
          { type: 'cancel_messages', reason: 'opted_out' },
          { type: 'record_consent', change: 'revoked', source: 'keyword' },
          { type: 'queue_message', kind: 'stop_confirmation', cartId: from?.context.cartId ?? null, stepIndex: null },
        ]);
      });
    }

    it(`a STOP the provider already answered (optOutType STOP) in ${name} opts out without a second confirmation`, () => {
      const result = step(reach(name), smsReceived('STOP', { consent: CONSENT_IN[name], optOutType: 'STOP' }));
      assert.equal(result.state, 'optedOut');
      assert.deepEqual(result.effects, [
        { type: 'cancel_timers', reason: 'opted_out' },
        { type: 'cancel_messages', reason: 'opted_out' },
        { type: 'record_consent', change: 'revoked', source: 'keyword' },
      ]);
    });
  }

  for (const body of ["I can't stop thinking about it", 'does it ship to Canada?', 'can you send the link again']) {
    it(`${JSON.stringify(body)} is no opt-out: it goes to an agent, nothing is revoked`, () => {
      const result = step(reach('sequencing'), smsReceived(body));
      assert.equal(result.state, 'waitingForAgent');
      assert.deepEqual(effectsOf(result, 'record_consent'), []);
    });
  }

  for (const body of ['please stop texting me tomorrow', 'stopp', 'remove me from this list 🙄', 'no me envíen más mensajes', 'wrong number']) {
    it(`${JSON.stringify(body)} revokes consent in the shopper's own words, with one confirmation`, () => {
      const result = step(reach('sequencing'), smsReceived(body));
      assert.equal(result.state, 'optedOut');
      assert.deepEqual(effectsOf(result, 'record_consent'), [{ type: 'record_consent', change: 'revoked', source: 'free_text' }]);
      assert.equal(effectsOf(result, 'queue_message').filter((e) => e.kind === 'stop_confirmation').length, 1);
    });
  }

  it('after a STOP, a later step timer does nothing', () => {
    const optedOut = last([smsReceived('STOP')], reach('sequencing'));
    const result = step(optedOut.persisted, timerFired('step', { at: stepDue(0), stepIndex: 0, consent: 'revoked' }));
    assert.equal(result.state, 'optedOut');
    assert.deepEqual(result.effects, []);
  });
});

describe('conversation machine: HELP and START', () => {
  for (const name of ['sequencing', 'awaitingOptIn', 'watching', 'idle'] as const) {
    it(`HELP in ${name} queues the help text and leaves the state alone`, () => {
      const from = reach(name);
      const result = step(from, smsReceived('help', { consent: CONSENT_IN[name] }));
      assert.equal(result.state, name);
      assert.deepEqual(result.effects, [{ type: 'queue_message', kind: 'help', cartId: from?.context.cartId ?? null, stepIndex: null }]);
      assert.equal(result.context.needsAgent, false);
    });
  }

  it('INFO is a HELP keyword too', () => {
    const result = step(reach('sequencing'), smsReceived('info'));
    assert.deepEqual(effectTypes(result), ['queue_message']);
    assert.equal(effectsOf(result, 'queue_message')[0]?.kind, 'help');
  });

  it('a HELP the provider already answered (optOutType HELP) queues nothing and changes nothing', () => {
    const result = step(reach('sequencing'), smsReceived('HELP', { optOutType: 'HELP' }));
    assert.equal(result.state, 'sequencing');
    assert.deepEqual(result.effects, []);
    assert.equal(result.changed, false);
  });

  it('START while opted out resubscribes: back to idle, resubscribed recorded, one start confirmation', () => {
    const optedOut = last([smsReceived('STOP')], reach('sequencing'));
    const result = step(optedOut.persisted, smsReceived('START', { consent: 'revoked' }));
    assert.equal(result.before, 'optedOut');
    assert.equal(result.state, 'idle');
    assert.deepEqual(result.effects, [
      { type: 'record_consent', change: 'resubscribed', source: 'keyword' },
      { type: 'queue_message', kind: 'start_confirmation', cartId: CART, stepIndex: null },
    ]);
  });

  it('UNSTOP the provider already answered (optOutType START) resubscribes without our confirmation', () => {
    const optedOut = last([smsReceived('STOP')], reach('sequencing'));
    const result = step(optedOut.persisted, smsReceived('unstop', { consent: 'revoked', optOutType: 'START' }));
    assert.equal(result.state, 'idle');
    assert.deepEqual(result.effects, [{ type: 'record_consent', change: 'resubscribed', source: 'keyword' }]);
  });

  it('after resubscribing, a new cart starts a new sequence', () => {
    const resubscribed = last([smsReceived('STOP'), smsReceived('START', { consent: 'revoked' })], reach('sequencing'));
    const result = step(resubscribed.persisted, cartUpdated({ cartId: OTHER_CART, at: plusSeconds(AFTERNOON, 7_200) }));
    assert.equal(result.state, 'watching');
    assert.equal(result.context.cartId, OTHER_CART);
    assert.equal(result.context.nextStep, 0);
  });
});

describe('conversation machine: a person talking', () => {
  it('other text while sequencing pauses for an agent: halt paused_for_agent, notify, needsAgent', () => {
    const result = step(reach('sequencing'), smsReceived('Is the blue one still in stock?'));
    assert.equal(result.state, 'waitingForAgent');
    assert.deepEqual(result.effects, [
      { type: 'cancel_timers', reason: 'paused_for_agent' },
      { type: 'cancel_messages', reason: 'paused_for_agent' },
      { type: 'notify_agent', reason: 'shopper_replied' },
    ]);
    assert.equal(result.context.needsAgent, true);
  });

  it('a step timer after the agent took over does nothing', () => {
    const paused = last([smsReceived('question?')], reach('sequencing'));
    const result = step(paused.persisted, timerFired('step', { at: stepDue(0), stepIndex: 0 }));
    assert.equal(result.state, 'waitingForAgent');
    assert.deepEqual(result.effects, []);
  });

  it('the shopper editing the same cart while a person has the thread leaves the automation paused', () => {
    const paused = last([smsReceived('question?')], reach('sequencing'));
    const result = step(paused.persisted, cartUpdated({ at: plusSeconds(stepDue(0), 60) }));
    assert.equal(result.state, 'waitingForAgent');
    assert.deepEqual(result.effects, [], 'no abandon clock restarted, no reminder scheduled');
    assert.equal(result.context.needsAgent, true);
  });

  it('a newer cart while a person has the thread starts its own sequence and supersedes the paused one', () => {
    const paused = last([smsReceived('question?')], reach('sequencing'));
    const result = step(paused.persisted, cartUpdated({ at: plusSeconds(stepDue(0), 60), cartId: OTHER_CART }));
    assert.equal(result.state, 'watching');
    assert.equal(result.context.cartId, OTHER_CART);
    assert.deepEqual(effectsOf(result, 'set_cart_status')[0], { type: 'set_cart_status', cartId: CART, status: 'superseded', reason: 'newer_cart' });
  });

  it('other text while opted out reaches an agent but stays opted out and halts nothing', () => {
    const optedOut = last([smsReceived('STOP')], reach('sequencing'));
    const result = step(optedOut.persisted, smsReceived('why did I get these?', { consent: 'revoked' }));
    assert.equal(result.state, 'optedOut');
    assert.deepEqual(result.effects, [{ type: 'notify_agent', reason: 'shopper_replied' }]);
    assert.equal(result.context.needsAgent, true);
  });
});

describe('conversation machine: orders and the provider', () => {
  for (const name of ['watching', 'awaitingOptIn', 'sequencing', 'completed'] as const) {
    it(`an order for the current cart in ${name} recovers it and halts with order_placed`, () => {
      const result = step(reach(name), orderPlaced({ consent: CONSENT_IN[name] }));
      assert.equal(result.state, 'recovered');
      assert.deepEqual(result.effects, [
        { type: 'cancel_timers', reason: 'order_placed' },
        { type: 'cancel_messages', reason: 'order_placed' },
      ]);
    });
  }

  it('an order for another cart is ignored', () => {
    const sequencing = required(reach('sequencing'), 'sequencing');
    const result = step(sequencing, orderPlaced({ cartId: OTHER_CART }));
    assert.equal(result.state, 'sequencing');
    assert.deepEqual(result.effects, []);
    assert.equal(result.changed, false);
    assert.deepEqual(result.persisted, sequencing);
  });

  it('an order on a conversation that never had a cart is ignored', () => {
    const result = step(null, orderPlaced());
    assert.equal(result.state, 'idle');
    assert.equal(result.changed, false);
  });

  it('a provider opt-out (e.g. error 21610) opts out with source provider and sends no confirmation', () => {
    const result = step(reach('sequencing'), providerOptedOut());
    assert.equal(result.state, 'optedOut');
    assert.deepEqual(result.effects, [
      { type: 'cancel_timers', reason: 'opted_out' },
      { type: 'cancel_messages', reason: 'opted_out' },
      { type: 'record_consent', change: 'revoked', source: 'provider' },
    ]);
  });

  it('a cart arriving after an opt-out stays opted out, supersedes the old cart, and contacts no one', () => {
    const optedOut = last([smsReceived('STOP')], reach('sequencing'));
    const result = step(optedOut.persisted, cartUpdated({ cartId: OTHER_CART, consent: 'revoked', at: plusSeconds(AFTERNOON, 7_200) }));
    assert.equal(result.state, 'optedOut');
    assert.deepEqual(effectsOf(result, 'queue_message'), []);
    assert.deepEqual(effectsOf(result, 'schedule_timer'), []);
    assert.deepEqual(effectsOf(result, 'set_cart_status').at(-1), {
      type: 'set_cart_status',
      cartId: OTHER_CART,
      status: 'not_contacted',
      reason: 'opted_out',
    });
  });
});

describe('conversation machine: persistence', () => {
  const journeys: JourneyName[] = ['watching', 'awaitingOptIn', 'sequencing', 'completed'];
  for (const name of journeys) {
    it(`the ${name} snapshot survives JSON and the next event behaves the same`, () => {
      const persisted = required(reach(name), name);
      const stored = JSON.parse(JSON.stringify(persisted)) as PersistedConversation;
      assert.deepEqual(stored, persisted, 'the snapshot is plain data');
      const consent: ConsentStatus = CONSENT_IN[name];
      const nextEvents = [
        timerFired('step', { at: stepDue(0), stepIndex: 0, consent }),
        smsReceived('STOP', { consent }),
        smsReceived('YES', { consent }),
        orderPlaced({ consent }),
      ];
      for (const event of nextEvents) {
        const fromMemory = step(persisted, event);
        const fromStore = step(stored, event);
        assert.equal(fromStore.state, fromMemory.state, event.type);
        assert.deepEqual(fromStore.effects, fromMemory.effects, event.type);
        assert.deepEqual(fromStore.context, fromMemory.context, event.type);
      }
    });
  }

  it('a JSON round trip between every event of a whole journey gives the same effects as staying in memory', () => {
    const events = [
      cartUpdated({ consent: 'none' }),
      timerFired('abandon', { at: ABANDONED_AT, consent: 'none' }),
      smsReceived('yes', { at: plusSeconds(ABANDONED_AT, 60), consent: 'requested' }),
      ...FLOW.steps.map((s, index) => timerFired('step', { at: stepDue(index), stepIndex: index })),
    ];
    const inMemory = run(events);
    let stored: PersistedConversation | null = null;
    const effects: Effect[][] = [];
    for (const event of events) {
      const result = step(stored, event);
      effects.push(result.effects);
      stored = JSON.parse(JSON.stringify(result.persisted)) as PersistedConversation;
    }
    assert.deepEqual(effects, inMemory.map((r) => r.effects));
    assert.equal(stored?.value, 'completed');
    assert.equal(inMemory.at(-1)?.state, 'completed');
  });

  it('step is pure: the same persisted snapshot and event give the same result and the input is not mutated', () => {
    const persisted = required(reach('sequencing'), 'sequencing');
    const copy = structuredClone(persisted);
    const event = timerFired('step', { at: stepDue(0), stepIndex: 0 });
    const a = step(persisted, event);
    const b = step(persisted, event);
    assert.deepEqual(a, b);
    assert.deepEqual(persisted, copy);
  });
});

describe('conversation machine: keywords that must not end the automation', () => {
  for (const name of ['watching', 'sequencing'] as const) {
    it(`START while ${name} (never opted out) keeps the running timer's work`, () => {
      const afterStart = step(reach(name), smsReceived('START', { consent: 'confirmed' }));
      assert.equal(afterStart.state, name);
      const due =
        name === 'watching' ? timerFired('abandon', { at: ABANDONED_AT }) : timerFired('step', { at: stepDue(0), stepIndex: 0 });
      assert.notDeepEqual(step(afterStart.persisted, due).effects, [], 'the pending timer must still do its work');
    });
  }

  it('a YES to an opt-in request that a newer cart superseded still confirms consent', () => {
    const watchingNew = step(
      reach('awaitingOptIn'),
      cartUpdated({ cartId: OTHER_CART, consent: 'requested', at: plusSeconds(ABANDONED_AT, 300) }),
    );
    assert.equal(watchingNew.state, 'watching');
    const result = step(watchingNew.persisted, smsReceived('YES', { consent: 'requested', at: plusSeconds(ABANDONED_AT, 360) }));
    assert.deepEqual(effectsOf(result, 'record_consent'), [{ type: 'record_consent', change: 'confirmed', source: 'keyword' }]);
    assert.equal(effectsOf(result, 'cancel_timers').length, 0, "the new cart's abandon timer stays");
  });
});

describe('conversation machine: a cart moves to another phone', () => {
  const detached = (cartId: string): ConversationEvent => {
    const order = orderPlaced({ cartId });
    return { type: 'cart.detached', at: order.at, facts: order.facts, cartId };
  };

  it('the old thread stops everything about the cart and rests', () => {
    const result = step(reach('sequencing'), detached(CART));
    assert.equal(result.state, 'idle');
    assert.deepEqual(effectTypes(result), ['cancel_timers', 'cancel_messages']);
    assert.equal(effectsOf(result, 'cancel_messages')[0]?.reason, 'cart_detached');
    assert.equal(result.context.cartId, null);
  });

  it('a detach of a cart the thread no longer follows changes nothing', () => {
    const result = step(reach('sequencing'), detached(OTHER_CART));
    assert.equal(result.changed, false);
    assert.equal(result.state, 'sequencing');
  });
});
