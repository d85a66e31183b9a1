/**
 * Properties of the send gate as delivery calls it (`gateInput` from the
 * message, the cart's addresses, the provider's region and the merchant; then
 * `sendGate`), over random phones, addresses, places and instants in 2026.
 * The oracle places the shopper on its own, from the area-code and region
 * tables and the phone's country, reads each place's wall clock with its own
 * Intl formatter and applies the rule table's data directly:
 *
 * - a marketing text is never sent at a moment some place forbids;
 * - a deferred one waits for a moment every place allows, later than now;
 * - one over the cap, or a second reminder under the strict profile, is never
 *   sent and never deferred;
 * - an answer to the shopper's keyword always goes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { getCountry, getTimezone } from 'countries-and-timezones';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Address } from '../../src/domain/cart-event.js';
import type { MessageKind } from '../../src/db/models/message.js';
import type { MerchantSettings } from '../../src/db/models/merchant.js';
import { NANP_AREA_CODES } from '../../src/compliance/nanp-area-codes.js';
import { FEDERAL_WINDOW, parseWindow, type SendingWindow } from '../../src/compliance/quiet-hours.js';
import { CA_PROVINCE_ZONES, US_STATE_ZONES } from '../../src/compliance/region-zones.js';
import { FEDERAL_RULE, STATE_RULES } from '../../src/compliance/rules/rule-table.js';
import { inside, local, ruleAllows } from '../support/rule-oracle.js';
import { gateInput } from '../../src/conversations/send-facts.js';
import { sendGate } from '../../src/conversations/send-gate.js';

const US_TERRITORIES = new Set(['US', 'PR', 'GU', 'VI', 'AS', 'MP', 'UM']);

// ---- the oracle ----

interface Place {
  zone: string;
  country: string | null;
  region: string | null;
}

const countryZones = (country: string): string[] => [...(getCountry(country)?.timezones ?? [])];

function regionPlaces(country: string | null, region: string | null): Place[] {
  if (country === 'US' || country === 'CA') {
    const table = country === 'US' ? US_STATE_ZONES : CA_PROVINCE_ZONES;
    const zones = region && Object.hasOwn(table, region) ? table[region]! : countryZones(country);
    return zones.map((zone) => ({ zone, country, region }));
  }
  if (country) return countryZones(country).map((zone) => ({ zone, country, region }));
  if (region && Object.hasOwn(US_STATE_ZONES, region)) return US_STATE_ZONES[region]!.map((zone) => ({ zone, country: 'US', region }));
  if (region && Object.hasOwn(CA_PROVINCE_ZONES, region)) return CA_PROVINCE_ZONES[region]!.map((zone) => ({ zone, country: 'CA', region }));
  return [];
}

/** Where the shopper may be, placed independently of the code under test. */
function placesOf(phone: string, addresses: Address[], provider: string | null, merchantZone: string): Place[] {
  const places: Place[] = [];
  const nanp = /^\+1([2-9]\d{2})[2-9]\d{6}$/.exec(phone);
  if (nanp) {
    const info = NANP_AREA_CODES.get(nanp[1]!);
    if (info) for (const region of info.regions.length > 0 ? info.regions : [null]) for (const zone of info.zones) places.push({ zone, country: info.country, region });
  } else {
    const country = parsePhoneNumberFromString(phone)?.country ?? null;
    if (country) places.push(...countryZones(country).map((zone) => ({ zone, country, region: null })));
  }
  for (const address of addresses) places.push(...regionPlaces(address.countryCode, address.provinceCode));
  if (provider) places.push(...regionPlaces('US', provider));
  if (places.length === 0) places.push({ zone: merchantZone, country: getTimezone(merchantZone)?.countries[0] ?? null, region: null });
  return places;
}

function placeAllows(place: Place, merchantWindow: SendingWindow | null, ms: number): boolean {
  if (merchantWindow && !inside(local(ms, place.zone).minute, merchantWindow)) return false;
  const country = place.country ?? getTimezone(place.zone)?.countries[0] ?? null;
  if (country === null || US_TERRITORIES.has(country)) {
    if (!ruleAllows(FEDERAL_RULE, place.zone, ms)) return false;
    const state = country === 'US' && place.region ? STATE_RULES[place.region] : undefined;
    return state ? ruleAllows(state, place.zone, ms) : true;
  }
  return inside(local(ms, place.zone).minute, FEDERAL_WINDOW);
}

// ---- generators ----

const areaCodes = [...NANP_AREA_CODES.keys()];
const INTERNATIONAL = ['+442079460000', '+33142685300', '+4930901820', '+61292746000', '+81335812111', '+5511912345678', '+6421345678'];
const US_STATES = Object.keys(US_STATE_ZONES);
const RULE_STATES = Object.keys(STATE_RULES);

const phone = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...areaCodes).map((code) => `+1${code}5550123`) },
  { weight: 1, arbitrary: fc.constantFrom(...INTERNATIONAL) },
  { weight: 1, arbitrary: fc.constant('+15005550123') },
);
const address: fc.Arbitrary<Address> = fc.oneof(
  fc.record({ countryCode: fc.constant('US'), provinceCode: fc.constantFrom(...US_STATES), zip: fc.constant(null) }),
  fc.record({ countryCode: fc.constant('US'), provinceCode: fc.constantFrom(...RULE_STATES), zip: fc.constant(null) }),
  fc.record({ countryCode: fc.constant('CA'), provinceCode: fc.constantFrom('ON', 'QC', 'BC', 'NS'), zip: fc.constant(null) }),
  fc.record({ countryCode: fc.constantFrom('GB', 'MX'), provinceCode: fc.constant(null), zip: fc.constant(null) }),
);
const windowText = fc
  .tuple(fc.integer({ min: 6, max: 12 }), fc.integer({ min: 14, max: 23 }))
  .map(([start, end]) => `${String(start).padStart(2, '0')}:00-${String(end).padStart(2, '0')}:00`);
