/**
 * Each rule, table-driven, through the public decision: one candidate place,
 * an instant (UTC), and the expected verdict and until-time. Dates straddle
 * the 2026 US clock changes (Sunday 8 March, Sunday 1 November) and the
 * states' holidays.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideSend, type Candidate, type SendDecision } from '../../../src/compliance/send-decision.js';

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const DEN = 'America/Denver';
const LAX = 'America/Los_Angeles';

interface Case {
  label: string;
  at: string;
  zone: string;
  expect: 'send' | { until: string };
  /** The rule that must appear first (the one that held the message) for a defer. */
  heldBy?: string;
}

function decide(region: string | null, zone: string, at: string, recent: string[] = []): SendDecision {
  const candidate: Candidate = { zone, country: 'US', region, source: 'address' };
  return decideSend({
    at: new Date(at),
    kind: 'marketing',
    candidates: [candidate],
    merchantWindow: null,
    recentMarketing: recent.map((iso) => new Date(iso)),
    profile: 'standard',
  });
}

function runTable(region: string | null, cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.label, () => {
      const decision = decide(region, c.zone, c.at);
      if (c.expect === 'send') {
        assert.equal(decision.verdict, 'send', JSON.stringify(decision.rules));
        assert.equal(decision.until, undefined);
      } else {
        assert.equal(decision.verdict, 'defer', JSON.stringify(decision.rules));
        assert.equal(decision.until?.toISOString(), new Date(c.expect.until).toISOString());
        if (c.heldBy) assert.equal(decision.rules[0]?.id, c.heldBy);
        assert.match(decision.rules[0]?.reason ?? '', /^blocks: /);
      }
    });
  }
}

describe('us-federal (47 C.F.R. § 64.1200(c)(1)): 08:00–21:00 local', () => {
  runTable(null, [
    { label: 'NY Wednesday 08:00 EDT goes', at: '2026-06-10T12:00:00Z', zone: NY, expect: 'send' },
    { label: 'NY 20:59 EDT goes', at: '2026-06-11T00:59:00Z', zone: NY, expect: 'send' },
    { label: 'NY 21:00 EDT waits for 08:00 EDT next day', at: '2026-06-11T01:00:00Z', zone: NY, expect: { until: '2026-06-11T12:00:00Z' }, heldBy: 'us-federal' },
    { label: 'NY 07:59 EST the day before spring-forward waits one minute', at: '2026-03-07T12:59:00Z', zone: NY, expect: { until: '2026-03-07T13:00:00Z' } },
    { label: 'NY 01:30 EST on spring-forward night waits for 08:00 EDT (12:00Z)', at: '2026-03-08T06:30:00Z', zone: NY, expect: { until: '2026-03-08T12:00:00Z' } },
    { label: 'NY 07:59 EDT on spring-forward day waits for 08:00 EDT', at: '2026-03-08T11:59:00Z', zone: NY, expect: { until: '2026-03-08T12:00:00Z' } },
    { label: 'NY 07:30 EST on fall-back day waits for 08:00 EST (13:00Z)', at: '2026-11-01T12:30:00Z', zone: NY, expect: { until: '2026-11-01T13:00:00Z' } },
    { label: 'LA 01:30 PDT (first pass) on fall-back night waits for 08:00 PST (16:00Z)', at: '2026-11-01T08:30:00Z', zone: LAX, expect: { until: '2026-11-01T16:00:00Z' } },
    { label: 'Denver 20:30 MST in January goes', at: '2026-01-15T03:30:00Z', zone: DEN, expect: 'send' },
  ]);
});

describe('us-fl (Fla. Stat. § 501.616(6)): 08:00–20:00, 3 per 24 h', () => {
  runTable('FL', [
    { label: '19:59 EDT goes', at: '2026-06-10T23:59:00Z', zone: NY, expect: 'send' },
    { label: '20:00 EDT waits for 08:00 EDT', at: '2026-06-11T00:00:00Z', zone: NY, expect: { until: '2026-06-11T12:00:00Z' }, heldBy: 'us-fl' },
    { label: 'panhandle 20:30 CST on fall-back day waits for Monday 08:00 CST', at: '2026-11-02T02:30:00Z', zone: CHI, expect: { until: '2026-11-02T14:00:00Z' }, heldBy: 'us-fl' },
    { label: 'Sundays are allowed', at: '2026-03-08T14:00:00Z', zone: NY, expect: 'send' },
  ]);

  const threeToday = ['2026-06-10T13:00:00Z', '2026-06-10T15:00:00Z', '2026-06-10T17:00:00Z'];
  it('refuses a fourth marketing text within 24 h, citing the Florida cap', () => {
    const decision = decide('FL', NY, '2026-06-10T19:00:00Z', threeToday);
    assert.equal(decision.verdict, 'refuse');
    assert.equal(decision.until, undefined);
    const ids = decision.rules.map((rule) => rule.id);
    assert.ok(ids.includes('us-fl:cap'), ids.join());
    const cap = decision.rules.find((rule) => rule.id === 'us-fl:cap')!;
    assert.match(cap.citation, /501\.616\(6\)/);
    assert.match(cap.reason, /3 marketing texts .* last 24 h/);
  });

  it('allows the text once the oldest of the three is more than 24 h old', () => {
    const decision = decide('FL', NY, '2026-06-11T13:00:01Z', threeToday);
    assert.equal(decision.verdict, 'send');
    assert.match(decision.rules.find((rule) => rule.id === 'us-fl:cap')!.reason, /^2 of at most 3/);
  });

  it('refuses even at night (a cap refuses rather than defers)', () => {
    assert.equal(decide('FL', NY, '2026-06-11T02:00:00Z', threeToday).verdict, 'refuse');
  });
});

