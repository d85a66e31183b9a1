import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smsEncoding } from '../../src/templates/encoding.js';
import { formatMoney } from '../../src/templates/money.js';

describe('formatMoney', () => {
  const cases: Array<[name: string, minor: number, currency: string, locale: string | undefined, expected: string]> = [
    ['USD has two decimals and defaults to en-US', 63282, 'USD', undefined, '$632.82'],
    ['JPY has no decimals: 1000 minor units are ¥1,000', 1000, 'JPY', undefined, '¥1,000'],
    ['KWD has three decimals: 1234 fils are 1.234 dinars', 1234, 'KWD', undefined, 'KWD 1.234'],
    ['EUR in en-US puts the sign first', 63282, 'EUR', 'en-US', '€632.82'],
    ['EUR in de-DE uses a comma and a plain space', 63282, 'EUR', 'de-DE', '632,82 €'],
    ['EUR in fr-FR groups thousands with a plain space', 1263282, 'EUR', 'fr-FR', '12 632,82 €'],
    ['GBP with an underscore locale tag', 63282, 'GBP', 'en_GB', '£632.82'],
    ['a lower-case currency code is accepted', 63282, 'usd', undefined, '$632.82'],
    ['a malformed locale falls back to en-US', 63282, 'USD', 'not a locale!!', '$632.82'],
    ['an empty locale falls back to en-US', 500, 'USD', '', '$5.00'],
    ['negative amounts keep their sign', -500, 'USD', undefined, '-$5.00'],
    ['a minus sign becomes a hyphen', -500, 'SEK', 'sv-SE', '-5,00 kr'],
    ['zero', 0, 'USD', undefined, '$0.00'],
  ];

  for (const [name, minor, currency, locale, expected] of cases) {
    it(name, () => assert.equal(formatMoney(minor, currency, locale), expected));
  }

  it('returns the same text from a cached formatter', () => {
    assert.equal(formatMoney(199, 'EUR', 'de-DE'), '1,99 €');
    assert.equal(formatMoney(199, 'EUR', 'de-DE'), '1,99 €');
  });

  it('never puts a no-break space in a text (it would force UCS-2)', () => {
    for (const locale of ['de-DE', 'fr-FR', 'de-CH', 'en-US', 'sv-SE']) {
      const text = formatMoney(123456789, 'EUR', locale);
      assert.equal(smsEncoding(text).encoding, 'GSM-7', `${locale}: ${JSON.stringify(text)}`);
    }
  });

  it('rejects a currency that is not a three-letter code', () => {
    assert.throws(() => formatMoney(100, 'DOLLARS'), { code: 'invalid_currency' });
  });

  it('rejects an amount that is not a whole number of minor units', () => {
    assert.throws(() => formatMoney(1.5, 'USD'), { code: 'invalid_amount' });
    assert.throws(() => formatMoney(Number.NaN, 'USD'), { code: 'invalid_amount' });
  });
});
