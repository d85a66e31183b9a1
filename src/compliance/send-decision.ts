/**
 * Whether a text may go now: send, defer (until when), or refuse — and every
 * rule that shaped the answer, with its citation and the reason it applied,
 * so that support staff can answer "why did this text go at 9:14?".
 *
 * Pure: the caller supplies the time, the places the recipient may be, the
 * merchant's settings and the recent marketing history. A marketing text
 * goes only when every rule allows it in every place the recipient may be;
 * otherwise it waits for the earliest moment allowed under all of them,
 * searched up to DEFER_HORIZON_DAYS ahead. A capped message is refused, not
 * queued.
 */
import { getTimezone } from 'countries-and-timezones';
import type { Address } from '../domain/cart-event.js';
import { isE164, phoneCountry } from '../domain/phone.js';
import { NANP_AREA_CODES } from './nanp-area-codes.js';
import { InvalidInstantError, NoRecipientZoneError, type SendingWindow } from './quiet-hours.js';
import { capsFor, constraintsFor, type AppliedCap, type AppliedConstraint, type Candidate } from './rules/applicable.js';
import { POLICY, RULESET_VERSION } from './rules/rule-table.js';
import { checkAt, clock, nextOpening, WEEKDAY_NAMES, type Constraint, type LocalCheck } from './rules/schedule.js';
import { zonesForAddress, zonesForPhone } from './time-zones.js';
import { assertZone } from './zone-clock.js';

export type { Candidate, CandidateSource } from './rules/applicable.js';

export interface DecisionRule {
  id: string;
  citation: string;
  reason: string;
}

export interface SendDecision {
  verdict: 'send' | 'defer' | 'refuse';
  /** For `defer`: the earliest moment allowed under every rule in every candidate place. */
  until?: Date;
  /** Every rule that shaped the decision; for `defer` and `refuse` the ones that held it come first. */
  rules: DecisionRule[];
  /** The rule table the decision was made under. */
  rulesetVersion?: string;
}

export interface SendDecisionInput {
  at: Date;
  kind: 'marketing' | 'transactional';
  candidates: Candidate[];
  merchantWindow: SendingWindow | null;
  /** Per-country windows for recipients outside the US (ISO alpha-2 → window). */
  countryWindows?: Record<string, SendingWindow>;
  /** Times of marketing texts sent to this phone by this merchant (any cart). */
  recentMarketing: Date[];
  profile: 'standard' | 'strict';
  /** Marketing texts already sent for the cart this message belongs to. */
  cartMessagesSent?: number;
}

export const DEFER_HORIZON_DAYS = 14;

const MS_PER_HOUR = 3_600_000;
const HORIZON_MS = DEFER_HORIZON_DAYS * 24 * MS_PER_HOUR;

export function decideSend(input: SendDecisionInput): SendDecision {
  const at = instant(input.at);
  if (input.kind === 'transactional') {
    return decision('send', [{ ...POLICY.transactional, reason: "a reply to the recipient's own STOP/HELP message: sent at once, outside quiet hours and caps" }]);
  }
  if (!Array.isArray(input.candidates) || input.candidates.length === 0) throw new NoRecipientZoneError();
  for (const candidate of input.candidates) assertZone(candidate.zone);

  const applied = uniqueConstraints(input.candidates.flatMap((candidate) => constraintsFor(candidate, input.merchantWindow, input.countryWindows)));
  const caps = uniqueCaps([{ ...POLICY.defaultCap }, ...input.candidates.flatMap(capsFor)]);
  const capChecks = caps.map((cap) => checkCap(cap, input.recentMarketing, at));

  // Refusals first: a message that may never go must not wait for a window.
  const refusals: DecisionRule[] = [];
  const sentForCart = input.cartMessagesSent ?? 0;
  if (input.profile === 'strict' && sentForCart >= 1) {
    refusals.push({ ...POLICY.strictProfile, reason: `${sentForCart} marketing text(s) already sent for this cart; the strict profile allows one` });
  }
  for (const check of capChecks) if (check.reached) refusals.push(check.rule);
  if (refusals.length > 0) return decision('refuse', refusals);

  const checks = applied.map((rule) => ({ rule, check: checkAt(rule.constraint, at) }));
  const blocking = checks.filter(({ check }) => !check.allowed);
  const capRules = capChecks.map((check) => check.rule);
  if (blocking.length === 0) return decision('send', [...explain(checks), ...capRules]);

  const until = earliestCommon(
    applied.map((rule) => rule.constraint),
    at,
    at + HORIZON_MS,
  );
  const held = explain(blocking);
  const heldIds = new Set(held.map((rule) => rule.id));
  const others = explain(checks.filter(({ rule }) => !heldIds.has(rule.ruleId)));
  if (until === null) {
    const noWindow = {
      ...POLICY.noCommonWindow,
      reason: `no moment in the next ${DEFER_HORIZON_DAYS} days is allowed under every rule in every place the recipient may be (${describePlaces(input.candidates)})`,
    };
    return decision('refuse', [...held, noWindow, ...others, ...capRules]);
  }
  return { ...decision('defer', [...held, ...others, ...capRules]), until: new Date(until) };
}