describe('us-ok (15 O.S. § 775C.1 et seq.): 08:00–20:00', () => {
  runTable('OK', [
    { label: '07:30 CST on fall-back day waits for 08:00 CST', at: '2026-11-01T13:30:00Z', zone: CHI, expect: { until: '2026-11-01T14:00:00Z' } },
    { label: '20:00 CST waits for next day', at: '2026-11-03T02:00:00Z', zone: CHI, expect: { until: '2026-11-03T14:00:00Z' }, heldBy: 'us-ok' },
    { label: 'noon goes', at: '2026-11-03T18:00:00Z', zone: CHI, expect: 'send' },
  ]);
  it('caps at 3 per 24 h', () => {
    assert.equal(decide('OK', CHI, '2026-05-05T18:00:00Z', ['2026-05-05T14:00:00Z', '2026-05-05T15:00:00Z', '2026-05-05T16:00:00Z']).verdict, 'refuse');
  });
});

describe('us-md (Md. Com. Law § 14-4501 et seq.): 08:00–20:00', () => {
  runTable('MD', [
    { label: '19:59 EDT on spring-forward day goes', at: '2026-03-08T23:59:00Z', zone: NY, expect: 'send' },
    { label: '20:00 EDT waits for Monday 08:00 EDT', at: '2026-03-09T00:00:00Z', zone: NY, expect: { until: '2026-03-09T12:00:00Z' }, heldBy: 'us-md' },
  ]);
  it('caps at 3 per 24 h', () => {
    assert.equal(decide('MD', NY, '2026-05-05T18:00:00Z', ['2026-05-05T12:00:00Z', '2026-05-05T13:00:00Z', '2026-05-05T14:00:00Z']).verdict, 'refuse');
  });
});

describe('us-ct (Conn. Gen. Stat. § 42-288a): 09:00–20:00', () => {
  runTable('CT', [
    { label: '08:30 EDT is deferred to 09:00 EDT', at: '2026-06-10T12:30:00Z', zone: NY, expect: { until: '2026-06-10T13:00:00Z' }, heldBy: 'us-ct' },
    { label: '08:30 EST on fall-back day is deferred to 09:00 EST', at: '2026-11-01T13:30:00Z', zone: NY, expect: { until: '2026-11-01T14:00:00Z' }, heldBy: 'us-ct' },
    { label: '09:00 EDT goes', at: '2026-06-10T13:00:00Z', zone: NY, expect: 'send' },
    { label: '20:00 EDT waits for 09:00 EDT', at: '2026-06-11T00:00:00Z', zone: NY, expect: { until: '2026-06-11T13:00:00Z' } },
  ]);
});

describe('us-wa (RCW 19.158.040(2)): 08:00–20:00', () => {
  runTable('WA', [
    { label: '20:30 PDT is deferred to next day 08:00 PDT', at: '2026-06-11T03:30:00Z', zone: LAX, expect: { until: '2026-06-11T15:00:00Z' }, heldBy: 'us-wa' },
    { label: '20:30 PDT the night before fall-back is deferred to 08:00 PST', at: '2026-11-01T03:30:00Z', zone: LAX, expect: { until: '2026-11-01T16:00:00Z' }, heldBy: 'us-wa' },
    { label: '20:30 PST the night before spring-forward is deferred to 08:00 PDT', at: '2026-03-08T04:30:00Z', zone: LAX, expect: { until: '2026-03-08T15:00:00Z' } },
    { label: '19:59 PDT goes', at: '2026-06-11T02:59:00Z', zone: LAX, expect: 'send' },
  ]);
});

