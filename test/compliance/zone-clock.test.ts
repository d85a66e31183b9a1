import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidTimeZoneError, MS_PER_MINUTE, wallClockMinutes } from '../../src/compliance/zone-clock.js';

/** The wall clock read straight from a formatter of our own, as the oracle. */
function oracle(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute')) / MS_PER_MINUTE;
}

describe('zone clock', () => {
  it('a reading asked again (the memo) agrees with the platform, second by second across a spring and a fall change', () => {
    const changes = [
      ['America/New_York', Date.UTC(2026, 2, 8, 7, 0)],
      ['America/New_York', Date.UTC(2026, 10, 1, 6, 0)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 15, 0)],
      ['Asia/Kathmandu', Date.UTC(2026, 0, 1, 0, 0)],
      ['America/St_Johns', Date.UTC(2010, 2, 14, 3, 31)],
    ] as const;
    for (const [zone, at] of changes) {
      for (let ms = at - 3 * MS_PER_MINUTE; ms <= at + 3 * MS_PER_MINUTE; ms += 7_000) {
        const first = wallClockMinutes(ms, zone);
        assert.equal(first, oracle(ms, zone), `${zone} at ${new Date(ms).toISOString()}`);
        assert.equal(wallClockMinutes(ms, zone), first, `${zone} at ${new Date(ms).toISOString()}, asked again`);
      }
    }
  });

  it('an instant before whole-minute offsets is read as it is (local mean time has seconds)', () => {
    const ms = Date.UTC(1900, 0, 1, 12, 0, 30);
    assert.equal(wallClockMinutes(ms, 'Europe/Amsterdam'), oracle(ms, 'Europe/Amsterdam'));
    assert.equal(wallClockMinutes(ms + 29_000, 'Europe/Amsterdam'), oracle(ms + 29_000, 'Europe/Amsterdam'));
  });

  it('an unknown zone is refused every time, not remembered', () => {
    for (let i = 0; i < 2; i++) assert.throws(() => wallClockMinutes(Date.now(), 'Mars/Olympus_Mons'), InvalidTimeZoneError);
  });
});
