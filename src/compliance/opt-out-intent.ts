/**
 * Opt-out intent: did the shopper revoke consent "by any reasonable means"?
 *
 * Carrier keywords (`classifyKeyword`) cover "STOP" as a whole message. This
 * module covers the rest: free-text revocation in English and Spanish ("please
 * stop texting me", "remove me from this list", "wrong number", "who is this?
 * stop", "no me envíen más", "dejen de escribirme"…), with typos, leetspeak,
 * stretched letters ("stooop"), emoji and shouting around it.
 *
 * Tuned for recall: a missed opt-out is a legal risk, a false one costs one
 * shopper. The policy the rules and the labelled corpus
 * (`test/compliance/opt-out-corpus.json`) follow:
 *
 * Opt-out when the sender
 *  - sends a carrier keyword as a message or as a clause of one ("Who is this? STOP");
 *  - asks us to stop / not / never text, message, contact or send; to remove,
 *    unsubscribe or take them off a list; says "no more" (messages);
 *  - says the number is wrong or not theirs, does not know us, never signed up,
 *    asks how we got the number, or calls it spam / a scam / will block or report;
 *  - tells us to go away or leave them alone, threatens legal action, or
 *    complains about the texts themselves (too many, annoying, sick of them);
 *  - answers "not interested" / "no me interesa" as a whole reply.
 * Not an opt-out:
 *  - the same words in another sense: "stop by the store", "can't stop thinking
 *    about these shoes", "end of the month", "when does the sale end",
 *    "para mi hija", "remove the red one from my cart";
 *  - "cancel" about an order ("cancel my order", "cancelar mi pedido"). A bare
 *    "cancel", "cancel it" or "cancel please" IS an opt-out (carrier keyword);
 *  - a reply that declines the offer, not the channel: "no", "no thanks",
 *    "maybe later", "I'm good". These return a confidence just under the
 *    threshold so a caller can route them to a person;
 *  - a resubscribe ("I sent STOP by accident, please start again").
 *
 * `confidence` is the detector's belief that the message IS an opt-out, in
 * [0, 1]: 1 for an exact carrier keyword, 0.95 / 0.85 / 0.65 for strong /
 * medium / weak phrase rules, 0.35 for a near miss, 0 for nothing. `optOut`
 * is `confidence >= OPT_OUT_THRESHOLD`. `matched` is the normalised phrase
 * that decided it (null unless `optOut`).
 *
 * Pure: no I/O, no clock, no environment. `natural` is not used: the only
 * piece it would contribute is an edit distance, which is a dozen lines here
 * and keeps this module free of a large import.
 */
import { classifyKeyword } from './keywords.js';
import { FRAMES_EN } from './opt-out-frames-en.js';
import { FRAMES_ES } from './opt-out-frames-es.js';
import { coreOfNormalised, normaliseForOptOut } from './opt-out-normalise.js';
import { ACCIDENTAL_STOP, DECLINE, NAME_RULES, OPT_OUT_RULES, PLAYFUL, RESUBSCRIBE, type OptOutLanguage, type OptOutRule } from './opt-out-phrases.js';
import { LANGUAGE_HINTS } from './opt-out-tokens.js';

export type { OptOutLanguage } from './opt-out-phrases.js';
export { normaliseForOptOut } from './opt-out-normalise.js';

export interface OptOutResult {
  readonly optOut: boolean;
  readonly confidence: number;
  readonly matched: string | null;
  readonly language: OptOutLanguage | null;
}

export const OPT_OUT_THRESHOLD = 0.5;

const NEAR_MISS = 0.35;
const DECLINE_CONFIDENCE = 0.3;
/**
 * Rules that only name the act of opting out ("stop", "unsubscribe", "baja"),
 * not a reason for it. A message that asks to start again, or says the stop
 * was an accident, overrides them; a complaint or a wrong number it does not.
 */
