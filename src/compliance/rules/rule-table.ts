/**
 * The quiet-hours and frequency rules CartRescue enforces for marketing
 * texts, as versioned code rather than database rows: a change to a rule is
 * a reviewed commit that bumps RULESET_VERSION, and every decision records
 * the version it was made under.
 *
 * How to read `verified`:
 * - `verified: true` — the window, closed days and cap below were read in the
 *   text of the cited statute or regulation (an official site or a mirror
 *   reproducing the text; the URLs are in `sources`).
 * - `verified: false` — the text itself was not found; the values come from
 *   secondary sources (law-firm alerts, compliance vendors, news) named in
 *   `sources`, or, where even those were missing, from the product brief.
 *   Such a rule is still enforced: it errs towards not texting.
 * - `effectiveVerified` says the same of the effective date alone. Where the
 *   date could not be checked, a placeholder early enough that the rule
 *   always binds (LONG_STANDING) is used, never a guessed "real" date.
 *
 * None of this is legal advice; each `note` says what a reviewer should
 * check next.
 */
import { FEDERAL_WINDOW, type SendingWindow } from '../quiet-hours.js';
import type { HolidayCalendarId } from './holidays.js';
import { everyDay, mondayToSaturday, type WeeklyWindows } from './schedule.js';

/** Bumped on every change to a rule, a holiday list or a policy below. */
export const RULESET_VERSION = '2026-11-25.2';

/** Placeholder effective date for rules in force long before any text we send (date not checked). */
export const LONG_STANDING = '1990-01-01';

export type Jurisdiction = 'US' | `US-${string}`;

export interface FrequencyCap {
  max: number;
  hours: number;
  /** What the limit counts. We do not tell subjects apart, so both are counted over all marketing texts. */
  scope: 'same_subject' | 'all_marketing';
}

export interface ComplianceRule {
  id: string;
  jurisdiction: Jurisdiction;
  name: string;
  citation: string;
  /** "YYYY-MM-DD", on the recipient's calendar. */
  effective: string;
  /** The window per weekday, Sunday first; null = no marketing texts that day. */
  week: WeeklyWindows;
  noSundays?: boolean;
  holidays?: HolidayCalendarId;
  cap?: FrequencyCap;
  /** A statute that names a clock ("Central Standard Time") is also read on that fixed clock. */
  alsoOnClock?: { zone: string; label: string };
  verified: boolean;
  effectiveVerified: boolean;
  sources: readonly string[];
  note: string;
}

const window = (start: string, end: string): SendingWindow => {
  const [sh, sm] = start.split(':').map(Number) as [number, number];
  const [eh, em] = end.split(':').map(Number) as [number, number];
  return Object.freeze({ start: sh * 60 + sm, end: eh * 60 + em });
};

const EIGHT_TO_EIGHT = window('08:00', '20:00');

const THREE_PER_DAY_SAME_SUBJECT: FrequencyCap = Object.freeze({ max: 3, hours: 24, scope: 'same_subject' });

export const FEDERAL_RULE: ComplianceRule = Object.freeze({
  id: 'us-federal',
  jurisdiction: 'US',
  name: 'TCPA calling-time restriction',
  citation: '47 C.F.R. § 64.1200(c)(1)',
  effective: LONG_STANDING,
  week: everyDay(FEDERAL_WINDOW),
  verified: true,
  effectiveVerified: false,
  sources: ['https://www.nwdebtresolution.com/post/telephone-consumer-protection-act-call-time-restrictions (quotes § 64.1200(c)(1))'],
  note: 'No telephone solicitation before 8 a.m. or after 9 p.m. local time at the called party\'s location. The FTC Telemarketing Sales Rule (16 C.F.R. § 310.4) sets the same hours. Original effective date (1992 TCPA order) not checked.',
});

