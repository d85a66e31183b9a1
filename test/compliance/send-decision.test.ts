import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInstantError, NoRecipientZoneError } from '../../src/compliance/quiet-hours.js';
import { RULESET_VERSION } from '../../src/compliance/rules/rule-table.js';
import {
  candidatesFor,
  decideSend,
  DEFER_HORIZON_DAYS,
  type Candidate,
  type SendDecision,
  type SendDecisionInput,
} from '../../src/compliance/send-decision.js';
import { InvalidTimeZoneError } from '../../src/compliance/zone-clock.js';

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const LAX = 'America/Los_Angeles';

const us = (zone: string, region: string | null, source: Candidate['source'] = 'address'): Candidate => ({ zone, country: 'US', region, source });

function input(overrides: Partial<SendDecisionInput>): SendDecisionInput {
  return {
    at: new Date('2026-06-10T16:00:00Z'),
    kind: 'marketing',
    candidates: [us(NY, 'NY')],
    merchantWindow: null,
    recentMarketing: [],
    profile: 'standard',
    ...overrides,
  };
}

const ids = (decision: SendDecision): string[] => decision.rules.map((rule) => rule.id);

describe('decideSend: the decision value', () => {
  it('a send lists every rule it checked, with citations and reasons', () => {
    const decision = decideSend(input({ candidates: [us(NY, 'FL')] }));
    assert.equal(decision.verdict, 'send');
    assert.deepEqual(ids(decision), ['us-federal', 'us-fl', 'cap-default', 'us-fl:cap']);
    for (const rule of decision.rules) {
      assert.ok(rule.citation.length > 0, rule.id);
      assert.ok(rule.reason.length > 0, rule.id);
    }
    assert.match(decision.rules[0]!.reason, /^allows: Wed 2026-06-10 12:00 America\/New_York \(address, US-FL\) is inside daily 08:00–21:00$/);
    assert.equal(decision.rulesetVersion, RULESET_VERSION);
  });

  it('survives a JSON round trip for storage on the message', () => {
    const decision = decideSend(input({ at: new Date('2026-06-11T02:00:00Z') }));
    const stored = JSON.parse(JSON.stringify(decision)) as { verdict: string; until: string };
    assert.equal(stored.verdict, 'defer');
    assert.equal(stored.until, '2026-06-11T12:00:00.000Z');
  });

  it('flags rules whose statute text was not verified', () => {
    const decision = decideSend(input({ candidates: [us(NY, 'CT')], at: new Date('2026-06-10T12:30:00Z') }));
    assert.match(decision.rules[0]!.reason, /\[rule text unverified\]$/);
  });
});

describe('decideSend: transactional', () => {
  it('a STOP/HELP reply always goes, even at 3 a.m. with the caps reached', () => {
    const decision = decideSend(
      input({
        kind: 'transactional',
        at: new Date('2026-06-10T07:00:00Z'),
        recentMarketing: [new Date('2026-06-10T01:00:00Z'), new Date('2026-06-10T02:00:00Z'), new Date('2026-06-10T03:00:00Z')],
        profile: 'strict',
        cartMessagesSent: 5,
      }),
    );
    assert.equal(decision.verdict, 'send');
    assert.deepEqual(ids(decision), ['transactional']);
  });

  it('needs no candidates', () => {
    assert.equal(decideSend(input({ kind: 'transactional', candidates: [] })).verdict, 'send');
  });
});

describe('decideSend: several places', () => {
  it('goes only when every place allows it: 07:30 in Los Angeles holds a text that New York would take', () => {
    const decision = decideSend(input({ at: new Date('2026-06-10T14:30:00Z'), candidates: [us(NY, null), us(LAX, null)] }));
    assert.equal(decision.verdict, 'defer');
    assert.equal(decision.until?.toISOString(), '2026-06-10T15:00:00.000Z');
    assert.match(decision.rules[0]!.reason, /America\/Los_Angeles/);
    assert.doesNotMatch(decision.rules[0]!.reason, /New_York/, 'the held reason names only the place that held it');
  });

  it('defers to the earliest moment allowed under all: a Florida panhandle number at 19:30 Central is 20:30 Eastern', () => {
    const candidates = candidatesFor({ phone: '+18505550123', addresses: [], merchantZone: NY });
    assert.deepEqual(candidates.map((c) => c.zone).sort(), [CHI, NY]);
    const decision = decideSend(input({ at: new Date('2026-06-11T00:30:00Z'), candidates }));
    assert.equal(decision.verdict, 'defer');
    // 08:00 in Chicago (13:00Z) is 09:00 in New York: the later of the two openings.
    assert.equal(decision.until?.toISOString(), '2026-06-11T13:00:00.000Z');
  });

  it('a Texas address and a Louisiana number on a Sunday wait for Monday (LA), not Sunday noon (TX)', () => {
    const candidates = candidatesFor({ phone: '+15045550123', addresses: [{ countryCode: 'US', provinceCode: 'TX', zip: '77001' }], merchantZone: NY });
    const decision = decideSend(input({ at: new Date('2026-03-08T16:00:00Z'), candidates }));
    assert.equal(decision.verdict, 'defer');
    // A Texas address may be in El Paso (Mountain time): Monday 09:00 MDT, when TX opens there, is 15:00Z.
    assert.equal(decision.until?.toISOString(), '2026-03-09T15:00:00.000Z');
    assert.deepEqual(ids(decision).slice(0, 2).sort(), ['us-la', 'us-tx']);
  });

  it('refuses when no moment suits every place within the horizon', () => {
    const decision = decideSend(
      input({ candidates: [us(NY, null), us('Pacific/Honolulu', null)], merchantWindow: { start: 480, end: 540 } }),
    );
    assert.equal(decision.verdict, 'refuse');
    assert.equal(decision.until, undefined);
    const noWindow = decision.rules.find((rule) => rule.id === 'no-common-window');
    assert.ok(noWindow);
    assert.match(noWindow.reason, new RegExp(`${DEFER_HORIZON_DAYS} days`));
  });
});

