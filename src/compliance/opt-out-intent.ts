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
import {
  CANONICAL,
  DECLINE,
  FUZZY_PROTECT,
  FUZZY_TARGETS,
  LANGUAGE_HINTS,
  NAME_RULES,
  OPT_OUT_RULES,
  PHRASE_FOLDS,
  RESUBSCRIBE,
  SQUEEZE_KEYS,
  type OptOutLanguage,
  type OptOutRule,
} from './opt-out-phrases.js';

export type { OptOutLanguage } from './opt-out-phrases.js';

export interface OptOutResult {
  readonly optOut: boolean;
  readonly confidence: number;
  readonly matched: string | null;
  readonly language: OptOutLanguage | null;
}

export const OPT_OUT_THRESHOLD = 0.5;

const NEAR_MISS = 0.35;
const DECLINE_CONFIDENCE = 0.3;
/** Rules that only see the word "stop" itself; a resubscribe message overrides them. */
const KEYWORD_RULES = new Set(['keyword-clause', 'stop-clause-end', 'stop-it']);

// ── Token canonicalisation ──────────────────────────────────────────────────

/** Every plain word the rules mention, plus the canonical table: tokens we already understand. */
const VOCAB: ReadonlySet<string> = (() => {
  const words = new Set<string>();
  for (const r of OPT_OUT_RULES) for (const w of r.pattern.source.match(/[a-z]{2,}/g) ?? []) words.add(w);
  for (const w of RESUBSCRIBE.source.match(/[a-z]{2,}/g) ?? []) words.add(w);
  for (const w of DECLINE.source.match(/[a-z]{2,}/g) ?? []) words.add(w);
  for (const [k, v] of Object.entries(CANONICAL)) {
    words.add(k);
    for (const w of v.split(' ')) words.add(w);
  }
  for (const set of Object.values(LANGUAGE_HINTS)) for (const w of set) words.add(w);
  for (const w of ['i', 'a', 'y', 'o', 'e', 'x']) words.add(w);
  return words;
})();

const squeeze = (w: string): string => w.replace(/([a-z])\1+/g, '$1');

/** squeeze(key) → key, for keys whose squeezed form is unambiguous. */
const SQUEEZE_INDEX: ReadonlyMap<string, string> = (() => {
  const index = new Map<string, string | null>();
  for (const key of SQUEEZE_KEYS) {
    const s = squeeze(key);
    index.set(s, index.has(s) && index.get(s) !== key ? null : key);
  }
  return new Map([...index].filter((e): e is [string, string] => e[1] !== null));
})();

/** Words that justify splitting a glued token ("stopit", "optout", "wrongnumber"). */
const SPLIT_KEYS = new Set(['stop', 'opt', 'unsubscribe', 'texting', 'text', 'texts', 'messages', 'number', 'wrong', 'remove', 'please', 'cancel', 'quit', 'alto', 'basta', 'baja', 'spam', 'block', 'no', 'more', 'leave', 'alone', 'mas', 'numero', 'mensajes']);

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring). */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      cur.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] ?? limit + 1;
}

function fuzzy(token: string): string | null {
  if (token.length < 6 || FUZZY_PROTECT.has(token)) return null;
  let best: string | null = null;
  let bestDistance = 3;
  for (const target of FUZZY_TARGETS) {
    const limit = target.length >= 10 && token.slice(0, 2) === target.slice(0, 2) ? 2 : target.length >= 6 ? 1 : 0;
    if (limit === 0) continue;
    const d = editDistance(token, target, limit);
    if (d <= limit && d < bestDistance) {
      best = target;
      bestDistance = d;
    }
  }
  return best;
}

const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't' };

function known(token: string): string | null {
  return CANONICAL[token] ?? (VOCAB.has(token) ? token : null);
}

/** One raw token → its canonical form (possibly two words). Unknown tokens come back unchanged. */
function canonToken(token: string, depth = 0): string {
  const direct = known(token);
  if (direct !== null) return direct;
  if (/[a-z]/.test(token) && /\d/.test(token) && depth === 0) {
    const trailing = /^([a-z]+)\d+$/.exec(token);
    if (trailing?.[1] && SPLIT_KEYS.has(canonToken(trailing[1], 1))) return canonToken(trailing[1], 1);
    const unleet = token.replace(/[013457]/g, (c) => LEET[c] ?? c);
    const again = canonToken(unleet, 1);
    if (again !== unleet || VOCAB.has(unleet)) return again;
  }
  const squeezed = SQUEEZE_INDEX.get(squeeze(token));
  if (squeezed) return squeezed;
  if (token.length >= 5 && /^[a-z]+$/.test(token)) {
    for (let i = 2; i <= token.length - 2; i++) {
      const left = known(token.slice(0, i)) ?? SQUEEZE_INDEX.get(squeeze(token.slice(0, i)));
      const right = known(token.slice(i)) ?? SQUEEZE_INDEX.get(squeeze(token.slice(i)));
      if (left && right && (SPLIT_KEYS.has(left) || SPLIT_KEYS.has(right))) return `${left} ${right}`;
    }
  }
  return fuzzy(token) ?? token;
}

