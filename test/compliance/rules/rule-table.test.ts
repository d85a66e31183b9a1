import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FEDERAL_WINDOW } from '../../../src/compliance/quiet-hours.js';
import { allRules, FEDERAL_RULE, POLICY, RULESET_VERSION, STATE_RULES, stateRule } from '../../../src/compliance/rules/rule-table.js';
import { describeWeek } from '../../../src/compliance/rules/schedule.js';

describe('rule table', () => {
  it('has a dated version', () => assert.match(RULESET_VERSION, /^\d{4}-\d{2}-\d{2}\.\d+$/));

  it('lists the federal rule and the nine stricter states', () => {
    assert.deepEqual(Object.keys(STATE_RULES).sort(), ['AL', 'CT', 'FL', 'LA', 'MD', 'MS', 'OK', 'TX', 'WA']);
    assert.equal(allRules()[0], FEDERAL_RULE);
  });

  for (const rule of allRules()) {
    describe(rule.id, () => {
      it('carries a citation, an effective date, sources and a note', () => {
        assert.ok(rule.citation.length > 0);
        assert.match(rule.effective, /^\d{4}-\d{2}-\d{2}$/);
        assert.ok(rule.sources.length > 0);
        assert.ok(rule.note.length > 0);
        assert.equal(typeof rule.verified, 'boolean');
        assert.equal(typeof rule.effectiveVerified, 'boolean');
      });

      it('is never wider than the federal window', () => {
        for (const window of rule.week) {
          if (!window) continue;
          assert.ok(window.start >= FEDERAL_WINDOW.start && window.end <= FEDERAL_WINDOW.end, JSON.stringify(window));
        }
      });

      it('names its jurisdiction after its id', () => {
        assert.equal(rule.id, rule.jurisdiction === 'US' ? 'us-federal' : rule.jurisdiction.toLowerCase());
      });
    });
  }

  it('gives rule ids that are unique', () => {
    const ids = allRules().map((rule) => rule.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  const expected: ReadonlyArray<readonly [string, string, boolean, boolean, string | null]> = [
    // state, schedule, noSundays, holidays, cap
    ['FL', 'daily 08:00–20:00', false, false, '3/24h same_subject'],
    ['OK', 'daily 08:00–20:00', false, false, '3/24h same_subject'],
    ['MD', 'daily 08:00–20:00', false, false, '3/24h same_subject'],
    ['CT', 'daily 09:00–20:00', false, false, null],
    ['WA', 'daily 08:00–20:00', false, false, null],
    ['TX', 'Mon–Sat 09:00–21:00, Sun 12:00–21:00', false, false, null],
    ['LA', 'Mon–Sat 08:00–20:00, Sun closed', true, true, null],
    ['MS', 'Mon–Sat 08:00–20:00, Sun closed', true, false, null],
    ['AL', 'Mon–Sat 08:00–20:00, Sun closed', true, true, null],
  ];
  for (const [state, schedule, noSundays, holidays, cap] of expected) {
    it(`${state}: ${schedule}${noSundays ? ', no Sundays' : ''}${holidays ? ', holidays' : ''}${cap ? `, cap ${cap}` : ''}`, () => {
      const rule = STATE_RULES[state]!;
      assert.equal(describeWeek(rule.week), schedule);
      assert.equal(rule.noSundays ?? false, noSundays);
      assert.equal(rule.holidays !== undefined, holidays);
      assert.equal(rule.cap ? `${rule.cap.max}/${rule.cap.hours}h ${rule.cap.scope}` : null, cap);
    });
  }

  it('records which texts were verified', () => {
    const verified = allRules().filter((rule) => rule.verified).map((rule) => rule.id).sort();
    assert.deepEqual(verified, ['us-al', 'us-federal', 'us-fl', 'us-la', 'us-ms', 'us-wa']);
  });

  it('Mississippi is also read on Central Standard Time, as its statute says', () => {
    assert.equal(STATE_RULES.MS?.alsoOnClock?.zone, 'Etc/GMT+6');
  });

  it('stateRule accepts "FL", "fl" and "US-FL", and knows nothing of other places', () => {
    assert.equal(stateRule('FL'), STATE_RULES.FL);
    assert.equal(stateRule(' fl '), STATE_RULES.FL);
    assert.equal(stateRule('US-FL'), STATE_RULES.FL);
    assert.equal(stateRule('NY'), null);
    assert.equal(stateRule('constructor'), null);
    assert.equal(stateRule(null), null);
  });

  it('cites CartRescue policies like rules', () => {
    assert.equal(POLICY.defaultCap.cap.max, 3);
    assert.equal(POLICY.countryWindow('CA').id, 'country-window:CA');
  });
});
