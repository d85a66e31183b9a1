import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  easterSunday,
  goodFriday,
  HOLIDAY_CALENDARS,
  holidayOn,
  holidaysIn,
  lastWeekday,
  mardiGras,
  nthWeekday,
  thanksgiving,
} from '../../../src/compliance/rules/holidays.js';

describe('date functions', () => {
  // Published Western Easter dates.
  const easter: ReadonlyArray<readonly [number, string]> = [
    [2000, '2000-04-23'],
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
  ];
  for (const [year, date] of easter) {
    it(`Easter ${year} is ${date}`, () => assert.equal(easterSunday(year), date));
  }

  const cases: ReadonlyArray<readonly [string, () => string, string]> = [
    ['Mardi Gras 2026', () => mardiGras(2026), '2026-02-17'],
    ['Mardi Gras 2025', () => mardiGras(2025), '2025-03-04'],
    ['Good Friday 2026', () => goodFriday(2026), '2026-04-03'],
    ['Thanksgiving 2026', () => thanksgiving(2026), '2026-11-26'],
    ['Thanksgiving 2025', () => thanksgiving(2025), '2025-11-27'],
    ['third Monday of January 2026 (MLK Day)', () => nthWeekday(2026, 1, 1, 3), '2026-01-19'],
    ['first Monday of September 2026 (Labor Day)', () => nthWeekday(2026, 9, 1, 1), '2026-09-07'],
    ['second Monday of October 2026', () => nthWeekday(2026, 10, 1, 2), '2026-10-12'],
    ['fourth Monday of April 2026', () => nthWeekday(2026, 4, 1, 4), '2026-04-27'],
    ['last Monday of May 2026 (Memorial Day)', () => lastWeekday(2026, 5, 1), '2026-05-25'],
    ['last Monday of May 2027', () => lastWeekday(2027, 5, 1), '2027-05-31'],
    ['first Monday of June 2026', () => nthWeekday(2026, 6, 1, 1), '2026-06-01'],
  ];
  for (const [label, compute, expected] of cases) {
    it(`${label} is ${expected}`, () => assert.equal(compute(), expected));
  }
});

describe('Louisiana holidays (La. R.S. 1:55(A)(1))', () => {
  const expected2026: ReadonlyArray<readonly [string, string]> = [
    ['2026-01-01', "New Year's Day"],
    ['2026-01-08', 'Battle of New Orleans'],
    ['2026-01-19', "Dr. Martin Luther King, Jr.'s Birthday"],
    ['2026-02-16', "Washington's Birthday and Presidents' Day"],
    ['2026-02-17', 'Mardi Gras'],
    ['2026-04-03', 'Good Friday'],
    ['2026-05-25', 'National Memorial Day'],
    ['2026-07-04', 'Independence Day'],
    ['2026-08-30', 'Huey P. Long Day'],
    ['2026-09-07', 'Labor Day'],
    ['2026-10-12', 'Christopher Columbus Day'],
    ['2026-11-01', "All Saints' Day"],
    ['2026-11-11', "Veterans' Day"],
    ['2026-11-26', 'Thanksgiving Day'],
    ['2026-12-25', 'Christmas Day'],
  ];
  for (const [date, name] of expected2026) {
    it(`${date} is ${name}, verified`, () => {
      const holiday = holidayOn('US-LA', date);
      assert.equal(holiday?.name, name);
      assert.equal(holiday?.verified, true);
    });
  }

  it('closes the Friday before a Saturday Independence Day, flagged unverified', () => {
    const observed = holidayOn('US-LA', '2026-07-03');
    assert.equal(observed?.name, 'Independence Day (observed)');
    assert.equal(observed?.verified, false);
  });

  it('leaves ordinary days open', () => {
    for (const date of ['2026-01-02', '2026-03-17', '2026-11-27', '2026-12-24']) assert.equal(holidayOn('US-LA', date), null, date);
  });
});

describe('Alabama holidays (Ala. Code § 1-3-8)', () => {
  const expected2026: ReadonlyArray<readonly [string, string]> = [
    ['2026-01-01', "New Year's Day"],
    ['2026-01-19', "Robert E. Lee's / Martin Luther King, Jr.'s Birthday"],
    ['2026-02-16', "George Washington's / Thomas Jefferson's Birthday"],
    ['2026-04-27', 'Confederate Memorial Day'],
    ['2026-05-25', 'National Memorial Day'],
    ['2026-06-01', "Jefferson Davis' Birthday"],
    ['2026-07-04', 'Independence Day'],
    ['2026-09-07', 'Labor Day'],
    ['2026-10-12', 'Columbus Day / Fraternal Day / American Indian Heritage Day'],
    ['2026-11-11', "Veterans' Day"],
    ['2026-11-26', 'Thanksgiving Day'],
    ['2026-12-25', 'Christmas Day'],
  ];
  for (const [date, name] of expected2026) {
    it(`${date} is ${name}`, () => assert.equal(holidayOn('US-AL', date)?.name, name));
  }

  it('a Saturday holiday is observed on the preceding Friday (statutory, so verified)', () => {
    const observed = holidayOn('US-AL', '2026-07-03');
    assert.equal(observed?.name, 'Independence Day (observed)');
    assert.equal(observed?.verified, true);
  });

  it('a Sunday holiday is observed on the following Monday', () => {
    // Veterans' Day 2029 is a Sunday.
    assert.equal(holidayOn('US-AL', '2029-11-12')?.name, "Veterans' Day (observed)");
  });

  it("New Year's Day on a Saturday closes the previous year's 31 December", () => {
    // 2028-01-01 is a Saturday.
    assert.equal(holidayOn('US-AL', '2027-12-31')?.name, "New Year's Day (observed)");
  });

  it('marks the conservative extras as unverified', () => {
    assert.equal(holidayOn('US-AL', '2026-02-17')?.verified, false, 'Mardi Gras is local to Baldwin and Mobile');
    assert.equal(holidayOn('US-AL', '2026-06-19')?.verified, false, 'Juneteenth is not in the text we read');
  });

  it('holidaysIn lists only dates of the asked year', () => {
    for (const date of holidaysIn('US-AL', 2027).keys()) assert.ok(date.startsWith('2027-'), date);
  });
});

describe('holiday calendars', () => {
  it('every calendar names its citation, sources and what it cannot predict', () => {
    for (const calendar of Object.values(HOLIDAY_CALENDARS)) {
      assert.ok(calendar.citation.length > 0);
      assert.ok(calendar.sources.length > 0);
      assert.ok(calendar.limits.length > 0);
    }
  });
});
