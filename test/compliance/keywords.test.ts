import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  classifyKeyword,
  HELP_KEYWORDS,
  START_KEYWORDS,
  STOP_KEYWORDS,
  YES_KEYWORDS,
  type KeywordIntent,
} from '../../src/compliance/keywords.js';

const LISTS: ReadonlyArray<readonly [KeywordIntent, readonly string[]]> = [
  ['stop', STOP_KEYWORDS],
  ['start', START_KEYWORDS],
  ['help', HELP_KEYWORDS],
  ['yes', YES_KEYWORDS],
];

/** Ways people dress up a keyword that must not change its meaning. */
const DRESSINGS: ReadonlyArray<readonly [string, (keyword: string) => string]> = [
  ['as listed', (k) => k],
  ['lower case', (k) => k.toLowerCase()],
  ['title case', (k) => k.charAt(0) + k.slice(1).toLowerCase()],
  ['surrounding whitespace and newline', (k) => `  \t${k}\n`],
  ['trailing exclamation marks', (k) => `${k}!!!`],
  ['trailing period', (k) => `${k}.`],
  ['quoted', (k) => `"${k}"`],
  ['curly quotes', (k) => `“${k}”`],
  ['leading and trailing emoji', (k) => `🛑 ${k} 🙏🏽`],
  ['emoji glued on', (k) => `${k}👍`],
  ['inner runs of spaces', (k) => k.replace(/ /g, '   ')],
  ['full-width letters', (k) => k.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))],
];

describe('classifyKeyword', () => {
  describe('recognises every listed keyword however it is dressed', () => {
    for (const [intent, keywords] of LISTS) {
      for (const keyword of keywords) {
        for (const [dressing, dress] of DRESSINGS) {
          it(`${JSON.stringify(keyword)} ${dressing} → ${intent}`, () => {
            assert.equal(classifyKeyword(dress(keyword)), intent);
          });
        }
      }
    }
  });

  describe('recognises the variants shoppers actually send', () => {
    const cases: ReadonlyArray<readonly [string, KeywordIntent]> = [
      ['STOP', 'stop'],
      ['stop', 'stop'],
      [' Stop. ', 'stop'],
      ['STOP!!!', 'stop'],
      ['🛑STOP🛑', 'stop'],
      ['StopAll', 'stop'],
      ['stop   all', 'stop'],
      ['Unsubscribe', 'stop'],
      ['cancel', 'stop'],
      ['End.', 'stop'],
      ['quit!', 'stop'],
      ['REVOKE', 'stop'],
      ['OptOut', 'stop'],
      ['opt out', 'stop'],
      ['Opt-Out!', 'stop'],
      ['opt_out', 'stop'],
      ['stop please', 'stop'],
      ['Please stop!!', 'stop'],
      ['please, stop', 'stop'],
      ['START', 'start'],
      ['Unstop', 'start'],
      ['help?', 'help'],
      ['HELP!', 'help'],
      ['Info', 'help'],
      ['YES', 'yes'],
      ['y', 'yes'],
      ['Y!', 'yes'],
      ['yes!', 'yes'],
      ['Yes please', 'yes'],
      ['yes pls 🙂', 'yes'],
      ['Yep', 'yes'],
      ['yeah!!', 'yes'],
      ['ok yes', 'yes'],
      ['OK, yes', 'yes'],
      ['sure', 'yes'],
      ['Yes 👍', 'yes'],
    ];
    for (const [body, intent] of cases) {
      it(`${JSON.stringify(body)} → ${intent}`, () => {
        assert.equal(classifyKeyword(body), intent);
      });
    }
  });

  describe('ignores messages that merely contain a keyword', () => {
    const negatives = [
      "I can't stop thinking about it",
      'please don’t stop',
      'stop it now',
      'STOP SENDING ME THESE',
      'not stop',
      'Stopping by the store later',
      'the end',
      'unsubscribe me from email',
      'start over',
      'help me find my cart',
      'information',
      'yes but later',
      'yes stop',
      'Y not',
      'yess',
      'sure thing',
      'no',
      'ok',
      'maybe',
      'k',
      '',
      '   ',
      '🛑',
      '!!!',
      'STOP2',
    ];
    for (const body of negatives) {
      it(`${JSON.stringify(body)} → null`, () => {
        assert.equal(classifyKeyword(body), null);
      });
    }
  });

  it('keeps the documented keyword lists disjoint, so no reply means two things', () => {
    const seen = new Map<string, KeywordIntent>();
    for (const [intent, keywords] of LISTS) {
      for (const keyword of keywords) {
        const key = keyword.toLowerCase().replace(/[^a-z]+/g, ' ').trim();
        const other = seen.get(key);
        assert.ok(other === undefined || other === intent, `${keyword} is both ${other} and ${intent}`);
        seen.set(key, intent);
      }
    }
  });

  it('publishes the carrier-required keywords', () => {
    for (const keyword of ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']) {
      assert.ok(STOP_KEYWORDS.includes(keyword), keyword);
    }
    assert.deepEqual([...START_KEYWORDS], ['START', 'UNSTOP']);
    assert.deepEqual([...HELP_KEYWORDS], ['HELP', 'INFO']);
    assert.ok(Object.isFrozen(STOP_KEYWORDS));
  });

  it('returns null for a body that is not a string at run time', () => {
    assert.equal(classifyKeyword(undefined as unknown as string), null);
    assert.equal(classifyKeyword(null as unknown as string), null);
  });
});
