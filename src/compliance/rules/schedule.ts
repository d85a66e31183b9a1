/**
 * Weekly sending schedules and the two questions the send decision asks of
 * them: "may a marketing text go at this instant in this zone?" and "when is
 * the earliest instant from here on that it may?".
 *
 * A schedule is pure data (a window per weekday, closed days, an effective
 * date); the wall clock comes from the platform's tz data through
 * `zone-clock`, so daylight-saving changes are handled by the same code that
 * quiet hours already trust.
 */
import type { SendingWindow } from '../quiet-hours.js';
import { MINUTES_PER_DAY, MS_PER_MINUTE, firstOffsetChange, offsetAt, wallClockMinutes } from '../zone-clock.js';

/** 0 = Sunday … 6 = Saturday, as `Date.prototype.getUTCDay`. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** One window per weekday, Sunday first; null means no marketing text that day. */
export type WeeklyWindows = readonly [
  SendingWindow | null,
  SendingWindow | null,
  SendingWindow | null,
  SendingWindow | null,
  SendingWindow | null,
  SendingWindow | null,
  SendingWindow | null,
];

export const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** The same window every day of the week. */
export function everyDay(window: SendingWindow): WeeklyWindows {
  return [window, window, window, window, window, window, window];
}

/** Monday to Saturday share one window; Sunday has its own (or none). */
export function mondayToSaturday(window: SendingWindow, sunday: SendingWindow | null): WeeklyWindows {
  return [sunday, window, window, window, window, window, window];
}

/** A week with each day's window replaced. */
export function mapWeek(week: WeeklyWindows, fn: (window: SendingWindow | null, day: Weekday) => SendingWindow | null): WeeklyWindows {
  return [fn(week[0], 0), fn(week[1], 1), fn(week[2], 2), fn(week[3], 3), fn(week[4], 4), fn(week[5], 5), fn(week[6], 6)];
}

/** "HH:MM–HH:MM" for a window in minutes after midnight. */
export function formatWindow(window: SendingWindow): string {
  return `${clock(window.start)}–${clock(window.end)}`;
}

/** "Mon–Sat 09:00–21:00, Sun 12:00–21:00" — consecutive days with the same window are grouped. */
export function describeWeek(week: WeeklyWindows): string {
  const order: Weekday[] = [1, 2, 3, 4, 5, 6, 0];
  const label = (day: Weekday): string => {
    const window = week[day];
    return window && window.start < window.end ? formatWindow(window) : 'closed';
  };
  const groups: Array<{ from: Weekday; to: Weekday; text: string }> = [];
  for (const day of order) {
    const text = label(day);
    const last = groups[groups.length - 1];
    if (last && last.text === text) last.to = day;
    else groups.push({ from: day, to: day, text });
  }
  if (groups.length === 1) return `daily ${groups[0]!.text}`;
  return groups
    .map((group) => {
      const days = group.from === group.to ? WEEKDAY_NAMES[group.from] : `${WEEKDAY_NAMES[group.from]}–${WEEKDAY_NAMES[group.to]}`;
      return `${days} ${group.text}`;
    })
    .join(', ');
}