describe('us-tx (Tex. Bus. & Com. Code § 301.051): 09:00–21:00 Mon–Sat, 12:00–21:00 Sun', () => {
  runTable('TX', [
    { label: 'Sunday 10:00 CDT on spring-forward day waits for noon CDT', at: '2026-03-08T15:00:00Z', zone: CHI, expect: { until: '2026-03-08T17:00:00Z' }, heldBy: 'us-tx' },
    { label: 'Sunday 11:59 CST on fall-back day waits one minute for noon', at: '2026-11-01T17:59:00Z', zone: CHI, expect: { until: '2026-11-01T18:00:00Z' }, heldBy: 'us-tx' },
    { label: 'Sunday noon CST goes', at: '2026-11-01T18:00:00Z', zone: CHI, expect: 'send' },
    { label: 'Saturday 08:30 CST waits for 09:00', at: '2026-03-07T14:30:00Z', zone: CHI, expect: { until: '2026-03-07T15:00:00Z' } },
    { label: 'Saturday 21:00 CST waits for Sunday noon CDT', at: '2026-03-08T03:00:00Z', zone: CHI, expect: { until: '2026-03-08T17:00:00Z' } },
    { label: 'El Paso (Mountain) Monday 09:00 MDT goes', at: '2026-06-08T15:00:00Z', zone: DEN, expect: 'send' },
  ]);
});

describe('us-la (La. R.S. 45:811): 08:00–20:00 Mon–Sat, no Sundays or state holidays', () => {
  runTable('LA', [
    { label: 'Thanksgiving 2026-11-26 10:00 CST waits for Friday 08:00 CST', at: '2026-11-26T16:00:00Z', zone: CHI, expect: { until: '2026-11-27T14:00:00Z' }, heldBy: 'us-la' },
    { label: 'Sunday (spring-forward) waits for Monday 08:00 CDT', at: '2026-03-08T16:00:00Z', zone: CHI, expect: { until: '2026-03-09T13:00:00Z' }, heldBy: 'us-la' },
    { label: 'Saturday 19:59 CST goes', at: '2026-03-08T01:59:00Z', zone: CHI, expect: 'send' },
    { label: 'Saturday 20:00 CST waits past Sunday to Monday 08:00 CDT', at: '2026-03-08T02:00:00Z', zone: CHI, expect: { until: '2026-03-09T13:00:00Z' } },
    { label: 'Mardi Gras 2026-02-17 waits for Ash Wednesday 08:00', at: '2026-02-17T18:00:00Z', zone: CHI, expect: { until: '2026-02-18T14:00:00Z' } },
    { label: 'Good Friday 2026-04-03 waits for Saturday 08:00 CDT', at: '2026-04-03T15:00:00Z', zone: CHI, expect: { until: '2026-04-04T13:00:00Z' } },
    { label: "All Saints' Day is a Sunday in 2026: Monday 08:00 CST", at: '2026-11-01T15:00:00Z', zone: CHI, expect: { until: '2026-11-02T14:00:00Z' } },
  ]);

  it('names the holiday in the reason', () => {
    const decision = decide('LA', CHI, '2026-11-26T16:00:00Z');
    assert.match(decision.rules[0]!.reason, /Thanksgiving Day, a listed holiday/);
  });
});

describe('us-ms (Miss. Code Ann. § 77-3-723(1)): 08:00–20:00 Central Standard Time, no Sundays', () => {
  runTable('MS', [
    { label: 'Sunday waits for Monday', at: '2026-06-07T16:00:00Z', zone: CHI, expect: { until: '2026-06-08T14:00:00Z' }, heldBy: 'us-ms' },
    { label: 'summer 08:30 CDT (07:30 CST) waits for 09:00 CDT', at: '2026-07-08T13:30:00Z', zone: CHI, expect: { until: '2026-07-08T14:00:00Z' }, heldBy: 'us-ms' },
    { label: 'winter 08:00 CST goes', at: '2026-01-13T14:00:00Z', zone: CHI, expect: 'send' },
    { label: 'summer 19:59 CDT goes', at: '2026-07-09T00:59:00Z', zone: CHI, expect: 'send' },
    { label: 'summer 20:00 CDT waits for 09:00 CDT', at: '2026-07-09T01:00:00Z', zone: CHI, expect: { until: '2026-07-09T14:00:00Z' } },
    { label: 'Independence Day (a Saturday) is no longer a closed day', at: '2026-07-04T16:00:00Z', zone: CHI, expect: 'send' },
  ]);
});

describe('us-al (Ala. Admin. Code r. 770-X-5-.17): 08:00–20:00 Mon–Sat, no Sundays or holidays', () => {
  runTable('AL', [
    { label: 'Christmas 2026 (Friday) waits for Saturday 08:00 CST', at: '2026-12-25T16:00:00Z', zone: CHI, expect: { until: '2026-12-26T14:00:00Z' }, heldBy: 'us-al' },
    {
      label: 'Friday 3 July (observed Independence Day) waits past Sat 4 July and Sunday to Monday',
      at: '2026-07-03T15:00:00Z',
      zone: CHI,
      expect: { until: '2026-07-06T13:00:00Z' },
      heldBy: 'us-al',
    },
    { label: 'Memorial Day waits for Tuesday', at: '2026-05-25T15:00:00Z', zone: CHI, expect: { until: '2026-05-26T13:00:00Z' } },
    { label: 'an ordinary Tuesday 10:00 goes', at: '2026-05-26T15:00:00Z', zone: CHI, expect: 'send' },
  ]);
});
