import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkAt,
  describeWeek,
  everyDay,
  mondayToSaturday,
  nextOpening,
  type Constraint,
} from '../../../src/compliance/rules/schedule.js';

const W = (start: number, end: number) => ({ start: start * 60, end: end * 60 });
const MINUTE = 60_000;
const DAY = 1440 * MINUTE;

function constraint(zone: string, overrides: Partial<Constraint> = {}): Constraint {
  return { zone, week: everyDay(W(8, 20)), effective: '0000-01-01', noSundays: false, holiday: () => null, ...overrides };
}

describe('describeWeek', () => {
  const cases: ReadonlyArray<readonly [string, ReturnType<typeof everyDay>, string]> = [
    ['the same window every day', everyDay(W(8, 21)), 'daily 08:00–21:00'],
    ['a Sunday window of its own', mondayToSaturday(W(9, 21), W(12, 21)), 'Mon–Sat 09:00–21:00, Sun 12:00–21:00'],
    ['no Sunday window', mondayToSaturday(W(8, 20), null), 'Mon–Sat 08:00–20:00, Sun closed'],
  ];
  for (const [label, week, text] of cases) it(label, () => assert.equal(describeWeek(week), text));
});

describe('checkAt', () => {
  it('reads the local date, weekday and minute', () => {
    const check = checkAt(constraint('America/Chicago'), Date.parse('2026-03-08T15:00:00Z'));
    assert.deepEqual(check.local, { date: '2026-03-08', weekday: 0, minute: 600 });
    assert.equal(check.allowed, true);
  });

  it('says why a moment is blocked', () => {
    const sunday = checkAt(constraint('America/Chicago', { noSundays: true }), Date.parse('2026-03-08T15:00:00Z'));
    assert.deepEqual(sunday.allowed ? null : sunday.because, { kind: 'sunday' });
    const holiday = checkAt(constraint('America/Chicago', { holiday: (date) => (date === '2026-03-09' ? 'Test Day' : null) }), Date.parse('2026-03-09T15:00:00Z'));
    assert.deepEqual(holiday.allowed ? null : holiday.because, { kind: 'holiday', name: 'Test Day' });
    const late = checkAt(constraint('America/Chicago'), Date.parse('2026-03-10T02:00:00Z'));
    assert.deepEqual(late.allowed ? null : late.because, { kind: 'outside_window', window: W(8, 20) });
  });

  it('does not restrict days before the effective date', () => {
    const before = checkAt(constraint('America/New_York', { effective: '2026-03-10' }), Date.parse('2026-03-09T03:00:00Z'));
    assert.equal(before.allowed, true);
    const after = checkAt(constraint('America/New_York', { effective: '2026-03-10' }), Date.parse('2026-03-11T03:00:00Z'));
    assert.equal(after.allowed, false);
  });
});

describe('nextOpening', () => {
  it('returns the instant itself, unrounded, when it is already allowed', () => {
    const at = Date.parse('2026-06-10T15:00:30.500Z');
    assert.equal(nextOpening(constraint('America/New_York'), at, at + 14 * DAY), at);
  });

  it('returns null when nothing opens before the limit', () => {
    const closed = constraint('UTC', { week: [null, null, null, null, null, null, null] });
    const at = Date.parse('2026-06-10T15:00:00Z');
    assert.equal(nextOpening(closed, at, at + 30 * DAY), null);
  });

  it('looks past long closures (the scan resumes beyond three weeks)', () => {
    const at = Date.parse('2026-06-01T00:00:00Z');
    const holiday = (date: string): string | null => (date < '2026-07-01' ? 'closed all June' : null);
    const opening = nextOpening(constraint('UTC', { holiday }), at, at + 60 * DAY);
    assert.equal(new Date(opening!).toISOString(), '2026-07-01T08:00:00.000Z');
  });

  // Brute force: the answer is allowed, and nothing between the start and
  // the answer is (sampled every 15 minutes, which every offset in use and
  // every window edge is a multiple of, plus the minute just before).
  const zones: ReadonlyArray<readonly [string, string]> = [
    ['America/New_York', '2026-03-06T00:00:00Z'],
    ['America/New_York', '2026-10-30T00:00:00Z'],
    ['America/St_Johns', '2026-03-06T00:00:00Z'],
    ['Asia/Kolkata', '2026-06-01T00:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-02T00:00:00Z'],
    ['Europe/London', '2026-03-27T00:00:00Z'],
    ['Pacific/Chatham', '2026-04-03T00:00:00Z'],
  ];
  for (const [zone, fromIso] of zones) {
    it(`finds the earliest opening in ${zone} around ${fromIso.slice(0, 10)}`, () => {
      const c = constraint(zone, { week: mondayToSaturday(W(9, 20), W(12, 18)) });
      const start = Date.parse(fromIso);
      for (let t = start; t < start + 4 * DAY; t += 97 * MINUTE) {
        const opening = nextOpening(c, t, t + 14 * DAY);
        assert.ok(opening !== null);
        assert.ok(checkAt(c, opening).allowed, `${zone}: ${new Date(opening).toISOString()} should be allowed`);
        for (let probe = t; probe < opening; probe += 15 * MINUTE) {
          assert.equal(checkAt(c, probe).allowed, false, `${zone}: ${new Date(probe).toISOString()} is allowed, before ${new Date(opening).toISOString()}`);
        }
        if (opening - MINUTE >= t) assert.equal(checkAt(c, opening - MINUTE).allowed, false);
      }
    });
  }
});
