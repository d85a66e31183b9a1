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
 *  - a resubscribe ("I sent STOP by accident, please start again"), or a stop
 *    the sender calls a mistake ("me di de baja sin querer");
 *  - a teasing "stop" beside praise ("stop it, these are so cute 😍").
 *
 * How it decides: the message is normalised (`opt-out-normalise.ts`), then
 * phrase rules (`opt-out-phrases.ts`) and structural frames
 * (`opt-out-frames-en.ts`, `opt-out-frames-es.ts`) run on it and on its core
 * without tone words; the strongest match wins. Only when no rule matched at
 * all, and the message is not a decline, a resubscribe, a stop undone or
 * praise, a naive Bayes model trained on the corpus (`opt-out-model.ts`) may
 * still call it an opt-out: a second opinion for wordings no rule foresaw.
 *
 * `confidence` is the detector's belief that the message IS an opt-out, in
 * [0, 1]: 1 for an exact carrier keyword, 0.95 / 0.85 / 0.65 for strong /
 * medium / weak rules (a little more when several agree), 0.6 for the model
 * alone, 0.35 for a near miss, 0.3 for a decline, 0 for nothing. `optOut` is
 * `confidence >= OPT_OUT_THRESHOLD`. `matched` is the normalised phrase that
 * decided it, or the model's strongest cues (null unless `optOut`).
 *
 * Pure: no I/O, no clock, no environment. The model is a table of weights
 * loaded with the module; `natural` trains it offline
 * (`scripts/train-opt-out-model.ts`) and is never imported at run time.
 */
import { classifyKeyword } from './keywords.js';
import { FRAMES_EN } from './opt-out-frames-en.js';
import { FRAMES_ES } from './opt-out-frames-es.js';
import { coreOfNormalised, normaliseForOptOut } from './opt-out-normalise.js';
import { modelOpinion, OPT_OUT_MODEL, type OptOutModel } from './opt-out-model.js';
import { ACCIDENTAL_STOP, DECLINE, NAME_RULES, NEGATED_STOP, OPT_OUT_RULES, PLAYFUL, PRAISE, RESUBSCRIBE, type OptOutLanguage, type OptOutRule } from './opt-out-phrases.js';
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
/** The model alone: above the threshold, below every rule, so a rule's reading always ranks first. */
const MODEL_CONFIDENCE = 0.6;
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
  return assessOptOut(body, OPT_OUT_MODEL).result;
}

export interface OptOutAssessment {
  readonly result: OptOutResult;
  /** The model's probability when it was consulted (no rule matched and no gate closed), else null. */
  readonly modelProbability: number | null;
}

/**
 * `detectOptOut` with an explicit model (or none): the accuracy bench
 * cross-validates with models trained on part of the corpus, and the trainer
 * picks the model's threshold from the probabilities reported here.
 */
export function assessOptOut(body: string, model: OptOutModel | null): OptOutAssessment {
  const ruled = (result: OptOutResult): OptOutAssessment => ({ result, modelProbability: null });
  if (typeof body !== 'string' || body.trim() === '') return ruled(NOTHING(null));
  const keyword = classifyKeyword(body);
  const text = normaliseForOptOut(body);
  if (keyword === 'stop') {
    return ruled(Object.freeze({ optOut: true, confidence: 1, matched: text || body.trim().toLowerCase(), language: languageOf(body, text, null) }));
  }
  if (keyword !== null) return ruled(NOTHING(languageOf(body, text, null)));

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
  if (best === null) return consultModel(model, text, core, language);
  if (best.rule.weight < OPT_OUT_THRESHOLD) return ruled(NOTHING(language, NEAR_MISS));
  const onlyKeywordRules = [...decided].every((id) => KEYWORD_RULES.has(id));
  if (onlyKeywordRules && (RESUBSCRIBE.test(text) || ACCIDENTAL_STOP.test(text))) return ruled(NOTHING(language, NEAR_MISS));
  if ([...decided].every((id) => BARE_STOP_RULES.has(id)) && PLAYFUL.test(text)) return ruled(NOTHING(language, NEAR_MISS));
  const confidence = Math.min(0.99, best.rule.weight + 0.02 * (decided.size - 1));
  return ruled(Object.freeze({ optOut: true, confidence: Math.round(confidence * 100) / 100, matched: best.phrase, language }));
}

/**
 * No rule matched, not even a near miss. The model may still call it an
 * opt-out, except where the message says what it is in a way the rules
 * already read as something else: a decline of the offer ("no thanks"), a
 * resubscribe, a stop undone ("no dejen de avisarme", "sent stop by accident"),
 * or praise, whose polarity a bag of words cannot see.
 */
function consultModel(model: OptOutModel | null, text: string, core: string, language: OptOutLanguage | null): OptOutAssessment {
  const quiet = DECLINE.test(text) ? DECLINE_CONFIDENCE : 0;
  const gated = model === null || DECLINE.test(text) || RESUBSCRIBE.test(text) || ACCIDENTAL_STOP.test(text) || NEGATED_STOP.test(text) || PRAISE.test(text);
  if (gated) return { result: NOTHING(language, quiet), modelProbability: null };
  const opinion = modelOpinion(model, core);
  if (opinion.probability < model.threshold) return { result: NOTHING(language, quiet), modelProbability: opinion.probability };
  const result = Object.freeze({ optOut: true, confidence: MODEL_CONFIDENCE, matched: opinion.cues.join(' / ') || core, language });
  return { result, modelProbability: opinion.probability };
}
