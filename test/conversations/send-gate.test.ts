import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsentStatus } from '../../src/compliance/consent.js';
import { RULESET_VERSION } from '../../src/compliance/rules/rule-table.js';
import type { Address } from '../../src/domain/cart-event.js';
import type { MerchantSettings } from '../../src/db/models/merchant.js';
import type { MessageDirection, MessageKind, MessageStatus } from '../../src/db/models/message.js';
import type { MessageData } from '../../src/conversations/rows.js';
import { gateInput, storedDecision } from '../../src/conversations/send-facts.js';
import { sendGate, type GateVerdict } from '../../src/conversations/send-gate.js';
import type { ComplianceProfile } from '../../src/merchants/merchant-settings.js';

const NY = 'America/New_York';
/** A New York number (no state rule beyond the federal one). */
const NY_PHONE = '+12125550143';
/** 14:00 in New York (EDT), a Wednesday. */
const AFTERNOON = new Date('2026-06-10T18:00:00.000Z');
/** 23:00 in New York. */
const NIGHT = new Date('2026-06-11T03:00:00.000Z');
/** 08:00 in New York, the next lawful moment after NIGHT. */
const NEXT_MORNING = new Date('2026-06-11T12:00:00.000Z');
/** 06:30 in New York. */
const EARLY_MORNING = new Date('2026-06-11T10:30:00.000Z');
/** Sunday 2026-06-14, 10:00 in Austin (CDT). */
const TX_SUNDAY_10 = new Date('2026-06-14T15:00:00.000Z');

const CART = 'cart-1';
const hoursBefore = (at: Date, hours: number) => new Date(at.getTime() - hours * 3_600_000);

interface Case {
  kind?: MessageKind;
  status?: MessageStatus;
  direction?: MessageDirection;
  cartId?: string | null;
  body?: string;
  state?: string;
  currentCartId?: string | null;
  consent?: ConsentStatus;
  phone?: string;
  addresses?: Address[];
  provider?: { country: string | null; state: string | null } | null;
  merchantZone?: string;
  sendingWindow?: string;
  countryWindows?: Record<string, string>;
  profile?: ComplianceProfile;
  recentMarketing?: Date[];
  cartRemindersSent?: number;
  at?: Date;
}

/**
 * Defaults: a pending reminder of the running sequence to a New York number,
 * confirmed consent, 14:00 local. Goes through `gateInput`, as delivery does,
 * so the candidates are built from the phone, the cart's addresses, the
 * provider's region and the merchant's zone.
 */
function decide(c: Case): GateVerdict {
  const message: MessageData = {
    id: 'message-1',
    merchantId: 'merchant-1',
    conversationId: 'conversation-1',
    cartId: c.cartId === undefined ? CART : c.cartId,
    direction: c.direction ?? 'outbound',
    kind: c.kind ?? 'reminder',
    body: c.body ?? 'Example Shop: your cart is waiting https://example-shop.test/cart/1',
    toPhone: c.phone ?? NY_PHONE,
    fromPhone: '+14155550100',
    messagingServiceSid: null,
    status: c.status ?? 'pending',
    segments: 1,
    attempts: 0,
  };
  const settings: MerchantSettings = {
    ...(c.sendingWindow ? { sendingWindow: c.sendingWindow } : {}),
    ...(c.profile ? { complianceProfile: c.profile } : {}),
    ...(c.countryWindows ? { countryWindows: c.countryWindows } : {}),
  };
  const provider = c.provider ?? null;
  return sendGate(
    gateInput({
      message,
      facts: { cartAddresses: c.addresses ?? [], recentMarketing: c.recentMarketing ?? [], cartRemindersSent: c.cartRemindersSent ?? 0 },
      conversation: { state: c.state ?? 'sequencing', currentCartId: c.currentCartId === undefined ? CART : c.currentCartId },
      customer: { consentStatus: c.consent ?? 'confirmed', providerCountry: provider?.country ?? null, providerState: provider?.state ?? null },
      merchant: { settings, timezone: c.merchantZone ?? NY },
      at: c.at ?? AFTERNOON,
    }),
  );
}

/** The verdict without its decision, for compact expectations. */
function short(verdict: GateVerdict): Record<string, unknown> {
  if (verdict.verdict === 'skip') return verdict;
  const { decision, ...rest } = verdict;
  assert.equal(decision.verdict, verdict.verdict, 'the stored decision agrees with the verdict');
  assert.ok(decision.rules.length > 0, 'every decision names the rules that shaped it');
  for (const rule of decision.rules) {
    assert.ok(rule.id && rule.citation && rule.reason, JSON.stringify(rule));
  }
  assert.equal(decision.rulesetVersion, RULESET_VERSION);
  if (verdict.verdict === 'defer') assert.equal(decision.until?.getTime(), verdict.until.getTime());
  return rest;
}

