import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsentStatus } from '../../src/compliance/consent.js';
import { FEDERAL_WINDOW, type SendingWindow } from '../../src/compliance/quiet-hours.js';
import { sendGate, type GateVerdict } from '../../src/conversations/send-gate.js';
import type { MessageDirection, MessageKind, MessageStatus } from '../../src/db/models/message.js';

const NY = 'America/New_York';
const TOKYO = 'Asia/Tokyo';
/** 14:00 in New York (EDT). */
const AFTERNOON = new Date('2025-06-10T18:00:00.000Z');
/** 23:00 in New York. */
const NIGHT = new Date('2025-06-11T03:00:00.000Z');
/** 08:00 in New York, the next lawful moment after NIGHT. */
const NEXT_MORNING = new Date('2025-06-11T12:00:00.000Z');
/** 06:30 in New York. */
const EARLY_MORNING = new Date('2025-06-11T10:30:00.000Z');

const CART = 'cart-1';

interface Case {
  name: string;
  kind?: MessageKind;
  status?: MessageStatus;
  direction?: MessageDirection;
  cartId?: string | null;
  state?: string;
  currentCartId?: string | null;
  consent?: ConsentStatus;
  zones?: string[];
  window?: SendingWindow;
  at?: Date;
  expected: GateVerdict;
}

/** Defaults: a pending reminder of the running sequence, confirmed consent, 14:00 local. */
function decide(c: Case): GateVerdict {
  return sendGate({
    message: {
      kind: c.kind ?? 'reminder',
      status: c.status ?? 'pending',
      direction: c.direction ?? 'outbound',
      cartId: c.cartId === undefined ? CART : c.cartId,
    },
    conversation: { state: c.state ?? 'sequencing', currentCartId: c.currentCartId === undefined ? CART : c.currentCartId },
    consent: c.consent ?? 'confirmed',
    zones: c.zones ?? [NY],
    window: c.window ?? FEDERAL_WINDOW,
    at: c.at ?? AFTERNOON,
  });
}

const SEND: GateVerdict = { verdict: 'send' };