const KEYWORD_RULES = new Set([
  'keyword-clause', 'stop-clause-end', 'stop-it', 'please-stop', 'unsubscribe', 'opt-out', 'cancel', 'es-para', 'es-baja', 'es-quitame', 'f-es-keyword',
]);
/** Rules that fire on a bare "stop" word: teasing praise next to one overrides them. */
const BARE_STOP_RULES = new Set(['keyword-clause', 'stop-clause-end', 'stop-it']);
/** Phrase rules, then structural frames: all run on the normalised text and on its core. */
const TEXT_RULES: readonly OptOutRule[] = [...OPT_OUT_RULES, ...FRAMES_EN, ...FRAMES_ES];

function guessLanguage(text: string): OptOutLanguage | null {
  let en = 0;
  let es = 0;
  for (const token of text.split(/[ .]+/)) {
    if (LANGUAGE_HINTS.en.has(token)) en++;
    if (LANGUAGE_HINTS.es.has(token)) es++;
  }
  if (en === es) return null;
  return en > es ? 'en' : 'es';
}

function languageOf(body: string, text: string, rule: OptOutRule | null): OptOutLanguage | null {
  if (/[ñ¿¡áéíóú]/i.test(body)) return 'es';
  return rule?.lang ?? guessLanguage(text);
}

const NOTHING = (language: OptOutLanguage | null, confidence = 0): OptOutResult =>
  Object.freeze({ optOut: false, confidence, matched: null, language });

/** Classify one inbound SMS body. */
export function detectOptOut(body: string): OptOutResult {
  if (typeof body !== 'string' || body.trim() === '') return NOTHING(null);
  const keyword = classifyKeyword(body);
  const text = normaliseForOptOut(body);
  if (keyword === 'stop') {
    return Object.freeze({ optOut: true, confidence: 1, matched: text || body.trim().toLowerCase(), language: languageOf(body, text, null) });
  }
  if (keyword !== null) return NOTHING(languageOf(body, text, null));

  let best: { rule: OptOutRule; phrase: string } | null = null;
  const decided = new Set<string>();
  const core = coreOfNormalised(text);
  for (const version of core === text ? [text] : [text, core]) {
    for (const rule of TEXT_RULES) {
      const m = rule.pattern.exec(version);
      if (!m) continue;
      if (rule.weight >= OPT_OUT_THRESHOLD) decided.add(rule.id);
      if (!best || rule.weight > best.rule.weight) best = { rule, phrase: m[0].replace(/^\. /, '').trim() };
    }
  }
  const cased = body.normalize('NFKC').normalize('NFD').replace(/\p{M}+/gu, '').replace(/[’‘`´'ʼ]/g, '');
  for (const rule of NAME_RULES) {
    const m = rule.pattern.exec(cased);
    if (!m) continue;
    decided.add(rule.id);
    if (!best || rule.weight > best.rule.weight) best = { rule, phrase: m[0].toLowerCase() };
  }
  const language = languageOf(body, text, best && best.rule.weight >= OPT_OUT_THRESHOLD ? best.rule : null);
  if (!best || best.rule.weight < OPT_OUT_THRESHOLD) {
    const near = best ? NEAR_MISS : DECLINE.test(text) ? DECLINE_CONFIDENCE : 0;
    return NOTHING(language, near);
  }
  const onlyKeywordRules = [...decided].every((id) => KEYWORD_RULES.has(id));
  if (onlyKeywordRules && (RESUBSCRIBE.test(text) || ACCIDENTAL_STOP.test(text))) return NOTHING(language, NEAR_MISS);
  if ([...decided].every((id) => BARE_STOP_RULES.has(id)) && PLAYFUL.test(text)) return NOTHING(language, NEAR_MISS);
  const confidence = Math.min(0.99, best.rule.weight + 0.02 * (decided.size - 1));
  return Object.freeze({ optOut: true, confidence: Math.round(confidence * 100) / 100, matched: best.phrase, language });
}
