/**
 * The state holidays on which some states forbid marketing texts, as pure
 * date functions of the year. Dates are civil dates ("YYYY-MM-DD") on the
 * recipient's calendar.
 *
 * Every entry carries `verified`: true when the day and its date rule were
 * read in the statute's text (or an official page reproducing it); false for
 * days added on purpose to err on the side of not texting (observed-day
 * shifts whose application to telemarketing no source confirmed, days whose
 * current status no source confirmed). A wrong extra day only delays a
 * message; a missing one is a violation.
 */

export type HolidayCalendarId = 'US-LA' | 'US-AL';

export interface Holiday {
  date: string;
  name: string;
  verified: boolean;
  note?: string;
}

export interface HolidayCalendar {
  id: HolidayCalendarId;
  citation: string;
  /** Where the list was checked. */
  sources: readonly string[];
  /** Holidays a calendar cannot predict (declared by the governor, emergencies). */
  limits: string;
  holidays(year: number): Holiday[];
}

// ---- date arithmetic (UTC-based, so no zone or DST can shift a civil date) ----

function iso(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The n-th (1-based) given weekday (0 = Sunday) of a month. */
export function nthWeekday(year: number, month: number, day: number, n: number): string {
  const first = weekday(year, month, 1);
  return iso(year, month, 1 + ((day - first + 7) % 7) + (n - 1) * 7);
}

/** The last given weekday (0 = Sunday) of a month. */
export function lastWeekday(year: number, month: number, day: number): string {
  const lastDate = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last = weekday(year, month, lastDate);
  return iso(year, month, lastDate - ((last - day + 7) % 7));
}

/** Western (Gregorian) Easter Sunday, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/** Mardi Gras (Shrove Tuesday): 47 days before Easter Sunday. */
export function mardiGras(year: number): string {
  return addDays(easterSunday(year), -47);
}

/** Good Friday: 2 days before Easter Sunday. */
export function goodFriday(year: number): string {
  return addDays(easterSunday(year), -2);
}

/** Thanksgiving: the fourth Thursday in November. */
export function thanksgiving(year: number): string {
  return nthWeekday(year, 11, 4, 4);
}

const fixed = (year: number, month: number, day: number, name: string): Holiday => ({ date: iso(year, month, day), name, verified: true });

/** Saturday → the preceding Friday, Sunday → the following Monday; null when the date is a weekday. */
function weekendShift(date: string): string | null {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  if (day === 6) return addDays(date, -1);
  if (day === 0) return addDays(date, 1);
  return null;
}

// ---- Louisiana ----

/**
 * La. R.S. 1:55(A)(1), as published by the Legislature (legis.la.gov, Law.aspx?d=74097).
 * Sundays are also listed there; the rule table closes Sundays separately.
 * Not modelled: Inauguration Day (city of Baton Rouge only), Saturdays that
 * are holidays in some parishes, and days the governor declares (e.g. 3 July
 * 2023), which no calendar can predict.
 */
function louisiana(year: number): Holiday[] {
  const list: Holiday[] = [
    fixed(year, 1, 1, "New Year's Day"),
    fixed(year, 1, 8, 'Battle of New Orleans'),
    { date: nthWeekday(year, 1, 1, 3), name: "Dr. Martin Luther King, Jr.'s Birthday", verified: true },
    { date: nthWeekday(year, 2, 1, 3), name: "Washington's Birthday and Presidents' Day", verified: true },
    { date: mardiGras(year), name: 'Mardi Gras', verified: true },
    { date: goodFriday(year), name: 'Good Friday', verified: true },
    { date: lastWeekday(year, 5, 1), name: 'National Memorial Day', verified: true },
    fixed(year, 7, 4, 'Independence Day'),
    fixed(year, 8, 30, 'Huey P. Long Day'),
    { date: nthWeekday(year, 9, 1, 1), name: 'Labor Day', verified: true },
    { date: nthWeekday(year, 10, 1, 2), name: 'Christopher Columbus Day', verified: true },
    fixed(year, 11, 1, "All Saints' Day"),
    fixed(year, 11, 11, "Veterans' Day"),
    { date: thanksgiving(year), name: 'Thanksgiving Day', verified: true },
    fixed(year, 12, 25, 'Christmas Day'),
  ];
  // R.S. 1:55(E) moves New Year's Day, Independence Day and Christmas to the
  // Friday/Monday for court offices; whether the telemarketing ban follows
  // is unconfirmed, so the observed day is closed as well, to be safe.
  for (const [month, day, name] of [[1, 1, "New Year's Day"], [7, 4, 'Independence Day'], [12, 25, 'Christmas Day']] as const) {
    const shifted = weekendShift(iso(year, month, day));
    if (shifted) list.push({ date: shifted, name: `${name} (observed)`, verified: false, note: 'R.S. 1:55(E) observed-day shift; applied conservatively' });
  }
  return list;
}

// ---- Alabama ----

/**
 * Ala. Code § 1-3-8 (text via law.uslawyerdatabase.com; dates as tabulated
 * by the Alabama Department of Archives and History): "If any holiday falls
 * on Sunday, the following day is the holiday. If any holiday falls on
 * Saturday, the preceding day is the holiday." The shifted day is the
 * holiday; the calendar date is kept closed too, to be safe.
 */
function alabama(year: number): Holiday[] {
  const base: Holiday[] = [
    fixed(year, 1, 1, "New Year's Day"),
    { date: nthWeekday(year, 1, 1, 3), name: "Robert E. Lee's / Martin Luther King, Jr.'s Birthday", verified: true },
    { date: nthWeekday(year, 2, 1, 3), name: "George Washington's / Thomas Jefferson's Birthday", verified: true },
    {
      date: mardiGras(year),
      name: 'Mardi Gras',
      verified: false,
      note: 'a legal holiday in Baldwin and Mobile Counties only; we cannot tell the county, so it is closed statewide',
    },
    { date: nthWeekday(year, 4, 1, 4), name: 'Confederate Memorial Day', verified: true },
    { date: lastWeekday(year, 5, 1), name: 'National Memorial Day', verified: true },
    { date: nthWeekday(year, 6, 1, 1), name: "Jefferson Davis' Birthday", verified: true },
    {
      ...fixed(year, 6, 19, 'Juneteenth'),
      verified: false,
      note: 'reported as a state holiday by a secondary source only; not in the § 1-3-8 text we read; closed to be safe',
    },
    fixed(year, 7, 4, 'Independence Day'),
    { date: nthWeekday(year, 9, 1, 1), name: 'Labor Day', verified: true },
    { date: nthWeekday(year, 10, 1, 2), name: 'Columbus Day / Fraternal Day / American Indian Heritage Day', verified: true },
    fixed(year, 11, 11, "Veterans' Day"),
    {
      date: thanksgiving(year),
      name: 'Thanksgiving Day',
      verified: true,
      note: '§ 1-3-8 names "the day designated by the Governor for public thanksgiving"; the fourth Thursday in November is assumed',
    },
    fixed(year, 12, 25, 'Christmas Day'),
  ];
  const shifted: Holiday[] = [];
  for (const holiday of base) {
    const moved = weekendShift(holiday.date);
    if (moved) shifted.push({ date: moved, name: `${holiday.name} (observed)`, verified: holiday.verified });
  }
  return [...base, ...shifted];
}

export const HOLIDAY_CALENDARS: Readonly<Record<HolidayCalendarId, HolidayCalendar>> = Object.freeze({
  'US-LA': {
    id: 'US-LA',
    citation: 'La. R.S. 1:55(A)(1) (days of public rest and legal holidays)',
    sources: ['https://legis.la.gov/legis/Law.aspx?d=74097'],
    limits: 'Holidays declared by the governor and telemarketing bans during declared states of emergency (La. R.S. 45:844.31) are not predictable and are not modelled.',
    holidays: louisiana,
  },
  'US-AL': {
    id: 'US-AL',
    citation: 'Ala. Code § 1-3-8 (holidays enumerated)',
    sources: ['https://law.uslawyerdatabase.com/section-1-3-8-holidays-enumerated-personal-leave-days-state-holidays-observed-by-closing-of-state-offices-compensatory-leave-days', 'http://www.archives.alabama.gov/intro/holidays.html'],
    limits: 'Holidays the governor declares for special events are not predictable and are not modelled.',
    holidays: alabama,
  },
});

const cache = new Map<string, ReadonlyMap<string, Holiday>>();

/** Every holiday of a calendar in a year, by date (the first name wins when two fall together). */
export function holidaysIn(calendar: HolidayCalendarId, year: number): ReadonlyMap<string, Holiday> {
  const key = `${calendar}:${year}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const byDate = new Map<string, Holiday>();
  // A shifted New Year's Day can land in the previous year: gather neighbours too.
  for (const y of [year - 1, year, year + 1]) {
    for (const holiday of HOLIDAY_CALENDARS[calendar].holidays(y)) {
      if (holiday.date.startsWith(`${year}-`) && !byDate.has(holiday.date)) byDate.set(holiday.date, holiday);
    }
  }
  cache.set(key, byDate);
  return byDate;
}

/** The holiday on a civil date ("YYYY-MM-DD"), or null. */
export function holidayOn(calendar: HolidayCalendarId, date: string): Holiday | null {
  return holidaysIn(calendar, Number(date.slice(0, 4))).get(date) ?? null;
}