/** State rules by USPS state code. Only states stricter than the federal rule are listed. */
export const STATE_RULES: Readonly<Record<string, ComplianceRule>> = Object.freeze({
  FL: {
    id: 'us-fl',
    jurisdiction: 'US-FL',
    name: 'Florida Telemarketing Act — hours and frequency',
    citation: 'Fla. Stat. § 501.616(6)(a)–(b), as amended by ch. 2021-185, Laws of Fla. (CS/SB 1120)',
    effective: '2021-07-01',
    week: everyDay(EIGHT_TO_EIGHT),
    cap: THREE_PER_DAY_SAME_SUBJECT,
    verified: true,
    effectiveVerified: true,
    sources: [
      'http://www.lawserver.com/law/state/florida/statutes/florida_statutes_501-616 (text of § 501.616(6)(a))',
      'https://flsenate.gov/Session/Bill/2021/1120/BillText/Filed/HTML (text of (6)(a)–(b))',
      'https://www.nolo.com/legal-encyclopedia/florida-restrictions-telemarketers.html (in effect July 1, 2021)',
    ],
    note: 'Hours and the "more than three … over a 24-hour period on the same subject matter or issue" limit are in § 501.616(6), not § 501.059 (the FTSA: consent, autodialers, Florida area-code presumption). Later amendments to § 501.059 (2023) were not reviewed.',
  },
  OK: {
    id: 'us-ok',
    jurisdiction: 'US-OK',
    name: 'Oklahoma Telephone Solicitation Act of 2022 — hours and frequency',
    citation: '15 O.S. § 775C.1 et seq. (Telephone Solicitation Act of 2022, HB 3168); hours and limit reported at § 775C.4',
    effective: '2022-11-01',
    week: everyDay(EIGHT_TO_EIGHT),
    cap: THREE_PER_DAY_SAME_SUBJECT,
    verified: false,
    effectiveVerified: true,
    sources: [
      'https://www.allaboutadvertisinglaw.com/2022/05/new-oklahoma-telephone-solicitation-act-is-not-ok-but-it-does-contain-an-important-exemption.html (8 a.m.–8 p.m. local, three calls per 24 h)',
      'https://blog.clickpointsoftware.com/federal-and-local-call-time-and-date-compliance (§ 775C.4, same subject matter)',
      'https://govt.westlaw.com/okjc (15 Okl.St.Ann. § 775C.5, "Effective: November 1, 2022")',
    ],
    note: 'The text of § 775C.4 was not found; hours and the 3-per-24 h limit come from two secondary sources that agree. Check the section number and wording.',
  },
  MD: {
    id: 'us-md',
    jurisdiction: 'US-MD',
    name: 'Maryland Stop the Spam Calls Act of 2023 — hours and frequency',
    citation: 'Md. Code Ann., Com. Law § 14-4501 et seq. (Stop the Spam Calls Act of 2023, 2023 Md. Laws ch. 413, SB 90)',
    effective: '2024-01-01',
    week: everyDay(EIGHT_TO_EIGHT),
    cap: THREE_PER_DAY_SAME_SUBJECT,
    verified: false,
    effectiveVerified: true,
    sources: [
      'https://mgaleg.maryland.gov/mgawebsite/Legislation/Details/SB0090?ys=2023RS (Chapter 413, effective January 1, 2024)',
      'https://www.wmar2news.com/local/law-to-prevent-spam-calls-takes-effect-first-of-the-year (8 a.m.–8 p.m. in the called party\'s zone; three calls or texts per 24 h on the same subject)',
    ],
    note: 'The subsection holding the hours and the limit (§ 14-4502 or § 14-4503) was not read; values are from the news report and the bill synopsis ("restrictions on the hours … and the number of times … about the same subject matter").',
  },
  CT: {
    id: 'us-ct',
    jurisdiction: 'US-CT',
    name: 'Connecticut telemarketing law — hours',
    citation: 'Conn. Gen. Stat. § 42-288a, as amended by Public Act 23-98 (SB 1058)',
    effective: '2023-10-01',
    week: everyDay(window('09:00', '20:00')),
    verified: false,
    effectiveVerified: true,
    sources: [
      'https://tcpaworld.com/2023/06/28/connecticut-rolls-out-new-telemarketing-requirements-here-is-what-you-need-to-know/ (9 AM–9 PM changed to end at 8 PM)',
      'https://dnc.dreamhosters.com/connecticut-passes-new-telemarketing-law (9:00 am–8:00 pm; effective October 1, 2023)',
    ],
    note: 'The subsection of § 42-288a with the hours was not read; two secondary sources agree on 9 a.m.–8 p.m. Public Act 23-98 also presumes a Connecticut area code means a Connecticut recipient (§ 42-288(c)), which area-code candidates already do.',
  },
  WA: {
    id: 'us-wa',
    jurisdiction: 'US-WA',
    name: 'Washington Commercial Telephone Solicitation Act — hours',
    citation: 'RCW 19.158.040(2); see also RCW 80.36.390',
    effective: LONG_STANDING,
    week: everyDay(EIGHT_TO_EIGHT),
    verified: true,
    effectiveVerified: false,
    sources: ['https://app.leg.wa.gov/RCW/default.aspx?cite=19.158.040 ("before 8:00 a.m. or after 8:00 p.m. at the call recipient\'s local time")'],
    note: 'When the 8 p.m. limit took effect was not checked (possibly 2022 amendments, HB 1497). RCW 80.36.390\'s own hours were not read.',
  },
  TX: {
    id: 'us-tx',
    jurisdiction: 'US-TX',
    name: 'Texas telephone solicitation hours',
    citation: 'Tex. Bus. & Com. Code § 301.051',
    effective: LONG_STANDING,
    week: mondayToSaturday(window('09:00', '21:00'), window('12:00', '21:00')),
    verified: false,
    effectiveVerified: false,
    sources: [
      'product brief (9 a.m.–9 p.m. Monday–Saturday, noon–9 p.m. Sunday)',
      'https://legalclarity.org/what-is-the-legal-time-to-call-customers-in-texas (9 a.m.–9 p.m.; silent on Sundays)',
    ],
    note: 'The text of § 301.051 was not found (only its heading, "Telephone Solicitation Requirements"). Chapter 301 is believed to date from the 2007 recodification (eff. April 1, 2009), not checked. Verify the Sunday noon start.',
  },
  LA: {
    id: 'us-la',
    jurisdiction: 'US-LA',
    name: 'Louisiana solicitation hours, Sundays and state holidays',
    citation: 'La. R.S. 45:811(2)–(3); holidays per La. R.S. 1:55(A)(1)',
    effective: LONG_STANDING,
    week: mondayToSaturday(EIGHT_TO_EIGHT, null),
    noSundays: true,
    holidays: 'US-LA',
    verified: true,
    effectiveVerified: false,
    sources: [
      'https://lawserver.com/?p=30183792 (R.S. 45:811: ADAD equipment or a live operator; other than 8:00 a.m.–8:00 p.m. Monday through Saturday; on state holidays or Sundays)',
      'https://legis.la.gov/legis/Law.aspx?d=74097 (R.S. 1:55)',
    ],
    note: 'R.S. 45:844.17 (named in the brief) is the safe-harbor section of the Telephone Solicitation Relief Act, not the hours. LPSC General Order R-29617 (Do Not Call program) was not read. Governor-declared holidays and state-of-emergency bans (R.S. 45:844.31) are not modelled.',
  },
  MS: {
    id: 'us-ms',
    jurisdiction: 'US-MS',
    name: 'Mississippi Telephone Solicitation Act — hours and Sundays',
    citation: 'Miss. Code Ann. § 77-3-723(1)',
    effective: LONG_STANDING,
    week: mondayToSaturday(EIGHT_TO_EIGHT, null),
    noSundays: true,
    alsoOnClock: { zone: 'Etc/GMT+6', label: 'Central Standard Time (UTC−6)' },
    verified: true,
    effectiveVerified: false,
    sources: [
      'https://getpocketlaw.com/law/state_mississippi/section-77-3-723-rules-for-authorized-calls_57b73fa7ff73 ("between the hours of 8:00 a.m. and 8:00 p.m. Central Standard Time. No telephone solicitations may be made on a Sunday.")',
      'https://www.dnc.com/blog/no-more-holidays-mississippi-marketers-magnolia-state-lifts-prohibition-telemarketing-legal (2024: PSC holiday rule repealed; Sundays still barred)',
    ],
    note: 'The statute names "Central Standard Time"; we enforce both the recipient\'s clock and literal CST, so in summer the window is 09:00–20:00 CDT. No legal-holiday ban since the PSC rules (39 Miss. Admin. Code Pt. I, R. 1:28) were repealed (per the 2024 source). § 77-3-603 (8–9, no Sundays) is wider and not modelled separately.',
  },
  AL: {
    id: 'us-al',
    jurisdiction: 'US-AL',
    name: 'Alabama PSC solicitation rule — hours, Sundays and holidays',
    citation: 'Ala. Admin. Code r. 770-X-5-.17(1)(b); holidays per Ala. Code § 1-3-8',
    effective: LONG_STANDING,
    week: mondayToSaturday(EIGHT_TO_EIGHT, null),
    noSundays: true,
    holidays: 'US-AL',
    verified: true,
    effectiveVerified: false,
    sources: [
      'https://d1tvxue8o4w0fl.cloudfront.net/regulation/alabama-administrative-code/title-770-alabama-public-service-commission/chapter-770-x-5-telephone-rules/section-770-x-5-17-live-and-automated-solicitations-and-announcements ("No solicitation calls are allowed on Sundays or holidays … none will be placed prior to 8 a.m. or after 8 p.m.")',
    ],
    note: 'The rule\'s text addresses automated solicitation calls; it is applied to every marketing text to be safe. It says "holidays" without a list; Ala. Code § 1-3-8 is used. Ala. Code § 8-19A-4 (named in the brief) was not confirmed as a source of hours.',
  },
});