const ruleIds = (verdict: GateVerdict): string[] => (verdict.verdict === 'skip' ? [] : verdict.decision.rules.map((rule) => rule.id));
const SEND = { verdict: 'send' };

describe('send gate: what goes', () => {
  const cases: Array<[string, Case]> = [
    ['a reminder of the running sequence, with consent, at 14:00 local', {}],
    ['the last reminder (conversation already completed)', { state: 'completed' }],
    ['a deferred reminder once the morning comes', { status: 'deferred', at: NEXT_MORNING }],
    ['an opt-in request while consent is requested', { kind: 'opt_in_request', consent: 'requested', state: 'awaitingOptIn' }],
  ];
  for (const [name, c] of cases) it(name, () => assert.deepEqual(short(decide(c)), SEND));

  it('a send lists the rules it checked, with citations: the federal window and the default cap', () => {
    const verdict = decide({});
    assert.deepEqual(ruleIds(verdict), ['us-federal', 'cap-default']);
    const stored = verdict.verdict === 'send' ? storedDecision(verdict.decision, AFTERNOON) : null;
    assert.equal(stored?.decidedAt, AFTERNOON.toISOString());
    assert.match(stored?.rules[0]?.citation ?? '', /47 C\.F\.R\. § 64\.1200\(c\)\(1\)/);
    assert.match(stored?.rules[0]?.reason ?? '', /^allows: Wed 2026-06-10 14:00 America\/New_York \(area code, US-NY\)/);
  });
});

describe('send gate: transactional answers go at once', () => {
  const recent = [1, 2, 3].map((h) => hoursBefore(NIGHT, h));
  const cases: Array<[string, Case]> = [
    ['a STOP confirmation goes although consent is now revoked, at night', { kind: 'stop_confirmation', consent: 'revoked', state: 'optedOut', at: NIGHT }],
    ['a HELP answer goes at night with the caps reached', { kind: 'help', at: NIGHT, recentMarketing: recent }],
    ['a HELP answer goes without marketing consent', { kind: 'help', consent: 'none', state: 'idle' }],
    ['a HELP answer goes to an opted-out shopper', { kind: 'help', consent: 'revoked', state: 'optedOut' }],
    ['a START confirmation goes at night, under the strict profile', { kind: 'start_confirmation', at: NIGHT, state: 'idle', profile: 'strict', cartRemindersSent: 3 }],
    ['a HELP answer goes on a Texas Sunday morning', { kind: 'help', phone: '+15125550143', at: TX_SUNDAY_10 }],
  ];
  for (const [name, c] of cases) {
    it(name, () => {
      const verdict = decide(c);
      assert.deepEqual(short(verdict), SEND);
      assert.deepEqual(ruleIds(verdict), ['transactional']);
    });
  }
});

describe('send gate: refusals before the hour', () => {
  const cases: Array<[string, Case, string, string]> = [
    ['a reminder once the shopper opted out', { consent: 'revoked' }, 'opted_out', 'opted-out'],
    ['a reminder to an opted-out shopper at night (refused, not deferred)', { consent: 'revoked', at: NIGHT }, 'opted_out', 'opted-out'],
    ['an opt-in request once the shopper opted out', { kind: 'opt_in_request', consent: 'revoked' }, 'opted_out', 'opted-out'],
    ['a START confirmation to a shopper opted out again', { kind: 'start_confirmation', consent: 'revoked' }, 'opted_out', 'opted-out'],
    ['a reminder for a superseded cart', { currentCartId: 'cart-2' }, 'cart_superseded', 'sequence-ended'],
    ['a reminder for a superseded cart even when the new sequence runs', { currentCartId: 'cart-2', state: 'completed' }, 'cart_superseded', 'sequence-ended'],
    ['a reminder linking through bit.ly', { body: 'Example Shop: come back https://bit.ly/3abc' }, 'public_url_shortener', 'content-public-shortener'],
    ['a reminder linking through a t.co subdomain', { body: 'Example Shop: come back x.t.co/abc' }, 'public_url_shortener', 'content-public-shortener'],
    ...(['none', 'requested', 'expired'] as const).map(
      (consent): [string, Case, string, string] => [`a reminder when consent is ${consent}`, { consent }, 'consent_not_confirmed', 'consent-required'],
    ),
    ...(['none', 'confirmed', 'expired'] as const).map(
      (consent): [string, Case, string, string] => [
        `an opt-in request when consent is ${consent}`,
        { kind: 'opt_in_request', consent, state: 'awaitingOptIn' },
        'opt_in_not_requested',
        'opt-in-once',
      ],
    ),
    ...['watching', 'awaitingOptIn', 'waitingForAgent', 'recovered', 'optedOut', 'notContacted', 'idle', 'optInExpired'].map(
      (state): [string, Case, string, string] => [`a reminder when the conversation is ${state}`, { state }, 'sequence_not_running', 'sequence-ended'],
    ),
  ];
  for (const [name, c, rule, id] of cases) {
    it(name, () => {
      const verdict = decide(c);
      assert.deepEqual(short(verdict), { verdict: 'refuse', rule });
      assert.deepEqual(ruleIds(verdict), [id]);
    });
  }
});