const cases: Case[] = [
  // What goes.
  { name: 'a reminder of the running sequence, with consent, at 14:00 local, goes', expected: SEND },
  { name: 'the last reminder (conversation already completed) goes', state: 'completed', expected: SEND },
  { name: 'a deferred reminder goes once the morning comes', status: 'deferred', at: NEXT_MORNING, expected: SEND },
  { name: 'an opt-in request goes while consent is requested', kind: 'opt_in_request', consent: 'requested', state: 'awaitingOptIn', expected: SEND },

  // Suppression: a STOP wins over everything but its own confirmation.
  { name: 'a STOP confirmation goes even though consent is now revoked', kind: 'stop_confirmation', consent: 'revoked', state: 'optedOut', expected: SEND },
  { name: 'a STOP confirmation goes at night', kind: 'stop_confirmation', consent: 'revoked', state: 'optedOut', at: NIGHT, expected: SEND },
  { name: 'a reminder is refused once the shopper opted out', consent: 'revoked', expected: { verdict: 'refuse', rule: 'opted_out' } },
  { name: 'a reminder queued before a STOP is refused even if the state has not caught up', consent: 'revoked', state: 'sequencing', expected: { verdict: 'refuse', rule: 'opted_out' } },
  { name: 'an opt-in request is refused once the shopper opted out', kind: 'opt_in_request', consent: 'revoked', expected: { verdict: 'refuse', rule: 'opted_out' } },
  { name: 'a reminder to an opted-out shopper is refused at night too (refused, not deferred)', consent: 'revoked', at: NIGHT, expected: { verdict: 'refuse', rule: 'opted_out' } },

  // Consent.
  ...(['none', 'requested', 'expired'] as const).map(
    (consent): Case => ({ name: `a reminder is refused when consent is ${consent}`, consent, expected: { verdict: 'refuse', rule: 'consent_not_confirmed' } }),
  ),
  ...(['none', 'confirmed', 'expired'] as const).map(
    (consent): Case => ({
      name: `an opt-in request is refused when consent is ${consent}`,
      kind: 'opt_in_request',
      consent,
      state: 'awaitingOptIn',
      expected: { verdict: 'refuse', rule: 'opt_in_not_requested' },
    }),
  ),

  // The sequence must still be running, for this cart.
  ...['watching', 'awaitingOptIn', 'waitingForAgent', 'recovered', 'optedOut', 'notContacted', 'idle', 'optInExpired'].map(
    (state): Case => ({ name: `a reminder is refused when the conversation is ${state}`, state, expected: { verdict: 'refuse', rule: 'sequence_not_running' } }),
  ),
  { name: 'a reminder for a superseded cart is refused', currentCartId: 'cart-2', expected: { verdict: 'refuse', rule: 'cart_superseded' } },
  { name: 'a reminder for a superseded cart is refused even when the new sequence is running', currentCartId: 'cart-2', state: 'completed', expected: { verdict: 'refuse', rule: 'cart_superseded' } },

  // Quiet hours.
  { name: 'a reminder at 23:00 local is deferred to 08:00 local', at: NIGHT, expected: { verdict: 'defer', until: NEXT_MORNING, rule: 'quiet_hours' } },
  { name: 'a reminder at 06:30 local is deferred to 08:00 the same morning', at: EARLY_MORNING, expected: { verdict: 'defer', until: NEXT_MORNING, rule: 'quiet_hours' } },
  { name: 'an opt-in request at night is deferred to 08:00 local', kind: 'opt_in_request', consent: 'requested', at: NIGHT, expected: { verdict: 'defer', until: NEXT_MORNING, rule: 'quiet_hours' } },
  { name: 'a still-deferred reminder at night is deferred again', status: 'deferred', at: NIGHT, expected: { verdict: 'defer', until: NEXT_MORNING, rule: 'quiet_hours' } },
  {
    name: 'a reminder is refused when the shopper’s possible zones share no 09:00–17:00 window (New York and Tokyo)',
    zones: [NY, TOKYO],
    window: { start: 540, end: 1020 },
    expected: { verdict: 'refuse', rule: 'no_common_sending_window' },
  },
  {
    name: 'a reminder is deferred while one of the shopper’s possible zones is quiet (14:00 New York is 03:00 Tokyo)',
    zones: [NY, TOKYO],
    expected: { verdict: 'defer', until: new Date('2025-06-10T23:00:00.000Z'), rule: 'quiet_hours' },
  },
  {
    name: 'a merchant window narrower than federal defers a 08:30 reminder to 09:00',
    at: new Date('2025-06-11T12:30:00.000Z'),
    window: { start: 540, end: 1200 },
    expected: { verdict: 'defer', until: new Date('2025-06-11T13:00:00.000Z'), rule: 'quiet_hours' },
  },

  // Answers to a keyword go at once, night or day.
  { name: 'a HELP answer goes at night', kind: 'help', at: NIGHT, state: 'sequencing', expected: SEND },
  { name: 'a HELP answer goes without marketing consent', kind: 'help', consent: 'none', state: 'idle', expected: SEND },
  { name: 'a HELP answer goes to an opted-out shopper', kind: 'help', consent: 'revoked', state: 'optedOut', expected: SEND },
  { name: 'a START confirmation goes at night', kind: 'start_confirmation', at: NIGHT, state: 'idle', expected: SEND },

  // Nothing to decide.
  ...(['sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'refused', 'unknown'] as const).map(
    (status): Case => ({ name: `a message already ${status} is skipped, never sent again`, status, expected: { verdict: 'skip', reason: `already_${status}` } }),
  ),
  { name: 'an already-sent STOP confirmation is skipped', kind: 'stop_confirmation', status: 'sent', consent: 'revoked', expected: { verdict: 'skip', reason: 'already_sent' } },
  { name: 'an inbound message is skipped', direction: 'inbound', status: 'received', kind: 'reply', expected: { verdict: 'skip', reason: 'not_outbound' } },
  { name: 'an inbound message is skipped even when pending', direction: 'inbound', expected: { verdict: 'skip', reason: 'not_outbound' } },
];

describe('send gate', () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(decide(c), c.expected));
  }
});
