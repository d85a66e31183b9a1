/**
 * Carrier keywords in inbound texts.
 *
 * A keyword counts only when it is the whole message: "I can't stop thinking
 * about it" must not unsubscribe anyone, and "yes, but not now" must not
 * confirm an opt-in. Recognising a STOP phrased as a sentence is opt-out
 * intent detection, a separate and fuzzier question.
 */

export type KeywordIntent = 'stop' | 'start' | 'help' | 'yes';

/** Opt-out: the CTIA/carrier set (STOP … QUIT, REVOKE, OPTOUT) and unambiguous spellings of it. */
export const STOP_KEYWORDS: readonly string[] = Object.freeze([
  'STOP',
  'STOPALL',
  'STOP ALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'REVOKE',
  'OPTOUT',
  'OPT OUT',
  'OPT-OUT',
  'STOP PLEASE',
  'PLEASE STOP',
]);

/** Re-subscribe after a STOP. */
export const START_KEYWORDS: readonly string[] = Object.freeze(['START', 'UNSTOP']);

export const HELP_KEYWORDS: readonly string[] = Object.freeze(['HELP', 'INFO']);

/**
 * Confirmation of a double opt-in. Kept to clear affirmatives: consent has
 * to be unambiguous, so "ok", "maybe" or "k" do not count.
 */
export const YES_KEYWORDS: readonly string[] = Object.freeze([
  'YES',
  'Y',
  'YES PLEASE',
  'YES PLS',
  'YEP',
  'YUP',
  'YEAH',
  'OK YES',
  'OKAY YES',
  'SURE',
]);

export class DuplicateKeywordError extends Error {
  readonly code = 'duplicate_keyword';
  constructor(keyword: string) {
    super(`keyword ${JSON.stringify(keyword)} is listed under two intents`);
    this.name = 'DuplicateKeywordError';
  }
}

/**
 * Folds what people add around a keyword: case, full-width letters (NFKC),
 * punctuation, emoji and runs of spaces. Hyphens count as spaces, so
 * "opt-out" and "opt out" read alike.
 */
function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function buildIndex(lists: ReadonlyArray<readonly [KeywordIntent, readonly string[]]>): ReadonlyMap<string, KeywordIntent> {
  const index = new Map<string, KeywordIntent>();
  for (const [intent, keywords] of lists) {
    for (const keyword of keywords) {
      const key = normalise(keyword);
      const existing = index.get(key);
      // "OPT-OUT" and "OPT OUT" normalise alike and may share an intent; two intents may not share a key.
      if (existing && existing !== intent) throw new DuplicateKeywordError(keyword);
      index.set(key, intent);
    }
  }
  return index;
}

const INDEX = buildIndex([
  ['stop', STOP_KEYWORDS],
  ['start', START_KEYWORDS],
  ['help', HELP_KEYWORDS],
  ['yes', YES_KEYWORDS],
]);

/** The carrier keyword an inbound message is, or null when it is anything else. */
export function classifyKeyword(body: string): KeywordIntent | null {
  if (typeof body !== 'string') return null;
  return INDEX.get(normalise(body)) ?? null;
}
