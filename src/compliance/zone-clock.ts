/**
 * Reading a zone's wall clock at an instant, through the platform's tz data
 * (Intl), so no offset table of our own can drift out of date.
 */

export class InvalidTimeZoneError extends Error {
  readonly code = 'invalid_time_zone';
  constructor(readonly zone: string) {
    super(`not an IANA time zone: ${JSON.stringify(zone)}`);
    this.name = 'InvalidTimeZoneError';
  }
}

export const MS_PER_MINUTE = 60_000;
export const MINUTES_PER_DAY = 1440;

// Building a DateTimeFormat costs far more than formatting with one, and the
// send gate asks about the same few zones for every message.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  const cached = formatters.get(zone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  } catch {
    throw new InvalidTimeZoneError(zone);
  }
  formatters.set(zone, formatter);
  return formatter;
}

export function isSupportedZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone.trim() === '') return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** Throws `InvalidTimeZoneError` unless the platform knows `zone`. */
export function assertZone(zone: string): void {
  if (!isSupportedZone(zone)) throw new InvalidTimeZoneError(String(zone));
}

/**
 * The wall-clock reading in `zone` at instant `ms`, as whole minutes since
 * 1970-01-01T00:00 of that wall clock. Subtracting the instant's own whole
 * minutes gives the zone's UTC offset; taking it modulo a day gives the
 * minute of the local day.
 */
export function wallClockMinutes(ms: number, zone: string): number {
  if (ms < WHOLE_MINUTE_OFFSETS_FROM) return readWallClock(ms, zone);
  const minute = Math.floor(ms / MS_PER_MINUTE);
  const known = readings.get(zone)?.get(minute);
  if (known !== undefined) return known;
  // Read first: a zone the platform does not know throws before it takes a place in the memo.
  const wall = readWallClock(ms, zone);
  let zoneReadings = readings.get(zone);
  if (!zoneReadings) readings.set(zone, (zoneReadings = new Map()));
  if (zoneReadings.size >= MAX_READINGS_PER_ZONE) zoneReadings.clear();
  zoneReadings.set(minute, wall);
  return wall;
}

/**
 * Since 1972 every zone's offset is a whole number of minutes and changes on
 * a whole minute, so an instant's wall-clock minute depends only on the UTC
 * minute it falls in; the send gate asks about the same few zones and
 * minutes for every message of a batch, and formatting is the dear part.
 */
const WHOLE_MINUTE_OFFSETS_FROM = Date.UTC(1972, 6, 1);
const readings = new Map<string, Map<number, number>>();
const MAX_READINGS_PER_ZONE = 4_096;

function readWallClock(ms: number, zone: string): number {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0 };
  for (const part of formatterFor(zone).formatToParts(ms)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  // Some ICU versions render midnight as 24 even with h23; it is the same day's 0.
  const hour = fields.hour === 24 ? 0 : fields.hour;
  return Date.UTC(fields.year, fields.month - 1, fields.day, hour, fields.minute) / MS_PER_MINUTE;
}

/** Minutes after local midnight, 0..1439. */
export function minuteOfDay(wallMinutes: number): number {
  return ((wallMinutes % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
}

/** Minutes the zone's wall clock is ahead of UTC at `ms`. */
export function offsetAt(ms: number, zone: string): number {
  return wallClockMinutes(ms, zone) - Math.floor(ms / MS_PER_MINUTE);
}

/** The first whole minute in (from, to] whose offset differs from `offset`; `to` is known to differ. */
export function firstOffsetChange(from: number, to: number, zone: string, offset: number): number {
  let low = from;
  let high = to;
  for (;;) {
    const middle = Math.floor((low + high) / 2 / MS_PER_MINUTE) * MS_PER_MINUTE;
    if (middle <= low) return high;
    if (offsetAt(middle, zone) === offset) low = middle;
    else high = middle;
  }
}
