import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getCountry } from 'countries-and-timezones';
import type { Address } from '../../src/domain/cart-event.js';
import { NANP_AREA_CODES } from '../../src/compliance/nanp-area-codes.js';
import { CA_PROVINCE_ZONES, US_STATE_ZONES } from '../../src/compliance/region-zones.js';
import { recipientZones, zonesForAddress, zonesForPhone } from '../../src/compliance/time-zones.js';
import { InvalidTimeZoneError, isSupportedZone } from '../../src/compliance/zone-clock.js';

const NY = 'America/New_York';
const CHI = 'America/Chicago';
const DEN = 'America/Denver';
const LA = 'America/Los_Angeles';

const address = (countryCode: string | null, provinceCode: string | null): Address => ({ countryCode, provinceCode, zip: null });

describe('zonesForPhone', () => {
  describe('places a NANP number by its area code', () => {
    const cases: ReadonlyArray<readonly [string, string[]]> = [
      ['+12125550123', [NY]],
      ['+13125550123', [CHI]],
      ['+13035550123', [DEN]],
      ['+16025550123', ['America/Phoenix']],
      ['+12135550123', [LA]],
      ['+18085550123', ['Pacific/Honolulu']],
      ['+14165550123', ['America/Toronto']],
      ['+16045550123', ['America/Vancouver']],
      ['+17875550123', ['America/Puerto_Rico']],
      ['+18765550123', ['America/Jamaica']],
      ['+16715550123', ['Pacific/Guam']],
      ['+19155550123', [DEN]],
    ];
    for (const [phone, zones] of cases) {
      it(`${phone} → ${zones.join(', ')}`, () => assert.deepEqual(zonesForPhone(phone), zones));
    }
  });

  describe('lists every zone of an area code split by a zone line', () => {
    const cases: ReadonlyArray<readonly [string, string, string[]]> = [
      ['208 Idaho', '+12085550123', ['America/Boise', LA]],
      ['986 Idaho overlay', '+19865550123', ['America/Boise', LA]],
      ['270 western Kentucky', '+12705550123', [CHI, NY]],
      ['606 eastern Kentucky', '+16065550123', [CHI, NY]],
      ['850 Florida panhandle', '+18505550123', [CHI, NY]],
      ['812 southern Indiana', '+18125550123', [CHI, NY]],
      ['423 east Tennessee', '+14235550123', [CHI, NY]],
      ['906 Upper Peninsula', '+19065550123', [CHI, NY]],
      ['605 South Dakota', '+16055550123', [CHI, DEN]],
      ['701 North Dakota', '+17015550123', [CHI, DEN]],
      ['308 western Nebraska', '+13085550123', [CHI, DEN]],
      ['785 northern Kansas', '+17855550123', [CHI, DEN]],
      ['541 eastern Oregon', '+15415550123', ['America/Boise', LA]],
      ['775 northern Nevada', '+17755550123', [DEN, LA]],
      ['928 northern Arizona (Navajo Nation keeps DST)', '+19285550123', [DEN, 'America/Phoenix']],
      ['907 Alaska', '+19075550123', ['America/Adak', 'America/Anchorage']],
      ['306 Saskatchewan (Lloydminster)', '+13065550123', ['America/Edmonton', 'America/Regina']],
      ['807 north-western Ontario', '+18075550123', ['America/Toronto', 'America/Winnipeg']],
      ['867 northern territories', '+18675550123', ['America/Edmonton', 'America/Toronto', 'America/Whitehorse', 'America/Winnipeg']],
    ];
    for (const [label, phone, zones] of cases) {
      it(label, () => assert.deepEqual(zonesForPhone(phone), zones));
    }
  });

  describe('places other countries by the country of the number', () => {
    it('+44 (United Kingdom) → Europe/London', () => assert.deepEqual(zonesForPhone('+442071838750'), ['Europe/London']));
    it('+44 mobile → Europe/London', () => assert.deepEqual(zonesForPhone('+447400123456'), ['Europe/London']));
    it('+81 (Japan) → Asia/Tokyo', () => assert.deepEqual(zonesForPhone('+81312345678'), ['Asia/Tokyo']));
    it('+33 (France) → Europe/Paris', () => assert.deepEqual(zonesForPhone('+33612345678'), ['Europe/Paris']));
    it('+61 (Australia) → every Australian zone, east to west', () => {
      const zones = zonesForPhone('+61412345678');
      for (const zone of ['Australia/Sydney', 'Australia/Brisbane', 'Australia/Adelaide', 'Australia/Darwin', 'Australia/Perth']) {
        assert.ok(zones.includes(zone), zone);
      }
      assert.deepEqual(zones, [...zones].sort());
    });
  });

  describe('returns [] for what cannot be placed', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['toll-free 800', '+18005550123'],
      ['non-geographic 500', '+15005550123'],
      ['unassigned 555', '+15555550123'],
      ['area code starting with 1', '+11235550123'],
      ['exchange starting with 1', '+12121550123'],
      ['NANP number one digit short', '+1212555012'],
      ['not E.164: no plus', '12125550123'],
      ['not E.164: spaces', '+1 212 555 0123'],
      ['not E.164: letters', '+1212JKL0123'],
      ['empty', ''],
      ['unknown country code', '+999123456789'],
    ];
    for (const [label, phone] of cases) {
      it(label, () => assert.deepEqual(zonesForPhone(phone), []));
    }
  });

  it('returns a fresh array each time, so callers cannot corrupt the table', () => {
    const first = zonesForPhone('+12085550123');
    first.push('Etc/UTC');
    assert.deepEqual(zonesForPhone('+12085550123'), ['America/Boise', LA]);
  });
});