describe('send gate: recipients outside the US', () => {
  /** A London mobile; 19:30 London time in winter (GMT), a Wednesday. */
  const UK_PHONE = '+447700900123';
  const LONDON_1930 = new Date('2026-11-25T19:30:00.000Z');

  it('go under the default 08:00–21:00 local window when the merchant set none for the country', () => {
    assert.equal(decide({ phone: UK_PHONE, merchantZone: 'Europe/London', at: LONDON_1930 }).verdict, 'send');
  });

  it('follow the merchant’s window for that country: 19:30 in London waits for 09:00 under a GB window of 09:00–19:00', () => {
    const verdict = decide({ phone: UK_PHONE, merchantZone: 'Europe/London', at: LONDON_1930, countryWindows: { GB: '09:00-19:00' } });
    assert.equal(verdict.verdict, 'defer');
    if (verdict.verdict !== 'defer') return;
    assert.equal(verdict.until.toISOString(), '2026-11-26T09:00:00.000Z');
    assert.ok(verdict.decision.rules.some((rule) => rule.id === 'country-window:GB'), JSON.stringify(verdict.decision.rules));
  });

  it('a window set for another country does not apply', () => {
    assert.equal(decide({ phone: UK_PHONE, merchantZone: 'Europe/London', at: LONDON_1930, countryWindows: { FR: '09:00-19:00' } }).verdict, 'send');
  });
});

describe('send gate: quiet hours, federal and state', () => {
  it('a reminder at 23:00 local is deferred to 08:00 local, citing the federal rule', () => {
    const verdict = decide({ at: NIGHT });
    assert.deepEqual(short(verdict), { verdict: 'defer', until: NEXT_MORNING, rule: 'quiet_hours' });
    assert.equal(ruleIds(verdict)[0], 'us-federal');
  });

  it('a reminder at 06:30 local waits for 08:00 the same morning; an opt-in request at night too', () => {
    assert.deepEqual(short(decide({ at: EARLY_MORNING })), { verdict: 'defer', until: NEXT_MORNING, rule: 'quiet_hours' });
    assert.deepEqual(short(decide({ kind: 'opt_in_request', consent: 'requested', at: NIGHT })), { verdict: 'defer', until: NEXT_MORNING, rule: 'quiet_hours' });
    assert.deepEqual(short(decide({ status: 'deferred', at: NIGHT })), { verdict: 'defer', until: NEXT_MORNING, rule: 'quiet_hours' });
  });

  it('a Texas number on Sunday at 10:00 local is deferred to 12:00, citing the Texas statute', () => {
    const verdict = decide({ phone: '+15125550143', at: TX_SUNDAY_10 });
    assert.deepEqual(short(verdict), { verdict: 'defer', until: new Date('2026-06-14T17:00:00.000Z'), rule: 'quiet_hours' });
    assert.ok(verdict.verdict === 'defer');
    const [held] = verdict.decision.rules;
    assert.equal(held?.id, 'us-tx');
    assert.match(held?.citation ?? '', /Tex\. Bus\. & Com\. Code § 301\.051/);
    assert.match(held?.reason ?? '', /^blocks: Sun 2026-06-14 10:00 America\/Chicago \(area code, US-TX\) is outside Mon–Sat 09:00–21:00, Sun 12:00–21:00/);
    // The federal window alone would have let it go: the state rule is what held it.
    assert.ok(verdict.decision.rules.some((rule) => rule.id === 'us-federal' && rule.reason.startsWith('allows')));
  });

  it('a Florida number at 20:30 local is deferred to 08:00 (Florida ends at 20:00, the federal rule at 21:00)', () => {
    const verdict = decide({ phone: '+13055550143', at: new Date('2026-06-11T00:30:00.000Z') });
    assert.deepEqual(short(verdict), { verdict: 'defer', until: new Date('2026-06-11T12:00:00.000Z'), rule: 'quiet_hours' });
    assert.deepEqual(ruleIds(verdict).slice(0, 1), ['us-fl']);
  });

  it('an Oklahoma address at 20:30 local defers a text to a Chicago number, which the federal window alone would let go', () => {
    const verdict = decide({ phone: '+13125550143', addresses: [{ countryCode: 'US', provinceCode: 'OK', zip: null }], at: new Date('2026-06-11T01:30:00.000Z') });
    assert.deepEqual(short(verdict), { verdict: 'defer', until: new Date('2026-06-11T13:00:00.000Z'), rule: 'quiet_hours' });
    assert.equal(ruleIds(verdict)[0], 'us-ok');
  });

  it("the merchant's narrower window defers an 08:30 reminder to 09:00", () => {
    const verdict = decide({ at: new Date('2026-06-11T12:30:00.000Z'), sendingWindow: '09:00-20:00' });
    assert.deepEqual(short(verdict), { verdict: 'defer', until: new Date('2026-06-11T13:00:00.000Z'), rule: 'quiet_hours' });
    assert.equal(ruleIds(verdict)[0], 'merchant-window');
  });
});