function decision(verdict: SendDecision['verdict'], rules: DecisionRule[]): SendDecision {
  return { verdict, rules, rulesetVersion: RULESET_VERSION };
}

/**
 * The earliest instant ≥ `from` allowed by every constraint, or null before
 * `limit`. No instant before the latest of the constraints' next openings
 * can suit them all, so jumping there never skips the answer.
 */
function earliestCommon(constraints: readonly Constraint[], from: number, limit: number): number | null {
  let t = from;
  for (let round = 0; round < 10_000 && t <= limit; round += 1) {
    let latest = t;
    for (const constraint of constraints) {
      const next = nextOpening(constraint, t, limit);
      if (next === null) return null;
      latest = Math.max(latest, next);
    }
    if (latest === t) return t;
    t = latest;
  }
  return null;
}

function checkCap(applied: AppliedCap, recent: readonly Date[], at: number): { reached: boolean; rule: DecisionRule } {
  const { max, hours, scope } = applied.cap;
  const since = at - hours * MS_PER_HOUR;
  const times = recent.map((date) => (date instanceof Date ? date.getTime() : Number.NaN)).filter((ms) => ms > since && ms <= at);
  const reached = times.length >= max;
  const counted = scope === 'same_subject' ? 'marketing texts (all counted as one subject)' : 'marketing texts';
  const latest = times.length > 0 ? `; latest ${new Date(Math.max(...times)).toISOString()}` : '';
  const reason = reached
    ? `${times.length} ${counted} to this phone in the last ${hours} h (limit ${max}${latest})`
    : `${times.length} of at most ${max} ${counted} in the last ${hours} h`;
  return { reached, rule: { id: applied.id, citation: applied.citation, reason } };
}

type Checked = { rule: AppliedConstraint; check: LocalCheck };

/** One entry per rule id, in first-seen order, with the reason from each place it was checked. */
function explain(checks: readonly Checked[]): DecisionRule[] {
  const byId = new Map<string, { citation: string; reasons: string[] }>();
  for (const { rule, check } of checks) {
    const entry = byId.get(rule.ruleId) ?? { citation: rule.citation, reasons: [] };
    const reason = describeCheck(rule, check);
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    byId.set(rule.ruleId, entry);
  }
  return [...byId].map(([id, { citation, reasons }]) => ({ id, citation, reason: reasons.join('; ') }));
}

function describeCheck(rule: AppliedConstraint, check: LocalCheck): string {
  const { date, weekday, minute } = check.local;
  const where = `${WEEKDAY_NAMES[weekday]} ${date} ${clock(minute)} ${rule.clockLabel} (${describeSource(rule.candidate)})`;
  const unverified = rule.verified ? '' : ' [rule text unverified]';
  if (check.allowed) return `allows: ${where} is inside ${rule.schedule}${unverified}`;
  const because = check.because;
  switch (because.kind) {
    case 'sunday':
      return `blocks: ${where} is a Sunday; no marketing texts on Sundays${unverified}`;
    case 'holiday':
      return `blocks: ${where} is ${because.name}, a listed holiday${unverified}`;
    case 'no_window':
      return `blocks: ${where}: no sending on ${WEEKDAY_NAMES[weekday]} under ${rule.schedule}${unverified}`;
    case 'outside_window':
      return `blocks: ${where} is outside ${rule.schedule}${unverified}`;
  }
}

