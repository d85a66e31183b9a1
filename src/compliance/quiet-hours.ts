/**
 * Quiet hours: a marketing text may go only while the recipient's local time
 * is inside the sending window, in every zone the recipient may be in.
 */
import { MINUTES_PER_DAY, MS_PER_MINUTE, firstOffsetChange, minuteOfDay, offsetAt, wallClockMinutes } from './zone-clock.js';

/** Minutes after local midnight, half-open: [start, end). start === end is a window that never opens. */
export interface SendingWindow {
  start: number;
  end: number;
}

/** 08:00–21:00 recipient-local: the TCPA's federal limit, which no setting may widen. */
export const FEDERAL_WINDOW: SendingWindow = Object.freeze({ start: 480, end: 1260 });

/** How far ahead `nextAllowedAt` looks before declaring the zones irreconcilable. */
const HORIZON_MS = 8 * MINUTES_PER_DAY * MS_PER_MINUTE;

export class InvalidWindowError extends Error {
  readonly code = 'invalid_window';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidWindowError';
  }
}

export class InvalidInstantError extends Error {
  readonly code = 'invalid_instant';
  constructor() {
    super('not a valid point in time');
    this.name = 'InvalidInstantError';
  }
}

/** Quiet hours are undefined without a place; `recipientZones` always yields one. */
export class NoRecipientZoneError extends Error {
  readonly code = 'no_recipient_zone';
  constructor() {
    super('at least one recipient time zone is required');
    this.name = 'NoRecipientZoneError';
  }
}

const WINDOW_TEXT = /^(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})$/;

/** "09:00-20:00" → { start: 540, end: 1200 }. "24:00" may end a window; a window may not wrap midnight. */
export function parseWindow(text: string): SendingWindow {
  const match = typeof text === 'string' ? WINDOW_TEXT.exec(text.trim()) : null;
  if (!match) throw new InvalidWindowError(`expected a window like "09:00-20:00", got ${JSON.stringify(text)}`);
  const [, startHour, startMinute, endHour, endMinute] = match.map(Number) as [number, number, number, number, number];
  const start = clockMinutes(startHour, startMinute, false, text);
  const end = clockMinutes(endHour, endMinute, true, text);
  if (start >= end) throw new InvalidWindowError(`window ${JSON.stringify(text)} must end after it starts, on the same day`);
  return { start, end };
}

function clockMinutes(hour: number, minute: number, isEnd: boolean, text: string): number {
  const endOfDay = isEnd && hour === 24 && minute === 0;
  if (!endOfDay && (hour > 23 || minute > 59)) throw new InvalidWindowError(`not a time of day in ${JSON.stringify(text)}`);
  return hour * 60 + minute;
}

/**
 * The intersection of windows: combining the federal window with a state's
 * or the merchant's can only narrow it. Disjoint windows give an empty one.
 */
export function narrowest(first: SendingWindow, ...rest: SendingWindow[]): SendingWindow {
  assertWindow(first);
  let { start, end } = first;
  for (const window of rest) {
    assertWindow(window);
    start = Math.max(start, window.start);
    end = Math.min(end, window.end);
  }
  return { start, end: Math.max(start, end) };
}

/** Minutes after local midnight in `zone` at `at`, 0..1439. Throws `InvalidTimeZoneError`. */
export function localMinutes(at: Date, zone: string): number {
  return minuteOfDay(wallClockMinutes(instant(at), zone));
}

/** True only when `at` falls inside the window in every one of `zones`. */
export function isAllowedAt(at: Date, zones: readonly string[], window: SendingWindow): boolean {
  return blockingZones(at, zones, window).length === 0;
}

/**
 * The earliest instant ≥ `at` that is inside the window in every zone at
 * once: `at` itself (same instant, new object) when it already is, else the
 * start of a minute. Null when no such instant exists within 8 days, which
 * means the zones are too far apart for the window.
 */
export function nextAllowedAt(at: Date, zones: readonly string[], window: SendingWindow): Date | null {
  const from = instant(at);
  const distinct = distinctZones(zones);
  assertWindow(window);
  if (window.start === window.end) return null;
  const limit = from + HORIZON_MS;
  // Every round moves to some zone's next window opening, and each zone opens
  // about once a day, so this bound is generous for the 8-day horizon.
  const maxRounds = (distinct.length + 1) * 16;
  let t = from;
  for (let round = 0; round < maxRounds && t <= limit; round += 1) {
    // No instant before the latest of the zones' next openings can suit them
    // all, so jumping there never skips the answer.
    let latest = t;
    for (const zone of distinct) latest = Math.max(latest, nextOpening(t, zone, window));
    if (latest === t) return new Date(t);
    t = latest;
  }
  return null;
}

export type QuietHoursCheck =
  | { allowed: true }
  /** `zones` are the zones where it is quiet now; `until` is when every zone is open, or null. */
  | { allowed: false; until: Date | null; rule: 'quiet_hours'; zones: string[] };

export function checkQuietHours(at: Date, zones: readonly string[], window: SendingWindow): QuietHoursCheck {
  const blocking = blockingZones(at, zones, window);
  if (blocking.length === 0) return { allowed: true };
  return { allowed: false, until: nextAllowedAt(at, zones, window), rule: 'quiet_hours', zones: blocking };
}

function blockingZones(at: Date, zones: readonly string[], window: SendingWindow): string[] {
  const ms = instant(at);
  const distinct = distinctZones(zones);
  assertWindow(window);
  return distinct.filter((zone) => !inWindow(minuteOfDay(wallClockMinutes(ms, zone)), window)).sort();
}

/**
 * The earliest instant ≥ `from` at which `zone` is inside the window — or, if
 * a clock change intervenes, the instant of that change, which is no later
 * than the opening and is re-examined by the caller.
 */
function nextOpening(from: number, zone: string, window: SendingWindow): number {
  let t = from;
  // Two clock changes within a day of each other do not occur in practice;
  // the bound only guards against a malformed tz database.
  for (let step = 0; step < 4; step += 1) {
    const wall = wallClockMinutes(t, zone);
    const minute = minuteOfDay(wall);
    if (inWindow(minute, window)) return t;
    const offset = wall - Math.floor(t / MS_PER_MINUTE);
    const opensAtWall = wall - minute + (minute < window.start ? window.start : MINUTES_PER_DAY + window.start);
    const guess = (opensAtWall - offset) * MS_PER_MINUTE;
    // Same offset at both ends: the wall clock ran straight from now to the opening.
    if (offsetAt(guess, zone) === offset) return guess;
    // Otherwise the clock changes first (a DST day). After the change the wall
    // clock may already be inside the window (spring forward into it) or back
    // before it (fall back), so start over from there.
    t = firstOffsetChange(t, guess, zone, offset);
  }
  return t;
}

function inWindow(minute: number, window: SendingWindow): boolean {
  return minute >= window.start && minute < window.end;
}

function instant(at: Date): number {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new InvalidInstantError();
  return ms;
}

function distinctZones(zones: readonly string[]): string[] {
  if (!Array.isArray(zones) || zones.length === 0) throw new NoRecipientZoneError();
  return [...new Set(zones)];
}

function assertWindow(window: SendingWindow): void {
  const start = window?.start;
  const end = window?.end;
  const valid = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= MINUTES_PER_DAY;
  if (!valid) throw new InvalidWindowError(`not a sending window: ${JSON.stringify(window)}`);
}
