/**
 * The property tests' oracle for the rule table: reads a place's wall clock
 * with its own Intl formatter (not the code under test's zone clock) and
 * applies a rule's data directly.
 */
import type { SendingWindow } from '../../src/compliance/quiet-hours.js';
import { holidayOn } from '../../src/compliance/rules/holidays.js';
import type { ComplianceRule } from '../../src/compliance/rules/rule-table.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

export function local(ms: number, zone: string): { date: string; weekday: number; minute: number } {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', weekday: 'short' });
    formatters.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(ms).map((part) => [part.type, part.value]));
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!);
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, minute: (Number(parts.hour) % 24) * 60 + Number(parts.minute) };
}

export const inside = (minute: number, window: SendingWindow): boolean => minute >= window.start && minute < window.end;

export function ruleAllows(rule: ComplianceRule, zone: string, ms: number): boolean {
  const here = local(ms, zone);
  if (here.date < rule.effective) return true;
  if (rule.noSundays && here.weekday === 0) return false;
  if (rule.holidays && holidayOn(rule.holidays, here.date)) return false;
  const window = rule.week[here.weekday];
  if (!window || !inside(here.minute, window)) return false;
  if (rule.alsoOnClock) {
    const fixed = local(ms, rule.alsoOnClock.zone);
    if (!inside(fixed.minute, rule.week[fixed.weekday] ?? { start: 0, end: 1440 })) return false;
  }
  return true;
}
