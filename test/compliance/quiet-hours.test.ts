import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkQuietHours,
  FEDERAL_WINDOW,
  InvalidInstantError,
  InvalidWindowError,
  isAllowedAt,
  localMinutes,
  narrowest,
  nextAllowedAt,
  NoRecipientZoneError,
  parseWindow,
  type SendingWindow,
} from '../../src/compliance/quiet-hours.js';
import { InvalidTimeZoneError } from '../../src/compliance/zone-clock.js';

const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const utc = (iso: string): Date => new Date(iso);
const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

describe('parseWindow', () => {
  const valid: ReadonlyArray<readonly [string, SendingWindow]> = [
    ['09:00-20:00', { start: 540, end: 1200 }],
    ['08:00-21:00', FEDERAL_WINDOW],
    ['8:00-21:00', { start: 480, end: 1260 }],
    [' 08:30 - 17:45 ', { start: 510, end: 1065 }],
    ['09:30–17:45', { start: 570, end: 1065 }],
    ['00:00-24:00', { start: 0, end: 1440 }],
  ];
  for (const [text, window] of valid) {
    it(`reads ${JSON.stringify(text)} as minutes after midnight`, () => assert.deepEqual(parseWindow(text), window));
  }

  const invalid = ['', '9-5', '09:00', '09:00-', '0900-2000', '25:00-26:00', '09:60-10:00', '24:00-24:00', '20:00-24:30', '20:00-09:00', '09:00-09:00', 'nine to five'];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text)} with InvalidWindowError (invalid_window)`, () => {
      assert.throws(() => parseWindow(text), (error: unknown) => error instanceof InvalidWindowError && error.code === 'invalid_window');
    });
  }
});

describe('narrowest', () => {
  const cases: ReadonlyArray<readonly [string, SendingWindow[], SendingWindow]> = [
    ['a merchant window inside the federal one narrows it', [FEDERAL_WINDOW, parseWindow('09:00-20:00')], { start: 540, end: 1200 }],
    ['a wider merchant window cannot widen the federal one', [FEDERAL_WINDOW, parseWindow('07:00-22:00')], FEDERAL_WINDOW],
    ['overlapping windows keep only the overlap', [FEDERAL_WINDOW, parseWindow('06:00-12:00'), parseWindow('10:00-23:00')], { start: 600, end: 720 }],
    ['disjoint windows leave a window that never opens', [parseWindow('08:00-10:00'), parseWindow('12:00-14:00')], { start: 720, end: 720 }],
    ['a single window is itself', [FEDERAL_WINDOW], FEDERAL_WINDOW],
  ];
  for (const [label, [first, ...rest], expected] of cases) {
    it(label, () => assert.deepEqual(narrowest(first!, ...rest), expected));
  }

  it('rejects a malformed window object', () => {
    assert.throws(() => narrowest(FEDERAL_WINDOW, { start: 600, end: 500 }), InvalidWindowError);
    assert.throws(() => narrowest({ start: -1, end: 500 }), InvalidWindowError);
    assert.throws(() => narrowest({ start: 0, end: 1441 }), InvalidWindowError);
    assert.throws(() => narrowest({ start: 0.5, end: 100 }), InvalidWindowError);
  });
});

describe('localMinutes', () => {
  const cases: ReadonlyArray<readonly [string, string, number]> = [
    ['2026-07-15T12:00:00Z', NY, 8 * 60],
    ['2026-01-15T12:00:00Z', NY, 7 * 60],
    ['2026-07-15T12:00:00Z', LA, 5 * 60],
    ['2026-07-15T12:00:00Z', 'Europe/London', 13 * 60],
    ['2026-07-15T12:00:00Z', 'Asia/Kolkata', 17 * 60 + 30],
    ['2026-07-15T12:00:00Z', 'Asia/Kathmandu', 17 * 60 + 45],
    ['2026-07-15T12:00:59Z', 'Asia/Tokyo', 21 * 60],
    ['2026-07-15T04:00:00Z', NY, 0],
  ];
  for (const [at, zone, minutes] of cases) {
    it(`${at} in ${zone} is ${minutes}`, () => assert.equal(localMinutes(utc(at), zone), minutes));
  }

  it('rejects an unknown zone with InvalidTimeZoneError (invalid_time_zone)', () => {
    assert.throws(() => localMinutes(utc('2026-07-15T12:00:00Z'), 'Atlantis/Capital'), (error: unknown) => error instanceof InvalidTimeZoneError && error.code === 'invalid_time_zone');
  });

  it('rejects an invalid Date with InvalidInstantError (invalid_instant)', () => {
    assert.throws(() => localMinutes(new Date('nope'), NY), (error: unknown) => error instanceof InvalidInstantError && error.code === 'invalid_instant');
  });
});

describe('isAllowedAt', () => {
  describe('applies the federal window at its edges, half-open', () => {
    const cases: ReadonlyArray<readonly [string, string, string, boolean]> = [
      ['07:59 New York (EDT)', '2026-07-15T11:59:00Z', NY, false],
      ['07:59:59.999 New York', '2026-07-15T11:59:59.999Z', NY, false],
      ['08:00 New York', '2026-07-15T12:00:00Z', NY, true],
      ['20:59 New York', '2026-07-16T00:59:00Z', NY, true],
      ['21:00 New York', '2026-07-16T01:00:00Z', NY, false],
      ['07:59 Los Angeles (PST)', '2026-01-15T15:59:00Z', LA, false],
      ['08:00 Los Angeles (PST)', '2026-01-15T16:00:00Z', LA, true],
      ['20:59 Los Angeles (PST)', '2026-01-16T04:59:00Z', LA, true],
      ['21:00 Los Angeles (PST)', '2026-01-16T05:00:00Z', LA, false],
    ];
    for (const [label, at, zone, allowed] of cases) {
      it(`${label} → ${allowed}`, () => assert.equal(isAllowedAt(utc(at), [zone], FEDERAL_WINDOW), allowed));
    }
  });

  describe('requires every zone: New York + Los Angeles may only be texted 11:00–21:00 Eastern', () => {
    const cases: ReadonlyArray<readonly [string, string, boolean]> = [
      ['10:59 ET / 07:59 PT', '2026-07-15T14:59:00Z', false],
      ['11:00 ET / 08:00 PT', '2026-07-15T15:00:00Z', true],
      ['20:59 ET / 17:59 PT', '2026-07-16T00:59:00Z', true],
      ['21:00 ET / 18:00 PT', '2026-07-16T01:00:00Z', false],
    ];
    for (const [label, at, allowed] of cases) {
      it(`${label} → ${allowed}`, () => assert.equal(isAllowedAt(utc(at), [NY, LA], FEDERAL_WINDOW), allowed));
    }
  });

  describe('follows the clocks on the DST days', () => {
    const cases: ReadonlyArray<readonly [string, string, boolean]> = [
      ['spring forward 2026-03-08: 07:59 EDT', '2026-03-08T11:59:00Z', false],
      ['spring forward 2026-03-08: 08:00 EDT (an hour earlier in UTC than the day before)', '2026-03-08T12:00:00Z', true],
      ['spring forward 2026-03-08: 20:59 EDT', '2026-03-09T00:59:00Z', true],
      ['spring forward 2026-03-08: 21:00 EDT', '2026-03-09T01:00:00Z', false],
      ['day before spring forward: 12:00Z is 07:00 EST', '2026-03-07T12:00:00Z', false],
      ['fall back 2026-11-01: 07:59 EST', '2026-11-01T12:59:00Z', false],
      ['fall back 2026-11-01: 08:00 EST (an hour later in UTC than the day before)', '2026-11-01T13:00:00Z', true],
      ['fall back 2026-11-01: 20:59 EST', '2026-11-02T01:59:00Z', true],
      ['fall back 2026-11-01: 21:00 EST', '2026-11-02T02:00:00Z', false],
      ['fall back 2026-11-01: 01:30 in the repeated hour, both times', '2026-11-01T06:30:00Z', false],
    ];
    for (const [label, at, allowed] of cases) {
      it(`${label} → ${allowed}`, () => assert.equal(isAllowedAt(utc(at), [NY], FEDERAL_WINDOW), allowed));
    }
  });

  it('never allows an empty window', () => {
    assert.equal(isAllowedAt(utc('2026-07-15T16:00:00Z'), [NY], { start: 720, end: 720 }), false);
  });

  it('refuses to decide without a zone', () => {
    assert.throws(() => isAllowedAt(utc('2026-07-15T16:00:00Z'), [], FEDERAL_WINDOW), (error: unknown) => error instanceof NoRecipientZoneError && error.code === 'no_recipient_zone');
  });
});

describe('nextAllowedAt', () => {
  describe('finds the earliest allowed minute', () => {
    const cases: ReadonlyArray<readonly [string, string, string[], SendingWindow, string | null]> = [
      ['returns the same instant when already allowed (seconds kept)', '2026-07-15T15:30:45.123Z', [NY], FEDERAL_WINDOW, '2026-07-15T15:30:45.123Z'],
      ['rounds up to the opening minute from 07:59:30', '2026-07-15T11:59:30Z', [NY], FEDERAL_WINDOW, '2026-07-15T12:00:00.000Z'],
      ['early morning → 08:00 the same day', '2026-07-15T09:00:00Z', [NY], FEDERAL_WINDOW, '2026-07-15T12:00:00.000Z'],
      ['21:00 → 08:00 the next day, across midnight', '2026-07-16T01:00:00Z', [NY], FEDERAL_WINDOW, '2026-07-16T12:00:00.000Z'],
      ['23:30 → 08:00 the next day', '2026-07-16T03:30:00Z', [NY], FEDERAL_WINDOW, '2026-07-16T12:00:00.000Z'],
      ['00:00 → 08:00 the same day', '2026-07-16T04:00:00Z', [NY], FEDERAL_WINDOW, '2026-07-16T12:00:00.000Z'],
      ['a merchant window opens at its own start', '2026-07-15T12:00:00Z', [NY], parseWindow('09:30-20:00'), '2026-07-15T13:30:00.000Z'],
      ['New York + Los Angeles at 09:00 ET → 11:00 ET', '2026-07-15T13:00:00Z', [NY, LA], FEDERAL_WINDOW, '2026-07-15T15:00:00.000Z'],
      ['New York + Los Angeles at 21:30 ET → 11:00 ET next day', '2026-07-16T01:30:00Z', [NY, LA], FEDERAL_WINDOW, '2026-07-16T15:00:00.000Z'],
      ['duplicate zones change nothing', '2026-07-15T13:00:00Z', [NY, LA, NY], FEDERAL_WINDOW, '2026-07-15T15:00:00.000Z'],
    ];
    for (const [label, at, zones, window, expected] of cases) {
      it(label, () => assert.equal(iso(nextAllowedAt(utc(at), zones, window)), expected));
    }
  });

  describe('stays exact across DST changes', () => {
    const cases: ReadonlyArray<readonly [string, string, string[], SendingWindow, string | null]> = [
      // 01:30 EST + 6½ wall-clock hours would be 13:00Z, an hour late: the night is an hour short.
      ['spring forward: 01:30 EST → 08:00 EDT', '2026-03-08T06:30:00Z', [NY], FEDERAL_WINDOW, '2026-03-08T12:00:00.000Z'],
      ['spring forward: 21:30 EST the evening before → 08:00 EDT', '2026-03-08T02:30:00Z', [NY], FEDERAL_WINDOW, '2026-03-08T12:00:00.000Z'],
      ['spring forward: a window opening at 02:30, which never happens, opens at 03:00 EDT', '2026-03-08T06:00:00Z', [NY], parseWindow('02:30-04:00'), '2026-03-08T07:00:00.000Z'],
      ['spring forward: a window wholly inside the skipped hour opens the next night', '2026-03-08T06:00:00Z', [NY], parseWindow('02:00-03:00'), '2026-03-09T06:00:00.000Z'],
      // 00:30 EDT + 7½ wall-clock hours would be 12:00Z, an hour early: the night is an hour long.
      ['fall back: 00:30 EDT → 08:00 EST', '2026-11-01T04:30:00Z', [NY], FEDERAL_WINDOW, '2026-11-01T13:00:00.000Z'],
      ['fall back: a window inside the repeated hour reopens after the clock goes back', '2026-11-01T05:50:00Z', [NY], parseWindow('01:30-01:45'), '2026-11-01T06:30:00.000Z'],
      ['New York + Los Angeles over their shared spring forward', '2026-03-08T03:00:00Z', [NY, LA], FEDERAL_WINDOW, '2026-03-08T15:00:00.000Z'],
      // The US changes on 03-08, the UK on 03-29: in between they are only 4 hours apart.
      ['New York + London between the two DST dates', '2026-03-10T01:00:00Z', [NY, 'Europe/London'], FEDERAL_WINDOW, '2026-03-10T12:00:00.000Z'],
    ];
    for (const [label, at, zones, window, expected] of cases) {
      it(label, () => assert.equal(iso(nextAllowedAt(utc(at), zones, window)), expected));
    }
  });

  describe('returns null when the zones never share the window', () => {
    const cases: ReadonlyArray<readonly [string, string[], SendingWindow]> = [
      // 25 hours apart: the same hour of the clock, one hour off, on different dates.
      ['Kiritimati + Pago Pago with a half-hour window', ['Pacific/Kiritimati', 'Pacific/Pago_Pago'], parseWindow('09:00-09:30')],
      ['London + Auckland with an 8-hour window', ['Europe/London', 'Pacific/Auckland'], parseWindow('09:00-17:00')],
      ['an empty window', [NY], { start: 600, end: 600 }],
    ];
    for (const [label, zones, window] of cases) {
      it(label, () => assert.equal(nextAllowedAt(utc('2026-07-15T12:00:00Z'), zones, window), null));
    }
  });

  it('treats Kiritimati + Pago Pago (25 hours apart) as one hour apart on the clock', () => {
    // 02:00Z: 16:00 on Jul 1 in Kiritimati, 15:00 on Jun 30 in Pago Pago.
    assert.equal(iso(nextAllowedAt(utc('2026-07-01T02:00:00Z'), ['Pacific/Kiritimati', 'Pacific/Pago_Pago'], FEDERAL_WINDOW)), '2026-07-01T02:00:00.000Z');
  });

  it('does not return the argument object itself, so callers cannot alias it', () => {
    const at = utc('2026-07-15T15:30:00Z');
    const next = nextAllowedAt(at, [NY], FEDERAL_WINDOW);
    assert.notEqual(next, at);
    assert.equal(next?.getTime(), at.getTime());
  });

  it('matches a minute-by-minute scan on a spread of instants, zones and windows', () => {
    const zoneSets = [[NY], [NY, LA], ['America/Chicago', 'Europe/London'], ['Australia/Sydney'], ['Asia/Kathmandu', 'America/Denver'], ['Pacific/Chatham', 'America/St_Johns']];
    const windows = [FEDERAL_WINDOW, parseWindow('09:00-20:00'), parseWindow('01:15-02:45'), parseWindow('00:00-03:00'), parseWindow('20:30-24:00')];
    // Around both US DST changes of 2026 and Sydney's of 2026-04-05.
    const starts = ['2026-03-07T20:00:00Z', '2026-03-08T05:17:00Z', '2026-04-04T13:41:00Z', '2026-10-31T22:03:00Z', '2026-11-01T05:59:30Z'];
    for (const zones of zoneSets) {
      for (const window of windows) {
        for (const start of starts) {
          const expected = scan(utc(start), zones, window, 2 * 1440);
          const actual = nextAllowedAt(utc(start), zones, window);
          const label = `${start} ${zones.join('+')} ${window.start}-${window.end}`;
          if (expected) assert.equal(iso(actual), iso(expected), label);
          else assert.ok(actual === null || actual.getTime() > utc(start).getTime() + 2 * 86_400_000, label);
        }
      }
    }
  });
});

describe('checkQuietHours', () => {
  it('allows inside the window in every zone', () => {
    assert.deepEqual(checkQuietHours(utc('2026-07-15T16:00:00Z'), [NY, LA], FEDERAL_WINDOW), { allowed: true });
  });

  it('reports the zones that are quiet now and when the send may go', () => {
    assert.deepEqual(checkQuietHours(utc('2026-07-15T13:00:00Z'), [NY, LA], FEDERAL_WINDOW), {
      allowed: false,
      until: utc('2026-07-15T15:00:00Z'),
      rule: 'quiet_hours',
      zones: [LA],
    });
  });

  it('lists every quiet zone, sorted', () => {
    const result = checkQuietHours(utc('2026-07-15T06:00:00Z'), [NY, LA, 'America/Chicago'], FEDERAL_WINDOW);
    assert.equal(result.allowed, false);
    if (!result.allowed) assert.deepEqual(result.zones, ['America/Chicago', LA, NY]);
  });

  it('reports until: null when the zones never share the window', () => {
    const result = checkQuietHours(utc('2026-07-15T12:00:00Z'), ['Europe/London', 'Pacific/Auckland'], parseWindow('09:00-17:00'));
    assert.equal(result.allowed, false);
    if (!result.allowed) assert.equal(result.until, null);
  });
});

/** Reference answer: the first allowed whole minute (or `at` itself), found the slow way. */
function scan(at: Date, zones: string[], window: SendingWindow, minutes: number): Date | null {
  if (isAllowedAt(at, zones, window)) return at;
  const first = Math.ceil(at.getTime() / 60_000) * 60_000;
  for (let i = 0; i <= minutes; i += 1) {
    const candidate = new Date(first + i * 60_000);
    if (isAllowedAt(candidate, zones, window)) return candidate;
  }
  return null;
}