describe('send gate: several places, the most restrictive wins', () => {
  it('a New York number with a Texas shipping address on Sunday at 11:00 New York waits for noon in El Paso', () => {
    const verdict = decide({ addresses: [{ countryCode: 'US', provinceCode: 'TX', zip: null }], at: new Date('2026-06-14T15:00:00.000Z') });
    // A Texas address may be in Mountain time: 12:00 MDT is 18:00Z (14:00 in New York, 13:00 in Austin).
    assert.deepEqual(short(verdict), { verdict: 'defer', until: new Date('2026-06-14T18:00:00.000Z'), rule: 'quiet_hours' });
    assert.equal(ruleIds(verdict)[0], 'us-tx');
    assert.ok(verdict.verdict === 'defer' && /America\/Denver \(address, US-TX\)/.test(verdict.decision.rules[0]!.reason));
  });

  it('a Florida number with a Connecticut billing address: 08:30 waits for 09:00 (CT), 20:15 for the next 09:00 (FL closes, CT opens late)', () => {
    const addresses = [{ countryCode: 'US', provinceCode: 'CT', zip: null }];
    const morning = decide({ phone: '+13055550143', addresses, at: new Date('2026-06-10T12:30:00.000Z') });
    assert.deepEqual(short(morning), { verdict: 'defer', until: new Date('2026-06-10T13:00:00.000Z'), rule: 'quiet_hours' });
    assert.equal(ruleIds(morning)[0], 'us-ct');
    const evening = decide({ phone: '+13055550143', addresses, at: new Date('2026-06-11T00:15:00.000Z') });
    assert.deepEqual(short(evening), { verdict: 'defer', until: new Date('2026-06-11T13:00:00.000Z'), rule: 'quiet_hours' });
    assert.deepEqual(ruleIds(evening).slice(0, 2).sort(), ['us-ct', 'us-fl']);
  });

  it("the provider's FromState is a candidate: a New York number that texted from Louisiana gets nothing on Sunday", () => {
    const verdict = decide({ provider: { country: 'US', state: 'LA' }, at: new Date('2026-06-14T16:00:00.000Z') });
    assert.equal(verdict.verdict, 'defer');
    assert.equal(ruleIds(verdict)[0], 'us-la');
    // Monday 08:00 in Louisiana (13:00Z) is 09:00 in New York.
    assert.deepEqual(short(verdict), { verdict: 'defer', until: new Date('2026-06-15T13:00:00.000Z'), rule: 'quiet_hours' });
  });

  it("the merchant's zone counts only when nothing else places the shopper", () => {
    // 555-area numbers place nobody; the merchant is in Los Angeles, where it is 07:00.
    const at = new Date('2026-06-10T14:00:00.000Z');
    const unplaced = decide({ phone: '+15005550123', merchantZone: 'America/Los_Angeles', at });
    assert.deepEqual(short(unplaced), { verdict: 'defer', until: new Date('2026-06-10T15:00:00.000Z'), rule: 'quiet_hours' });
    assert.match(unplaced.verdict === 'defer' ? unplaced.decision.rules[0]!.reason : '', /\(merchant, US\)/);
    // A New York number at 10:00 New York time goes, whatever the merchant's zone.
    assert.deepEqual(short(decide({ merchantZone: 'America/Los_Angeles', at })), SEND);
  });

  it('refuses when the places share no window at all', () => {
    const verdict = decide({ addresses: [{ countryCode: 'JP', provinceCode: null, zip: null }], sendingWindow: '09:00-11:00' });
    assert.deepEqual(short(verdict), { verdict: 'refuse', rule: 'no_common_sending_window' });
    assert.ok(ruleIds(verdict).includes('no-common-window'));
  });
});