describe('decideSend: merchant and country windows', () => {
  it("the merchant's narrower window holds a text the law would allow", () => {
    const decision = decideSend(input({ at: new Date('2026-06-10T13:00:00Z'), merchantWindow: { start: 600, end: 1080 } }));
    assert.equal(decision.verdict, 'defer');
    assert.equal(decision.until?.toISOString(), '2026-06-10T14:00:00.000Z');
    assert.equal(decision.rules[0]?.id, 'merchant-window');
  });

  it('a wider merchant window cannot widen the law', () => {
    const decision = decideSend(input({ at: new Date('2026-06-11T01:30:00Z'), merchantWindow: { start: 0, end: 1440 } }));
    assert.equal(decision.verdict, 'defer');
    assert.equal(decision.rules[0]?.id, 'us-federal');
  });

  it('outside the US the default country window applies (08:00–21:00 local), not US rules', () => {
    const toronto: Candidate = { zone: 'America/Toronto', country: 'CA', region: 'ON', source: 'address' };
    const decision = decideSend(input({ at: new Date('2026-06-11T00:30:00Z'), candidates: [toronto] }));
    assert.equal(decision.verdict, 'send');
    assert.deepEqual(ids(decision), ['country-window:CA', 'cap-default']);
  });

  it("the merchant's configured country window is used", () => {
    const london: Candidate = { zone: 'Europe/London', country: 'GB', region: null, source: 'area_code' };
    const decision = decideSend(input({ at: new Date('2026-06-10T08:30:00Z'), candidates: [london], countryWindows: { GB: { start: 600, end: 1140 } } }));
    assert.equal(decision.verdict, 'defer');
    assert.equal(decision.until?.toISOString(), '2026-06-10T09:00:00.000Z');
    assert.equal(decision.rules[0]?.id, 'country-window:GB');
  });

  it('US territories fall under the federal rule', () => {
    const pr: Candidate = { zone: 'America/Puerto_Rico', country: 'PR', region: null, source: 'area_code' };
    assert.deepEqual(ids(decideSend(input({ candidates: [pr] }))), ['us-federal', 'cap-default']);
  });

  it('a region without a country is placed by the region', () => {
    const provider: Candidate = { zone: CHI, country: null, region: 'TX', source: 'provider' };
    assert.ok(ids(decideSend(input({ candidates: [provider] }))).includes('us-tx'));
  });
});

describe('decideSend: caps and profiles', () => {
  const at = new Date('2026-06-10T16:00:00Z');
  const hoursAgo = (hours: number): Date => new Date(at.getTime() - hours * 3_600_000);

  it('refuses the fourth marketing text to a phone within 24 h, across all carts, with the default cap', () => {
    const decision = decideSend(input({ at, recentMarketing: [hoursAgo(1), hoursAgo(5), hoursAgo(23)] }));
    assert.equal(decision.verdict, 'refuse');
    assert.deepEqual(ids(decision), ['cap-default']);
    assert.match(decision.rules[0]!.reason, /^3 marketing texts to this phone in the last 24 h \(limit 3; latest 2026-06-10T15:00:00.000Z\)$/);
  });

  it('ignores texts older than 24 h and times after the decision', () => {
    const decision = decideSend(input({ at, recentMarketing: [hoursAgo(1), hoursAgo(24), hoursAgo(30), hoursAgo(-2)] }));
    assert.equal(decision.verdict, 'send');
  });

  it('refuses, not defers, when capped at night', () => {
    const night = new Date('2026-06-11T05:00:00Z');
    const recent = [1, 2, 3].map((h) => new Date(night.getTime() - h * 3_600_000));
    assert.equal(decideSend(input({ at: night, recentMarketing: recent })).verdict, 'refuse');
  });

  it('the strict profile refuses a second text for the same cart', () => {
    const decision = decideSend(input({ at, profile: 'strict', cartMessagesSent: 1 }));
    assert.equal(decision.verdict, 'refuse');
    assert.deepEqual(ids(decision), ['profile-strict']);
  });

  it('the strict profile lets the first text go', () => {
    assert.equal(decideSend(input({ at, profile: 'strict', cartMessagesSent: 0 })).verdict, 'send');
    assert.equal(decideSend(input({ at, profile: 'strict' })).verdict, 'send');
  });

  it('the standard profile does not limit texts per cart', () => {
    assert.equal(decideSend(input({ at, profile: 'standard', cartMessagesSent: 2 })).verdict, 'send');
  });
});