describe('zonesForAddress', () => {
  describe('places US and Canadian addresses by state or province', () => {
    const cases: ReadonlyArray<readonly [string, Address, string[]]> = [
      ['KY spans Eastern and Central', address('US', 'KY'), [CHI, NY]],
      ['FL spans Eastern and Central', address('US', 'FL'), [CHI, NY]],
      ['TX spans Central and Mountain', address('US', 'TX'), [CHI, DEN]],
      ['TN spans Eastern and Central', address('US', 'TN'), [CHI, NY]],
      ['ID spans Mountain and Pacific', address('US', 'ID'), ['America/Boise', LA]],
      ['AZ: no DST except the Navajo Nation', address('US', 'AZ'), [DEN, 'America/Phoenix']],
      ['NY is one zone', address('US', 'NY'), [NY]],
      ['CA (California) is one zone', address('US', 'CA'), [LA]],
      ['HI', address('US', 'HI'), ['Pacific/Honolulu']],
      ['PR filed as a US state', address('US', 'PR'), ['America/Puerto_Rico']],
      ['ISO 3166-2 form US-KY', address('US', 'US-KY'), [CHI, NY]],
      ['lower-case codes', address('us', 'ky'), [CHI, NY]],
      ['ON spans Eastern and Central', address('CA', 'ON'), ['America/Toronto', 'America/Winnipeg']],
      ['QC includes the Magdalen Islands', address('CA', 'QC'), ['America/Halifax', 'America/Toronto']],
      ['SK keeps CST all year, Lloydminster excepted', address('CA', 'SK'), ['America/Edmonton', 'America/Regina']],
      ['NL', address('CA', 'NL'), ['America/Halifax', 'America/St_Johns']],
      ['a state code without a country', address(null, 'KY'), [CHI, NY]],
      ['a province code without a country', address(null, 'BC'), ['America/Dawson_Creek', 'America/Edmonton', 'America/Vancouver']],
    ];
    for (const [label, input, zones] of cases) {
      it(label, () => assert.deepEqual(zonesForAddress(input), zones));
    }
  });

  describe('places other countries by country', () => {
    it('GB → Europe/London, whatever the province', () => assert.deepEqual(zonesForAddress(address('GB', 'ENG')), ['Europe/London']));
    it('JP → Asia/Tokyo', () => assert.deepEqual(zonesForAddress(address('JP', null)), ['Asia/Tokyo']));
    it('DE → its zones', () => assert.deepEqual(zonesForAddress(address('DE', null)), ['Europe/Berlin', 'Europe/Zurich']));
  });

  it('treats a US address without a known state as anywhere in the US', () => {
    for (const input of [address('US', null), address('US', 'AE'), address('US', 'constructor')]) {
      const zones = zonesForAddress(input);
      for (const zone of [NY, CHI, DEN, LA, 'America/Anchorage', 'Pacific/Honolulu']) assert.ok(zones.includes(zone), zone);
    }
  });

  describe('returns [] when nothing is known', () => {
    const cases: ReadonlyArray<readonly [string, Address]> = [
      ['no country, no province', address(null, null)],
      ['blank codes', address('  ', '')],
      ['unknown country', address('ZZ', null)],
      ['unknown province without a country', address(null, 'XX')],
    ];
    for (const [label, input] of cases) {
      it(label, () => assert.deepEqual(zonesForAddress(input), []));
    }
  });
});

