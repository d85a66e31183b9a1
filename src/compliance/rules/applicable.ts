/**
 * Which rules bind a message for one place the recipient may be (a
 * candidate), turned into schedules on that place's clock.
 */
import { getTimezone } from 'countries-and-timezones';
import type { SendingWindow } from '../quiet-hours.js';
import { CA_PROVINCE_ZONES, US_STATE_ZONES } from '../region-zones.js';
import { HOLIDAY_CALENDARS, holidayOn } from './holidays.js';
import {
  DEFAULT_COUNTRY_WINDOW,
  FEDERAL_RULE,
  POLICY,
  stateRule,
  US_JURISDICTION_COUNTRIES,
  type ComplianceRule,
  type FrequencyCap,
} from './rule-table.js';
import { describeWeek, everyDay, formatWindow, mapWeek, type Constraint } from './schedule.js';

export type CandidateSource = 'area_code' | 'address' | 'provider' | 'merchant';

/** One place the recipient may be: a zone, and the country and region it belongs to when known. */
export interface Candidate {
  zone: string;
  /** ISO 3166-1 alpha-2, or null when unknown. */
  country: string | null;
  /** ISO 3166-2 subdivision without the country prefix ("FL"), or null. */
  region: string | null;
  source: CandidateSource;
}

/** A rule as it applies to one candidate. */
export interface AppliedConstraint {
  ruleId: string;
  citation: string;
  /** "daily 08:00–20:00, no Sundays, La. holidays" */
  schedule: string;
  /** What the clock is: the zone name, or the fixed clock a statute names. */
  clockLabel: string;
  constraint: Constraint;
  candidate: Candidate;
  /** Whether the rule's text was checked (policies and settings count as checked). */
  verified: boolean;
}

export interface AppliedCap {
  id: string;
  citation: string;
  cap: FrequencyCap;
}

const NO_HOLIDAYS = (): null => null;

/** Country and region in canonical form; the country inferred from the region or the zone when missing. */
export function placeOf(candidate: Candidate): { country: string | null; region: string | null } {
  let country = candidate.country?.trim().toUpperCase() || null;
  let region = candidate.region?.trim().toUpperCase() || null;
  const prefixed = region ? /^([A-Z]{2})-(.+)$/.exec(region) : null;
  if (prefixed && (country === null || country === prefixed[1])) {
    country = prefixed[1] ?? null;
    region = prefixed[2] ?? null;
  }
  if (country === null && region !== null) {
    if (Object.hasOwn(US_STATE_ZONES, region)) country = 'US';
    else if (Object.hasOwn(CA_PROVINCE_ZONES, region)) country = 'CA';
  }
  if (country === null) country = getTimezone(candidate.zone)?.countries[0] ?? null;
  return { country, region };
}

/** True when US federal (and state) rules govern texts to this candidate; unknown places count as US. */
export function isUsJurisdiction(country: string | null): boolean {
  return country === null || US_JURISDICTION_COUNTRIES.has(country);
}

function fromRule(rule: ComplianceRule, candidate: Candidate): AppliedConstraint[] {
  const holidays = rule.holidays;
  const extras = [
    rule.noSundays ? 'no Sundays' : null,
    holidays ? `no holidays (${HOLIDAY_CALENDARS[holidays].citation})` : null,
  ].filter((text): text is string => text !== null);
  const schedule = [describeWeek(rule.week), ...extras].join(', ');
  const local: AppliedConstraint = {
    ruleId: rule.id,
    citation: rule.citation,
    schedule,
    clockLabel: candidate.zone,
    candidate,
    verified: rule.verified,
    constraint: {
      zone: candidate.zone,
      week: rule.week,
      effective: rule.effective,
      noSundays: rule.noSundays ?? false,
      holiday: holidays ? (date) => holidayOn(holidays, date)?.name ?? null : NO_HOLIDAYS,
    },
  };
  if (!rule.alsoOnClock) return [local];
  // The same hours read on the clock the statute names; closed days stay on the recipient's calendar.
  const fixedClock: AppliedConstraint = {
    ...local,
    schedule: `${hoursOf(rule)} on ${rule.alsoOnClock.label}`,
    clockLabel: rule.alsoOnClock.label,
    constraint: {
      zone: rule.alsoOnClock.zone,
      week: mapWeek(rule.week, (window) => window ?? ALL_DAY),
      effective: rule.effective,
      noSundays: false,
      holiday: NO_HOLIDAYS,
    },
  };
  return [local, fixedClock];
}

const ALL_DAY: SendingWindow = Object.freeze({ start: 0, end: 1440 });

/** The distinct hours of a rule's open days: "08:00–20:00". */
function hoursOf(rule: ComplianceRule): string {
  const windows = rule.week.filter((window): window is SendingWindow => window !== null).map(formatWindow);
  return [...new Set(windows)].join(' / ');
}

function windowRule(id: string, citation: string, window: SendingWindow, candidate: Candidate): AppliedConstraint {
  const week = everyDay(window);
  return {
    ruleId: id,
    citation,
    schedule: describeWeek(week),
    clockLabel: candidate.zone,
    candidate,
    verified: true,
    constraint: { zone: candidate.zone, week, effective: '0000-01-01', noSundays: false, holiday: NO_HOLIDAYS },
  };
}

/**
 * The schedules that bind a marketing text for one candidate: federal and
 * state rules for US places, the merchant's per-country window elsewhere,
 * and the merchant's own window everywhere.
 */
export function constraintsFor(
  candidate: Candidate,
  merchantWindow: SendingWindow | null,
  countryWindows: Readonly<Record<string, SendingWindow>> | undefined,
): AppliedConstraint[] {
  const { country, region } = placeOf(candidate);
  const out: AppliedConstraint[] = [];
  if (isUsJurisdiction(country)) {
    out.push(...fromRule(FEDERAL_RULE, candidate));
    const state = country === 'US' || country === null ? stateRule(region) : null;
    if (state) out.push(...fromRule(state, candidate));
  } else {
    const policy = POLICY.countryWindow(country ?? 'unknown');
    const configured = country && countryWindows && Object.hasOwn(countryWindows, country) ? countryWindows[country] : undefined;
    out.push(windowRule(policy.id, policy.citation, configured ?? DEFAULT_COUNTRY_WINDOW, candidate));
  }
  if (merchantWindow) out.push(windowRule(POLICY.merchantWindow.id, POLICY.merchantWindow.citation, merchantWindow, candidate));
  return out;
}

/** The frequency caps that bind a marketing text for one candidate (the default cap is added by the caller). */
export function capsFor(candidate: Candidate): AppliedCap[] {
  const { country, region } = placeOf(candidate);
  if (country !== 'US' && country !== null) return [];
  const rule = stateRule(region);
  return rule?.cap ? [{ id: `${rule.id}:cap`, citation: rule.citation, cap: rule.cap }] : [];
}
