import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nonGsm7Characters, smsEncoding, type SmsEncodingInfo } from '../../src/templates/encoding.js';

const a = (n: number): string => 'a'.repeat(n);
const cyrillic = (n: number): string => 'Ж'.repeat(n);

describe('smsEncoding', () => {
  const cases: Array<[name: string, body: string, expected: SmsEncodingInfo]> = [
    ['an empty body is billed as one GSM-7 segment', '', { encoding: 'GSM-7', segments: 1, units: 0 }],
    ['160 GSM characters fit one segment', a(160), { encoding: 'GSM-7', segments: 1, units: 160 }],
    ['161 GSM characters take two segments', a(161), { encoding: 'GSM-7', segments: 2, units: 161 }],
    ['2 × 153 GSM characters fill exactly two concatenated segments', a(306), { encoding: 'GSM-7', segments: 2, units: 306 }],
    ['one more than 2 × 153 takes a third segment', a(307), { encoding: 'GSM-7', segments: 3, units: 307 }],
    ['the whole basic set is GSM-7', '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./09:;<=>?¡AZÄÖÑÜ§¿azäöñüà', { encoding: 'GSM-7', segments: 1, units: 71 }],
    ['extension characters cost two septets each', '€[]{}^~\\|', { encoding: 'GSM-7', segments: 1, units: 18 }],
    ['80 euro signs are exactly 160 septets', '€'.repeat(80), { encoding: 'GSM-7', segments: 1, units: 160 }],
    ['81 euro signs overflow to two segments', '€'.repeat(81), { encoding: 'GSM-7', segments: 2, units: 162 }],
    // 152 + 2 would straddle the 153 edge: the escape pair moves whole to segment 2.
    ['an extension character at a segment edge is not split', `${a(152)}€${a(152)}`, { encoding: 'GSM-7', segments: 3, units: 306 }],
    ['an extension character that ends exactly on the edge stays', `${a(151)}€${a(153)}`, { encoding: 'GSM-7', segments: 2, units: 306 }],
    ['one emoji switches to UCS-2 and counts 2 units', '😀', { encoding: 'UCS-2', segments: 1, units: 2 }],
    ['a character outside GSM (ç) switches to UCS-2', 'ça', { encoding: 'UCS-2', segments: 1, units: 2 }],
    ['70 UCS-2 units fit one segment', cyrillic(70), { encoding: 'UCS-2', segments: 1, units: 70 }],
    ['71 UCS-2 units take two segments', cyrillic(71), { encoding: 'UCS-2', segments: 2, units: 71 }],
    ['an emoji makes a 69-character GSM text 71 units, two segments', `${a(69)}😀`, { encoding: 'UCS-2', segments: 2, units: 71 }],
    ['2 × 67 UCS-2 units fill exactly two segments', cyrillic(134), { encoding: 'UCS-2', segments: 2, units: 134 }],
    // 66 + 2 would straddle the 67 edge: the surrogate pair moves whole to segment 2.
    ['a surrogate pair at a segment edge is not split', `${cyrillic(66)}😀${cyrillic(66)}`, { encoding: 'UCS-2', segments: 3, units: 134 }],
    ['a surrogate pair that ends exactly on the edge stays', `${cyrillic(65)}😀${cyrillic(67)}`, { encoding: 'UCS-2', segments: 2, units: 134 }],
  ];

  for (const [name, body, expected] of cases) {
    it(name, () => assert.deepEqual(smsEncoding(body), expected));
  }

  it('a literal ESC character is not sent as GSM-7', () => {
    assert.equal(smsEncoding('a\u001bb').encoding, 'UCS-2');
  });
});

describe('nonGsm7Characters', () => {
  it('lists each character that forces UCS-2 once, in order', () => {
    assert.deepEqual(nonGsm7Characters('Hi 😀 ça va 😀 ×'), ['😀', 'ç', '×']);
  });

  it('is empty for a GSM-7 body, extension characters included', () => {
    assert.deepEqual(nonGsm7Characters('Save 10€ [today] {now}'), []);
  });
});