/** Countries whose numbers and addresses fall under US federal law (territories file as countries in ISO 3166). */
export const US_JURISDICTION_COUNTRIES: ReadonlySet<string> = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM']);

/** Default window for recipients outside the US when the merchant set none for their country. */
export const DEFAULT_COUNTRY_WINDOW: SendingWindow = FEDERAL_WINDOW;

/** CartRescue's own policies, cited like rules so a decision always explains itself. */
export const POLICY = Object.freeze({
  transactional: {
    id: 'transactional',
    citation: 'CartRescue policy: replies to the recipient\'s own STOP/HELP message are not marketing; quiet hours (47 C.F.R. § 64.1200(c)(1)) govern telephone solicitations',
  },
  merchantWindow: {
    id: 'merchant-window',
    citation: 'Merchant setting: the merchant\'s own sending window, which can only narrow the legal windows',
  },
  countryWindow: (country: string) => ({
    id: `country-window:${country}`,
    citation: `Merchant setting: sending window for recipients in ${country} (default 08:00–21:00 recipient local time)`,
  }),
  defaultCap: {
    id: 'cap-default',
    citation: 'CartRescue policy: at most 3 marketing texts per phone per merchant in any 24 hours, across all carts',
    cap: Object.freeze({ max: 3, hours: 24, scope: 'all_marketing' }) as FrequencyCap,
  },
  strictProfile: {
    id: 'profile-strict',
    citation: 'Merchant compliance profile "strict": at most one marketing text per abandoned cart',
  },
  noCommonWindow: {
    id: 'no-common-window',
    citation: 'CartRescue policy: a message is deferred at most 14 days; with no moment allowed everywhere the recipient may be, it is refused',
  },
  // What the send gate checks before the hour and the caps: a refusal for any of these is explained like a rule.
  optedOut: {
    id: 'opted-out',
    citation: 'CartRescue policy: after an opt-out (STOP and its variants, an opt-out in the shopper\'s own words, the carrier\'s) nothing is sent but its one confirmation',
  },
  consentRequired: {
    id: 'consent-required',
    citation: 'CartRescue policy (double opt-in): cart reminders go only to a shopper who confirmed the opt-in request',
  },
  optInOnce: {
    id: 'opt-in-once',
    citation: 'CartRescue policy: an opt-in request goes only while it is outstanding, once per checkout consent',
  },
  sequenceEnded: {
    id: 'sequence-ended',
    citation: 'CartRescue policy: a reminder belongs to its running sequence; an order, a newer cart, a person taking over or an opt-out ends it',
  },
  publicShortener: {
    id: 'content-public-shortener',
    citation: 'CartRescue policy, after carrier and CTIA guidance against shared public URL shorteners: links use the merchant\'s own domain or ours',
  },
});

/** The state rule for a US state code ("FL", "us-fl", "US-FL"), or null. */
export function stateRule(region: string | null | undefined): ComplianceRule | null {
  const code = region?.trim().toUpperCase().replace(/^US-/, '');
  if (!code || !Object.hasOwn(STATE_RULES, code)) return null;
  return STATE_RULES[code] ?? null;
}

/** Every rule in the table, federal first. */
export function allRules(): ComplianceRule[] {
  return [FEDERAL_RULE, ...Object.values(STATE_RULES)];
}