export function clock(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  return `${String(hours).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** A civil date as a day number (days since 1970-01-01) → "YYYY-MM-DD". */
export function isoDate(dayNumber: number): string {
  return new Date(dayNumber * MINUTES_PER_DAY * MS_PER_MINUTE).toISOString().slice(0, 10);
}

export function weekdayOf(dayNumber: number): Weekday {
  return new Date(dayNumber * MINUTES_PER_DAY * MS_PER_MINUTE).getUTCDay() as Weekday;
}

/** Why a day is closed under a schedule, or null when it is not. */
export type ClosedDay = { kind: 'sunday' } | { kind: 'holiday'; name: string } | { kind: 'no_window' };

/**
 * One schedule evaluated in one zone: a rule as it applies to one place the
 * recipient may be.
 */
export interface Constraint {
  /** IANA zone whose wall clock the schedule is read on (a fixed-offset `Etc/GMT+6` is allowed). */
  zone: string;
  week: WeeklyWindows;
  /** First day ("YYYY-MM-DD", on the zone's calendar) the schedule binds; before it the day is unrestricted. */
  effective: string;
  noSundays: boolean;
  /** The name of the holiday on that date, or null. */
  holiday: (isoDate: string) => string | null;
}

export type LocalCheck =
  | { allowed: true; local: LocalTime }
  | { allowed: false; local: LocalTime; because: ClosedDay | { kind: 'outside_window'; window: SendingWindow } };

export interface LocalTime {
  date: string;
  weekday: Weekday;
  minute: number;
}

/** Reads the schedule at an instant (milliseconds since the epoch). */
export function checkAt(constraint: Constraint, ms: number): LocalCheck {
  const wall = wallClockMinutes(ms, constraint.zone);
  const day = Math.floor(wall / MINUTES_PER_DAY);
  const local: LocalTime = { date: isoDate(day), weekday: weekdayOf(day), minute: wall - day * MINUTES_PER_DAY };
  const window = windowOn(constraint, day);
  if ('closed' in window) return { allowed: false, local, because: window.closed };
  if (local.minute >= window.start && local.minute < window.end) return { allowed: true, local };
  return { allowed: false, local, because: { kind: 'outside_window', window } };
}

const OPEN_ALL_DAY: SendingWindow = { start: 0, end: MINUTES_PER_DAY };
/** How many calendar days ahead a single opening is looked for. */
const DAY_SCAN = 21;

function windowOn(constraint: Constraint, day: number): SendingWindow | { closed: ClosedDay } {
  const date = isoDate(day);
  if (date < constraint.effective) return OPEN_ALL_DAY;
  const weekday = weekdayOf(day);
  if (constraint.noSundays && weekday === 0) return { closed: { kind: 'sunday' } };
  const holiday = constraint.holiday(date);
  if (holiday !== null) return { closed: { kind: 'holiday', name: holiday } };
  const window = constraint.week[weekday];
  if (!window || window.start >= window.end) return { closed: { kind: 'no_window' } };
  return window;
}

/** The first wall-clock minute ≥ `wall` that the schedule allows, or null within DAY_SCAN days. */
function nextOpenWall(constraint: Constraint, wall: number): number | null {
  const firstDay = Math.floor(wall / MINUTES_PER_DAY);
  for (let day = firstDay; day < firstDay + DAY_SCAN; day += 1) {
    const window = windowOn(constraint, day);
    if ('closed' in window) continue;
    const dayStart = day * MINUTES_PER_DAY;
    const from = day === firstDay ? Math.max(wall - dayStart, window.start) : window.start;
    if (from < window.end) return dayStart + from;
  }
  return null;
}

/**
 * The earliest instant ≥ `from` at which the schedule allows a text, or null
 * when there is none before `limit`. `from` itself (not rounded) when it is
 * already allowed; otherwise the start of a minute.
 *
 * Walks the wall clock: with the zone's offset unchanged, every wall minute
 * between now and the computed opening is closed, so the opening is the
 * answer. When the offset changes first (a DST day), it restarts from the
 * change, which is never later than the opening.
 */
export function nextOpening(constraint: Constraint, from: number, limit: number): number | null {
  let t = from;
  for (let step = 0; step < 64 && t <= limit; step += 1) {
    const wall = wallClockMinutes(t, constraint.zone);
    const target = nextOpenWall(constraint, wall);
    if (target === null) {
      // Nothing opens within the scan; restart the scan from its end if that is still inside the limit.
      const offset = wall - Math.floor(t / MS_PER_MINUTE);
      const resume = (Math.floor(wall / MINUTES_PER_DAY) + DAY_SCAN) * MINUTES_PER_DAY;
      t = (resume - offset) * MS_PER_MINUTE;
      continue;
    }
    if (target === wall) return t;
    const offset = wall - Math.floor(t / MS_PER_MINUTE);
    const guess = (target - offset) * MS_PER_MINUTE;
    if (offsetAt(guess, constraint.zone) === offset) return guess <= limit ? guess : null;
    t = firstOffsetChange(t, guess, constraint.zone, offset);
  }
  return null;
}