const at2026 = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) - 1 }).map((ms) => new Date(ms));

const scenario = fc.record({
  phone,
  addresses: fc.array(address, { maxLength: 2 }),
  provider: fc.option(fc.constantFrom(...RULE_STATES, 'NY', 'CA'), { nil: null }),
  merchantZone: fc.constantFrom('America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Europe/London'),
  at: at2026,
  sendingWindow: fc.option(windowText, { freq: 4, nil: null }),
  profile: fc.constantFrom('standard' as const, 'strict' as const),
  kind: fc.constantFrom<MessageKind>('reminder', 'opt_in_request', 'help', 'stop_confirmation'),
  /** Hours before `at` of earlier marketing texts. */
  recentHours: fc.array(fc.double({ min: 0.01, max: 30, noNaN: true }), { maxLength: 4 }),
  cartRemindersSent: fc.integer({ min: 0, max: 2 }),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function run(s: Scenario) {
  const settings: MerchantSettings = { complianceProfile: s.profile, ...(s.sendingWindow ? { sendingWindow: s.sendingWindow } : {}) };
  const optIn = s.kind === 'opt_in_request';
  const recentMarketing = s.recentHours.map((hours) => new Date(s.at.getTime() - hours * 3_600_000));
  const verdict = sendGate(
    gateInput({
      message: {
        id: 'm', merchantId: 'shop', conversationId: 'c', cartId: 'cart', direction: 'outbound', kind: s.kind,
        body: 'Shop: your cart https://shop.example/cart', toPhone: s.phone, fromPhone: '+14155550100', messagingServiceSid: null,
        status: 'pending', segments: 1, attempts: 0,
      },
      facts: { cartAddresses: s.addresses, recentMarketing, cartRemindersSent: s.cartRemindersSent },
      conversation: { state: optIn ? 'awaitingOptIn' : 'sequencing', currentCartId: 'cart' },
      customer: { consentStatus: optIn ? 'requested' : 'confirmed', providerCountry: s.provider ? 'US' : null, providerState: s.provider },
      merchant: { settings, timezone: s.merchantZone },
      at: s.at,
    }),
  );
  const where = `${s.at.toISOString()} ${s.kind} ${s.phone} ${JSON.stringify(s.addresses)} provider=${s.provider} window=${s.sendingWindow} ${s.profile}`;
  if (s.kind === 'help' || s.kind === 'stop_confirmation') {
    assert.equal(verdict.verdict, 'send', `a keyword answer was held: ${where}`);
    return;
  }
  const places = placesOf(s.phone, s.addresses, s.provider, s.merchantZone);
  const merchantWindow = s.sendingWindow ? parseWindow(s.sendingWindow) : null;
  const allowedAt = (ms: number) => places.every((place) => placeAllows(place, merchantWindow, ms));
  const capped = s.recentHours.filter((hours) => hours < 24).length >= 3;
  const strictRefusal = s.profile === 'strict' && s.kind === 'reminder' && s.cartRemindersSent >= 1;
  if (capped || strictRefusal) {
    assert.equal(verdict.verdict, 'refuse', `over a cap or the profile, yet ${verdict.verdict}: ${where}`);
    assert.ok(verdict.verdict === 'refuse' && ['frequency_cap', 'strict_profile'].includes(verdict.rule), where);
    return;
  }
  switch (verdict.verdict) {
    case 'send':
      assert.ok(allowedAt(s.at.getTime()), `sent at a moment some place forbids: ${where} places=${JSON.stringify(places)}`);
      return;
    case 'defer':
      assert.ok(!allowedAt(s.at.getTime()), `held at a moment every place allows: ${where}`);
      assert.ok(verdict.until.getTime() > s.at.getTime(), where);
      assert.ok(allowedAt(verdict.until.getTime()), `deferred to ${verdict.until.toISOString()}, which some place forbids: ${where}`);
      return;
    case 'refuse':
      assert.equal(verdict.rule, 'no_common_sending_window', where);
      assert.ok(!allowedAt(s.at.getTime()), where);
      return;
    case 'skip':
      assert.fail(`skipped a pending message: ${where}`);
  }
}

describe('send gate properties', () => {
  it('never sends marketing outside every place’s window, over a cap or past the strict profile; keyword answers always go', () => {
    fc.assert(fc.property(scenario, run), { numRuns: 600 });
  });

  it('around clock changes, Sundays and holidays', () => {
    const edge = fc
      .tuple(fc.constantFrom('2026-03-08', '2026-11-01', '2026-06-14', '2026-11-26', '2026-12-25', '2026-02-17'), fc.integer({ min: -18 * 60, max: 18 * 60 }))
      .map(([day, minutes]) => new Date(Date.parse(`${day}T12:00:00Z`) + minutes * 60_000));
    fc.assert(fc.property(scenario, edge, (s, at) => run({ ...s, at })), { numRuns: 400 });
  });
});