describe('recipientZones', () => {
  it('unions phone, addresses and provider region, deduplicated and sorted', () => {
    const zones = recipientZones({
      phone: '+12125550123',
      addresses: [address('US', 'KY'), address('US', 'NY')],
      providerRegion: { country: 'US', state: 'CA' },
      fallbackZone: 'Europe/Paris',
    });
    assert.deepEqual(zones, [CHI, LA, NY]);
  });

  it('lets a Kentucky address widen a New York phone to both Kentucky zones', () => {
    const zones = recipientZones({ phone: '+12125550123', addresses: [address('US', 'KY')], fallbackZone: NY });
    assert.deepEqual(zones, [CHI, NY]);
  });

  it('uses the provider region when phone and addresses say nothing', () => {
    const zones = recipientZones({ phone: '+18005550123', addresses: [], providerRegion: { country: 'CA', state: 'AB' }, fallbackZone: NY });
    assert.deepEqual(zones, ['America/Edmonton']);
  });

  it('falls back to the merchant zone when nothing places the recipient', () => {
    const cases = [
      { phone: '+18005550123', addresses: [], fallbackZone: 'Europe/Berlin' },
      { phone: 'not a phone', addresses: [address(null, null)], providerRegion: null, fallbackZone: 'Europe/Berlin' },
      { phone: '+18005550123', addresses: [], providerRegion: { country: null, state: null }, fallbackZone: 'Europe/Berlin' },
    ];
    for (const input of cases) assert.deepEqual(recipientZones(input), ['Europe/Berlin']);
  });

  it('ignores the fallback zone once any source places the recipient', () => {
    assert.deepEqual(recipientZones({ phone: '+442071838750', addresses: [], fallbackZone: NY }), ['Europe/London']);
  });

  it('rejects an unknown fallback zone with a typed error', () => {
    assert.throws(
      () => recipientZones({ phone: '+12125550123', addresses: [], fallbackZone: 'Mars/Olympus_Mons' }),
      (error: unknown) => error instanceof InvalidTimeZoneError && error.code === 'invalid_time_zone',
    );
  });
});

describe('zone tables', () => {
  it('uses only zones this runtime can evaluate', () => {
    const zones = new Set<string>();
    for (const info of NANP_AREA_CODES.values()) info.zones.forEach((zone) => zones.add(zone));
    for (const table of [US_STATE_ZONES, CA_PROVINCE_ZONES]) Object.values(table).forEach((list) => list.forEach((zone) => zones.add(zone)));
    for (const zone of zones) assert.ok(isSupportedZone(zone), zone);
  });

  it('keys area codes as three digits starting 2-9, each with at least one zone', () => {
    assert.ok(NANP_AREA_CODES.size > 400, `only ${NANP_AREA_CODES.size} area codes`);
    for (const [code, info] of NANP_AREA_CODES) {
      assert.match(code, /^[2-9]\d{2}$/);
      assert.ok(info.zones.length > 0, code);
      assert.deepEqual([...info.zones], [...info.zones].sort(), code);
    }
  });

  it('gives a Caribbean area code the same zones as its country, so phone and address deduplicate', () => {
    for (const [code, info] of NANP_AREA_CODES) {
      if (info.country === 'US' || info.country === 'CA') continue;
      assert.deepEqual([...info.zones], getCountry(info.country)?.timezones ?? [], `${code} (${info.country})`);
    }
  });

  it('places every US area code in a state whose zones include the code’s zones', () => {
    for (const [code, info] of NANP_AREA_CODES) {
      const table = info.country === 'US' ? US_STATE_ZONES : info.country === 'CA' ? CA_PROVINCE_ZONES : null;
      if (!table) continue;
      const regionZones = new Set(info.regions.flatMap((region) => table[region] ?? []));
      for (const zone of info.zones) assert.ok(regionZones.has(zone), `${code} ${zone} not in ${info.regions.join('/')}`);
    }
  });
});