describe('send gate: caps and profiles refuse, never queue', () => {
  const three = [1, 5, 23].map((h) => hoursBefore(AFTERNOON, h));

  it('a fourth marketing text within 24 h is refused with the default cap, day or night', () => {
    for (const at of [AFTERNOON, NIGHT]) {
      const recent = [1, 5, 23].map((h) => hoursBefore(at, h));
      const verdict = decide({ at, recentMarketing: recent });
      assert.deepEqual(short(verdict), { verdict: 'refuse', rule: 'frequency_cap' });
      assert.deepEqual(ruleIds(verdict), ['cap-default']);
    }
  });

  it('an opt-in request counts against the cap and is capped like a reminder', () => {
    const verdict = decide({ kind: 'opt_in_request', consent: 'requested', state: 'awaitingOptIn', recentMarketing: three });
    assert.deepEqual(short(verdict), { verdict: 'refuse', rule: 'frequency_cap' });
  });

  it("a Florida number is refused under Florida's cap too, which the decision cites", () => {
    const verdict = decide({ phone: '+13055550143', recentMarketing: three });
    assert.deepEqual(short(verdict), { verdict: 'refuse', rule: 'frequency_cap' });
    assert.deepEqual(ruleIds(verdict), ['cap-default', 'us-fl:cap']);
    assert.ok(verdict.verdict === 'refuse' && /501\.616/.test(verdict.decision.rules[1]!.citation));
  });

  it('texts older than 24 h do not count', () => {
    assert.deepEqual(short(decide({ recentMarketing: [1, 25, 30].map((h) => hoursBefore(AFTERNOON, h)) })), SEND);
  });

  it('the strict profile refuses the second reminder of an abandonment, and lets the first go', () => {
    const second = decide({ profile: 'strict', cartRemindersSent: 1 });
    assert.deepEqual(short(second), { verdict: 'refuse', rule: 'strict_profile' });
    assert.deepEqual(ruleIds(second), ['profile-strict']);
    assert.deepEqual(short(decide({ profile: 'strict', cartRemindersSent: 0 })), SEND);
  });

  it('the strict profile does not count the opt-in request as the cart-recovery text', () => {
    assert.deepEqual(short(decide({ kind: 'opt_in_request', consent: 'requested', state: 'awaitingOptIn', profile: 'strict', cartRemindersSent: 0 })), SEND);
  });

  it('the standard profile does not limit reminders per cart', () => {
    assert.deepEqual(short(decide({ profile: 'standard', cartRemindersSent: 2 })), SEND);
  });
});

describe('send gate: nothing to decide', () => {
  for (const status of ['sending', 'sent', 'delivered', 'undelivered', 'failed', 'cancelled', 'refused', 'unknown'] as const) {
    it(`a message already ${status} is skipped, never sent again`, () => {
      assert.deepEqual(decide({ status }), { verdict: 'skip', reason: `already_${status}` });
    });
  }
  it('an already-sent STOP confirmation is skipped', () => {
    assert.deepEqual(decide({ kind: 'stop_confirmation', status: 'sent', consent: 'revoked' }), { verdict: 'skip', reason: 'already_sent' });
  });
  it('an inbound message is skipped, even when pending', () => {
    assert.deepEqual(decide({ direction: 'inbound', status: 'received', kind: 'reply' }), { verdict: 'skip', reason: 'not_outbound' });
    assert.deepEqual(decide({ direction: 'inbound' }), { verdict: 'skip', reason: 'not_outbound' });
  });
});

describe('storedDecision', () => {
  it('keeps verdict, until, rules, ruleset version and when it was decided, as JSON', () => {
    const verdict = decide({ at: NIGHT });
    assert.ok(verdict.verdict === 'defer');
    const stored = JSON.parse(JSON.stringify(storedDecision(verdict.decision, NIGHT)));
    assert.equal(stored.verdict, 'defer');
    assert.equal(stored.until, NEXT_MORNING.toISOString());
    assert.equal(stored.decidedAt, NIGHT.toISOString());
    assert.equal(stored.rulesetVersion, RULESET_VERSION);
    assert.deepEqual(Object.keys(stored.rules[0]).sort(), ['citation', 'id', 'reason']);
  });
});