function describeSource(candidate: Candidate): string {
  const source = candidate.source.replace('_', ' ');
  const place = [candidate.country, candidate.region].filter(Boolean).join('-');
  return place ? `${source}, ${place}` : source;
}

function describePlaces(candidates: readonly Candidate[]): string {
  return [...new Set(candidates.map((candidate) => candidate.zone))].sort().join(', ');
}

function uniqueConstraints(rules: readonly AppliedConstraint[]): AppliedConstraint[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const key = `${rule.ruleId}|${rule.constraint.zone}|${rule.clockLabel}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function uniqueCaps(caps: readonly AppliedCap[]): AppliedCap[] {
  const byId = new Map<string, AppliedCap>();
  for (const cap of caps) if (!byId.has(cap.id)) byId.set(cap.id, cap);
  return [...byId.values()];
}

function instant(at: Date): number {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidInstantError();
  return ms;
}

// ---- building candidates ----

export interface CandidatesForInput {
  /** E.164. */
  phone: string;
  addresses: readonly Address[];
  /** Where the SMS provider places the sender on inbound messages (Twilio's FromCountry / FromState). */
  providerRegion?: { country: string | null; state: string | null } | null;
  /** The merchant's zone: used only when nothing else places the recipient. */
  merchantZone: string;
}

const NANP_NUMBER = /^\+1([2-9]\d{2})[2-9]\d{6}$/;

/**
 * Every place the recipient may be, from the phone number (area code, with
 * every zone of a split area code, or the country of a non-NANP number), the
 * addresses, and the provider's region; the merchant's zone when none of
 * them places the recipient. Throws `InvalidTimeZoneError` for an unknown
 * merchant zone.
 */
export function candidatesFor(input: CandidatesForInput): Candidate[] {
  assertZone(input.merchantZone);
  const out: Candidate[] = [];
  const add = (zones: readonly string[], country: string | null, region: string | null, source: Candidate['source']): void => {
    for (const zone of zones) out.push({ zone, country, region, source });
  };

  const phone = typeof input.phone === 'string' ? input.phone.trim() : '';
  const areaCode = NANP_NUMBER.exec(phone)?.[1];
  const info = areaCode ? NANP_AREA_CODES.get(areaCode) : undefined;
  if (info) {
    const regions = info.regions.length > 0 ? info.regions : [null];
    for (const region of regions) add(info.zones, info.country, region, 'area_code');
  } else if (isE164(phone) && !phone.startsWith('+1')) {
    add(zonesForPhone(phone), phoneCountry(phone), null, 'area_code');
  }

  for (const address of input.addresses) {
    const { country, region } = normalisePlace(address.countryCode, address.provinceCode);
    add(zonesForAddress(address), country, region, 'address');
  }

  if (input.providerRegion) {
    const { country, region } = normalisePlace(input.providerRegion.country, input.providerRegion.state);
    add(zonesForAddress({ countryCode: country, provinceCode: region, zip: null }), country, region, 'provider');
  }

  if (out.length === 0) {
    const country = getTimezone(input.merchantZone)?.countries[0] ?? null;
    out.push({ zone: input.merchantZone, country, region: null, source: 'merchant' });
  }
  const seen = new Set<string>();
  return out.filter((candidate) => {
    const key = `${candidate.zone}|${candidate.country}|${candidate.region}|${candidate.source}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function normalisePlace(countryCode: string | null, provinceCode: string | null): { country: string | null; region: string | null } {
  const country = countryCode?.trim().toUpperCase() || null;
  let region = provinceCode?.trim().toUpperCase() || null;
  const prefixed = region ? /^([A-Z]{2})-(.+)$/.exec(region) : null;
  if (prefixed && (country === null || prefixed[1] === country)) region = prefixed[2] ?? null;
  return { country, region };
}