describe('decideSend: bad input', () => {
  it('throws NoRecipientZoneError without candidates for marketing', () => {
    assert.throws(() => decideSend(input({ candidates: [] })), NoRecipientZoneError);
  });
  it('throws InvalidInstantError for an invalid date', () => {
    assert.throws(() => decideSend(input({ at: new Date('nope') })), InvalidInstantError);
  });
  it('throws InvalidTimeZoneError for an unknown zone', () => {
    assert.throws(() => decideSend(input({ candidates: [us('Mars/Olympus_Mons', null)] })), InvalidTimeZoneError);
  });
});

describe('candidatesFor', () => {
  it('places a NANP number by its area code and state', () => {
    assert.deepEqual(candidatesFor({ phone: '+12035550123', addresses: [], merchantZone: LAX }), [{ zone: NY, country: 'US', region: 'CT', source: 'area_code' }]);
  });

  it('lists every zone of a split area code', () => {
    const zones = candidatesFor({ phone: '+19285550123', addresses: [], merchantZone: NY }).map((c) => c.zone);
    assert.deepEqual(zones.sort(), ['America/Denver', 'America/Phoenix']);
  });

  it('gives each region of a shared area code its own candidates', () => {
    const regions = new Set(candidatesFor({ phone: '+19025550123', addresses: [], merchantZone: NY }).map((c) => c.region));
    assert.deepEqual([...regions].sort(), ['NS', 'PE']);
  });

  it('places a non-NANP number by its country', () => {
    assert.deepEqual(candidatesFor({ phone: '+442079460000', addresses: [], merchantZone: NY }), [{ zone: 'Europe/London', country: 'GB', region: null, source: 'area_code' }]);
  });

  it('adds shipping and billing addresses, with "US-KY" read as KY', () => {
    const candidates = candidatesFor({
      phone: '+12035550123',
      addresses: [
        { countryCode: 'us', provinceCode: 'US-KY', zip: null },
        { countryCode: 'US', provinceCode: 'WA', zip: null },
      ],
      merchantZone: NY,
    });
    assert.deepEqual(
      candidates.filter((c) => c.source === 'address').map((c) => `${c.region}:${c.zone}`).sort(),
      ['KY:America/Chicago', 'KY:America/New_York', 'WA:America/Los_Angeles'],
    );
  });

  it("adds the provider's FromState", () => {
    const candidates = candidatesFor({ phone: '+12035550123', addresses: [], providerRegion: { country: 'US', state: 'OK' }, merchantZone: NY });
    assert.ok(candidates.some((c) => c.source === 'provider' && c.region === 'OK' && c.zone === CHI));
  });

  it("falls back to the merchant's zone, with its country, only when nothing else places the recipient", () => {
    assert.deepEqual(candidatesFor({ phone: '+15005550123', addresses: [], merchantZone: CHI }), [{ zone: CHI, country: 'US', region: null, source: 'merchant' }]);
    assert.deepEqual(candidatesFor({ phone: 'not a phone', addresses: [{ countryCode: null, provinceCode: null, zip: null }], merchantZone: 'Europe/Paris' }), [
      { zone: 'Europe/Paris', country: 'FR', region: null, source: 'merchant' },
    ]);
  });

  it('drops exact duplicates', () => {
    const address = { countryCode: 'US', provinceCode: 'CT', zip: null };
    const candidates = candidatesFor({ phone: '+12035550123', addresses: [address, address], merchantZone: NY });
    assert.equal(candidates.length, 2);
  });

  it('throws InvalidTimeZoneError for an unknown merchant zone', () => {
    assert.throws(() => candidatesFor({ phone: '+12035550123', addresses: [], merchantZone: 'Nowhere/Special' }), InvalidTimeZoneError);
  });
});
