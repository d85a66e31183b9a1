/**
 * Properties of decideSend over random recipients and instants in 2026,
 * checked against an oracle written independently of the implementation:
 * it reads each place's wall clock with its own Intl formatter and applies
 * the rule table's data directly, minute by minute.
 *
 * - never `send` at a moment some candidate's rules forbid;
 * - a `defer` until-time is allowed for every candidate, lies within the
 *   horizon, and is the earliest such minute (the minute before is not);
 * - re-deciding at the until-time sends;
 * - a `refuse` for want of a window really has none (sampled every 15 min).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getTimezone } from 'countries-and-timezones';
import type { Address } from '../../src/domain/cart-event.js';
import { NANP_AREA_CODES } from '../../src/compliance/nanp-area-codes.js';
import { FEDERAL_WINDOW, type SendingWindow } from '../../src/compliance/quiet-hours.js';
import { US_STATE_ZONES } from '../../src/compliance/region-zones.js';
import { FEDERAL_RULE, STATE_RULES } from '../../src/compliance/rules/rule-table.js';
import { inside, local, ruleAllows } from '../support/rule-oracle.js';
import { candidatesFor, decideSend, DEFER_HORIZON_DAYS, type Candidate, type SendDecisionInput } from '../../src/compliance/send-decision.js';

const MINUTE = 60_000;
const HORIZON = DEFER_HORIZON_DAYS * 1440 * MINUTE;
const US_TERRITORIES = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM']);

// ---- the oracle ----

function countryOf(candidate: Candidate): string | null {
  if (candidate.country) return candidate.country.toUpperCase();
  if (candidate.region && Object.hasOwn(US_STATE_ZONES, candidate.region)) return 'US';
  return getTimezone(candidate.zone)?.countries[0] ?? null;
}

function candidateAllows(candidate: Candidate, input: SendDecisionInput, ms: number): boolean {
  const country = countryOf(candidate);
  const here = local(ms, candidate.zone);
  if (input.merchantWindow && !inside(here.minute, input.merchantWindow)) return false;
  if (country === null || US_TERRITORIES.has(country)) {
    if (!ruleAllows(FEDERAL_RULE, candidate.zone, ms)) return false;
    const state = country === 'US' || country === null ? candidate.region && STATE_RULES[candidate.region] : undefined;
    return state ? ruleAllows(state, candidate.zone, ms) : true;
  }
  return inside(here.minute, input.countryWindows?.[country] ?? FEDERAL_WINDOW);
}

const allowedEverywhere = (input: SendDecisionInput, ms: number): boolean => input.candidates.every((c) => candidateAllows(c, input, ms));

// ---- generators ----

const areaCodes = [...NANP_AREA_CODES.keys()];
const INTERNATIONAL = ['+442079460000', '+33142685300', '+4930901820', '+61292746000', '+81335812111', '+5511912345678', '+919876543210', '+6421345678'];
const US_STATES = Object.keys(US_STATE_ZONES);
const CA_PROVINCES = ['ON', 'QC', 'BC', 'AB', 'NS', 'NL', 'SK', 'YT'];

const phone = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...areaCodes).map((code) => `+1${code}5550123`) },
  { weight: 1, arbitrary: fc.constantFrom(...INTERNATIONAL) },
);
const address: fc.Arbitrary<Address> = fc.oneof(
  fc.record({ countryCode: fc.constant('US'), provinceCode: fc.constantFrom(...US_STATES), zip: fc.constant(null) }),
  fc.record({ countryCode: fc.constant(null), provinceCode: fc.constantFrom('FL', 'TX', 'LA', 'MS', 'AL', 'CT', 'WA', 'MD', 'OK'), zip: fc.constant(null) }),
  fc.record({ countryCode: fc.constant('CA'), provinceCode: fc.constantFrom(...CA_PROVINCES), zip: fc.constant(null) }),
  fc.record({ countryCode: fc.constantFrom('GB', 'MX', 'DE'), provinceCode: fc.constant(null), zip: fc.constant(null) }),
);
const window: fc.Arbitrary<SendingWindow> = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 1, max: 24 }))
  .map(([a, b]) => ({ start: Math.min(a, b) * 60, end: Math.max(a + 1, b) * 60 }));
const at2026 = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) - 1 }).map((ms) => new Date(ms));

const scenario = fc
  .record({
    phone,
    addresses: fc.array(address, { maxLength: 2 }),
    provider: fc.option(fc.constantFrom(...US_STATES), { nil: null }),
    merchantZone: fc.constantFrom('America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Europe/London'),
    at: at2026,
    merchantWindow: fc.option(window, { freq: 4, nil: null }),
    countryWindows: fc.option(fc.record({ GB: window, CA: window }), { freq: 3, nil: undefined }),
  })
  .map((s): SendDecisionInput => {
    const candidates = candidatesFor({
      phone: s.phone,
      addresses: s.addresses,
      providerRegion: s.provider ? { country: 'US', state: s.provider } : null,
      merchantZone: s.merchantZone,
    });
    const decision: SendDecisionInput = { at: s.at, kind: 'marketing', candidates, merchantWindow: s.merchantWindow, recentMarketing: [], profile: 'standard' };
    return s.countryWindows ? { ...decision, countryWindows: s.countryWindows } : decision;
  });

// Instants near the 2026 clock changes (US, EU, and the nights leading into them), state holidays and Sundays.
const edgeInstants = fc.oneof(
  fc
    .tuple(fc.constantFrom('2026-03-08', '2026-11-01', '2026-03-29', '2026-10-25'), fc.integer({ min: -10 * 60, max: 12 * 60 }))
    .map(([day, minutes]) => new Date(Date.parse(`${day}T06:00:00Z`) + minutes * MINUTE)),
  fc
    .tuple(fc.constantFrom('2026-11-26', '2026-12-25', '2026-07-03', '2026-02-17', '2026-04-03', '2026-06-07'), fc.integer({ min: -36 * 60, max: 36 * 60 }))
    .map(([day, minutes]) => new Date(Date.parse(`${day}T12:00:00Z`) + minutes * MINUTE)),
);

function check(input: SendDecisionInput): void {
  const decision = decideSend(input);
  const at = input.at.getTime();
  const where = `${input.at.toISOString()} ${JSON.stringify(input.candidates)} merchant=${JSON.stringify(input.merchantWindow)} countries=${JSON.stringify(input.countryWindows)}`;
  if (decision.verdict === 'send') {
    assert.ok(allowedEverywhere(input, at), `sent at a forbidden moment: ${where}`);
    return;
  }
  assert.ok(!allowedEverywhere(input, at), `held at an allowed moment: ${where}`);
  if (decision.verdict === 'defer') {
    const until = decision.until?.getTime();
    assert.ok(until !== undefined && until > at && until <= at + HORIZON, `until out of range: ${where}`);
    assert.ok(allowedEverywhere(input, until), `until ${decision.until?.toISOString()} is forbidden: ${where}`);
    if (until - MINUTE >= at) assert.ok(!allowedEverywhere(input, until - MINUTE), `until is not the earliest minute: ${where}`);
    assert.equal(decideSend({ ...input, at: new Date(until) }).verdict, 'send', `re-deciding at until does not send: ${where}`);
    return;
  }
  assert.ok(decision.rules.some((rule) => rule.id === 'no-common-window'), `refused without a reason: ${where}`);
  for (let t = Math.ceil(at / (15 * MINUTE)) * 15 * MINUTE; t <= at + HORIZON; t += 15 * MINUTE) {
    assert.ok(!allowedEverywhere(input, t), `refused, yet ${new Date(t).toISOString()} is allowed: ${where}`);
  }
}

describe('decideSend properties', () => {
  it('over random recipients and instants in 2026', () => {
    fc.assert(fc.property(scenario, check), { numRuns: 400 });
  });

  it('around clock changes, holidays and Sundays', () => {
    fc.assert(
      fc.property(scenario, edgeInstants, (input, at) => check({ ...input, at })),
      { numRuns: 400 },
    );
  });
});
