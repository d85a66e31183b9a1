/**
 * The shape of an opt-out rule and the small regex vocabulary every phrase
 * table is written in.
 *
 * Every pattern runs on the detector's normalised text: lower case, accents
 * stripped, no punctuation, spelling variants folded to one canonical token
 * ("txt" → "text", "plz" → "please", "por favor" → "porfavor"), tokens
 * separated by one space and clauses (split at sentence punctuation, commas,
 * line breaks and emoji) separated by " . ". So `S` and `E` below mark the
 * start and end of a clause, and a gap of words never crosses one.
 */

export type OptOutLanguage = 'en' | 'es';

export interface OptOutRule {
  /** Stable name, for logs and tests. */
  readonly id: string;
  readonly lang: OptOutLanguage | null;
  /** Confidence that a message matching the rule is an opt-out; 0.5 and above counts as one. */
  readonly weight: number;
  readonly pattern: RegExp;
}

/** Weight tiers: confidence that a message matching the rule is an opt-out. */
export const STRONG = 0.95;
export const MEDIUM = 0.85;
export const WEAK = 0.65;
/** A cue that looks like an opt-out but is read as something else: below the threshold, above silence. */
export const NEAR = 0.35;

export const alt = (...xs: readonly string[]): string => `(?:${xs.join('|')})`;
export const S = '(?:^|\\. )';
export const E = '(?= \\.|$)';
export const W = '[a-z0-9]+';
/** Up to `n` arbitrary words, each followed by a space, inside one clause. */
export const gap = (n: number): string => `(?:${W} ){0,${n}}`;

export const rule = (id: string, lang: OptOutLanguage | null, weight: number, source: string): OptOutRule =>
  Object.freeze({ id, lang, weight, pattern: new RegExp(source) });