// ── Text normalisation ──────────────────────────────────────────────────────

const STOP_EMOJI = /[\u{1F6D1}\u{26D4}\u{1F6AB}]/gu; // 🛑 ⛔ 🚫
/** A period after these ends an abbreviation, not a clause ("Park St. stop"). "No." is not among them. */
const ABBREVIATION_DOT = /\b(st|ave|rd|blvd|mr|mrs|ms|dr|jr|sr|vs|etc|apt|ste|mt|ft)\.(?=\s*\p{L})/gu;
const CLAUSE_BREAK = /[.!?¿¡;:,\n\r…。]+|\p{Extended_Pictographic}+/gu;

/**
 * Lower case, accents stripped, every token canonical, clauses separated by
 * " . ". Exported for diagnostics (the bench prints it for misclassified
 * messages); the format is not an API.
 */
export function normaliseForOptOut(body: string): string {
  let s = body.normalize('NFKC').replace(STOP_EMOJI, ' . stop . ');
  s = s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
  s = s.replace(/[’‘`´'ʼ]/g, '');
  s = s.replace(/\$(?=\p{L})/gu, 's').replace(/(?<=\p{L})@(?=\p{L})/gu, 'a');
  s = s.replace(/#(?!\s*\d)/g, ' number ');
  // "S T O P", "s.t.o.p", "s-t-o-p" → "stop"
  s = s.replace(/(?<![\p{L}\p{N}])\p{L}(?:[ .\-_*]\p{L}){2,}(?![\p{L}\p{N}])/gu, (m) => m.replace(/[ .\-_*]/g, ''));
  s = s.replace(/(\p{L})\1{2,}/gu, '$1$1');
  s = s.replace(ABBREVIATION_DOT, '$1 ');
  s = s.replace(CLAUSE_BREAK, ' . ').replace(/[^\p{L}\p{N}.]+/gu, ' ');
  const clauses = s
    .split('.')
    .map((clause) =>
      clause
        .split(' ')
        .filter((t) => t.length > 0)
        .map((t) => canonToken(t))
        .join(' '),
    )
    .map((clause) => PHRASE_FOLDS.reduce((c, [re, to]) => c.replace(re, to), clause).trim())
    .filter((clause) => clause.length > 0);
  return clauses.join(' . ');
}

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
  let hits = 0;
  let onlyKeywordRules = true;
  for (const rule of OPT_OUT_RULES) {
    const m = rule.pattern.exec(text);
    if (!m) continue;
    if (rule.weight >= OPT_OUT_THRESHOLD) {
      hits++;
      if (!KEYWORD_RULES.has(rule.id)) onlyKeywordRules = false;
    }
    if (!best || rule.weight > best.rule.weight) best = { rule, phrase: m[0].replace(/^\. /, '').trim() };
  }
  const cased = body.normalize('NFKC').normalize('NFD').replace(/\p{M}+/gu, '').replace(/[’‘`´'ʼ]/g, '');
  for (const rule of NAME_RULES) {
    const m = rule.pattern.exec(cased);
    if (!m) continue;
    hits++;
    onlyKeywordRules = false;
    if (!best || rule.weight > best.rule.weight) best = { rule, phrase: m[0].toLowerCase() };
  }
  const language = languageOf(body, text, best && best.rule.weight >= OPT_OUT_THRESHOLD ? best.rule : null);
  if (!best || best.rule.weight < OPT_OUT_THRESHOLD) {
    const near = best ? NEAR_MISS : DECLINE.test(text) ? DECLINE_CONFIDENCE : 0;
    return NOTHING(language, near);
  }
  if (onlyKeywordRules && RESUBSCRIBE.test(text)) return NOTHING(language, NEAR_MISS);
  const confidence = Math.min(0.99, best.rule.weight + 0.02 * (hits - 1));
  return Object.freeze({ optOut: true, confidence: Math.round(confidence * 100) / 100, matched: best.phrase, language });
}
