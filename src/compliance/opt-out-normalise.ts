/**
 * Text normalisation for opt-out detection: one canonical token per word
 * (spelling variants, stretched letters, leetspeak, glued words and one typo
 * folded away) and clauses separated by " . ", so the phrase rules can be
 * written once per wording instead of once per spelling.
 */
import { FRAMES_EN } from './opt-out-frames-en.js';
import { FRAMES_ES } from './opt-out-frames-es.js';
import { FILLER_PHRASES, FILLERS } from './opt-out-lexicon.js';
import { DECLINE, OPT_OUT_RULES, RESUBSCRIBE } from './opt-out-phrases.js';
import { CANONICAL, FUZZY_PROTECT, FUZZY_TARGETS, LANGUAGE_HINTS, PHRASE_FOLDS, SHORT_KEYS, SQUEEZE_KEYS } from './opt-out-tokens.js';

// ── Token canonicalisation ──────────────────────────────────────────────────

/** Every plain word the rules mention, plus the canonical table: tokens we already understand. */
const VOCAB: ReadonlySet<string> = (() => {
  const words = new Set<string>();
  for (const r of [...OPT_OUT_RULES, ...FRAMES_EN, ...FRAMES_ES]) for (const w of r.pattern.source.match(/[a-z]{2,}/g) ?? []) words.add(w);
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

/** squeeze(key) → key, for the key words whose squeezed form is unambiguous ("stoop", "messsage"). */
const SQUEEZE_INDEX: ReadonlyMap<string, string> = (() => {
  const index = new Map<string, string | null>();
  for (const key of SQUEEZE_KEYS) {
    const s = squeeze(key);
    index.set(s, index.has(s) && index.get(s) !== key ? null : key);
  }
  return new Map([...index].filter((e): e is [string, string] => e[1] !== null));
})();

/**
 * Any word of the vocabulary hidden by stretched letters ("pleease",
 * "mensajees", "dejenn"): undouble some of the token's doubled letters until
 * a known word appears. Letters are only removed, never changed, so "heel"
 * cannot become "hell".
 */
function undouble(token: string): string | null {
  const runs: number[] = [];
  for (let i = 1; i < token.length; i++) if (token[i] === token[i - 1]) runs.push(i);
  if (runs.length === 0 || runs.length > 4) return null;
  for (let mask = 1; mask < 1 << runs.length; mask++) {
    const drop = new Set(runs.filter((_, b) => (mask >> b) & 1));
    const candidate = [...token].filter((_, i) => !drop.has(i)).join('');
    if (VOCAB.has(candidate)) return candidate;
  }
  return null;
}

/**
 * Spanish spelled by ear: b/v, c/s/z, qu/k/c, ll/y and a silent h are
 * interchangeable in SMS ("ekivocado", "escrivan", "yamen"). Folding both
 * the vocabulary and the token to one key lets a misheard spelling find its
 * word; a key shared by two words decides nothing.
 */
const phonetic = (w: string): string =>
  squeeze(
    w
      .replace(/^h/, '')
      .replace(/qu(?=[ei])/g, 'k')
      .replace(/c(?=[ei])/g, 's')
      .replace(/[cq]/g, 'k')
      .replace(/z/g, 's')
      .replace(/v/g, 'b')
      .replace(/ll/g, 'y'),
  );

const PHONETIC_INDEX: ReadonlyMap<string, string> = (() => {
  const index = new Map<string, string | null>();
  for (const word of VOCAB) {
    if (word.length < 5) continue;
    // A misspelling listed in CANONICAL and its correct form share a key and a meaning: not a clash.
    const meant = CANONICAL[word] ?? word;
    const key = phonetic(word);
    index.set(key, index.has(key) && index.get(key) !== meant ? null : meant);
  }
  return new Map([...index].filter((e): e is [string, string] => e[1] !== null));
})();

/** Short key words and their one-swap typos ("sotp", "txet", "qiut"): too short for an edit distance to be safe. */
const SWAP_INDEX: ReadonlyMap<string, string> = (() => {
  const index = new Map<string, string>();
  for (const key of SHORT_KEYS) {
    for (let i = 0; i + 1 < key.length; i++) {
      const swapped = key.slice(0, i) + key.charAt(i + 1) + key.charAt(i) + key.slice(i + 2);
      if (swapped !== key && !VOCAB.has(swapped) && !FUZZY_PROTECT.has(swapped)) index.set(swapped, key);
    }
  }
  return index;
})();

/** Words that justify splitting a glued token ("stopit", "optout", "wrongnumber"). */
const SPLIT_KEYS = new Set(['stop', 'opt', 'unsubscribe', 'texting', 'text', 'texts', 'messages', 'number', 'wrong', 'remove', 'please', 'cancel', 'quit', 'alto', 'basta', 'baja', 'spam', 'block', 'no', 'more', 'leave', 'alone', 'mas', 'numero', 'mensajes']);

/** Two-letter words that may stand as one half of a glued token ("stopit", "nomore", "optout"). */
const SHORT_WORDS = new Set(['me', 'no', 'it', 'up', 'us', 'of', 'my', 'ya', 'mi', 'de', 'el', 'la', 'ok']);

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
  const undoubled = undouble(token);
  // The undoubled word may itself be a listed variant ("staahp" → "stahp" → "stop").
  if (undoubled) return known(undoubled) ?? undoubled;
  const swapped = SWAP_INDEX.get(token);
  if (swapped) return swapped;
  if (token.length >= 5 && depth === 0) {
    const heard = PHONETIC_INDEX.get(phonetic(token));
    if (heard) return heard;
  }
  if (token.length >= 5 && /^[a-z]+$/.test(token)) {
    for (let i = 2; i <= token.length - 2; i++) {
      const left = known(token.slice(0, i)) ?? SQUEEZE_INDEX.get(squeeze(token.slice(0, i)));
      const right = known(token.slice(i)) ?? SQUEEZE_INDEX.get(squeeze(token.slice(i)));
      // Both halves must be words, not endings: "removed" is not "remove ed".
      const whole = (part: string): boolean => part.length >= 3 || SHORT_WORDS.has(part);
      if (left && right && whole(left) && whole(right) && (SPLIT_KEYS.has(left) || SPLIT_KEYS.has(right))) return `${left} ${right}`;
    }
  }
  return fuzzy(token) ?? token;
}

/**
 * A key word broken by a stray space ("sto p", "unsub scribe"): two
 * neighbours that are not words themselves but make a key word together are
 * joined. A real word on either side blocks it ("to p" stays apart).
 */
function glueFragments(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const a = tokens[i] ?? '';
    const b = tokens[i + 1];
    if (b !== undefined && !VOCAB.has(a) && !VOCAB.has(b) && !(a in CANONICAL) && !(b in CANONICAL) && GLUE_KEYS.has(a + b)) {
      out.push(a + b);
      i++;
    } else out.push(a);
  }
  return out;
}

const GLUE_KEYS: ReadonlySet<string> = new Set([...SQUEEZE_KEYS, ...SHORT_KEYS, 'unsubscribe', 'texting', 'messaging', 'mensajes']);

// ── Text normalisation ──────────────────────────────────────────────────────

const STOP_EMOJI = /[\u{1F6D1}\u{26D4}\u{1F6AB}]/gu; // 🛑 ⛔ 🚫
const RAISED_HAND_ONLY = /^\s*(?:[\u{270B}\u{1F91A}][\u{1F3FB}-\u{1F3FF}]?\s*)+$/u; // ✋ 🤚 with any skin tone
/** A period after these ends an abbreviation, not a clause ("Park St. stop"). "No." is not among them. */
const ABBREVIATION_DOT = /\b(st|ave|rd|blvd|mr|mrs|ms|dr|jr|sr|vs|etc|apt|ste|mt|ft)\.(?=\s*\p{L})/gu;
const CLAUSE_BREAK = /[.!?¿¡;:,\n\r…。]+|\p{Extended_Pictographic}+/gu;

/**
 * Lower case, accents stripped, every token canonical, clauses separated by
 * " . ". Exported for diagnostics (the bench prints it for misclassified
 * messages); the format is not an API.
 */
export function normaliseForOptOut(body: string): string {
  // A raised hand (✋ 🤚) alone answers a text with "stop"; beside words it is just a gesture.
  if (RAISED_HAND_ONLY.test(body)) return 'stop';
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
      glueFragments(clause.split(' ').filter((t) => t.length > 0))
        .map((t) => canonToken(t))
        .join(' '),
    )
    .map((clause) => PHRASE_FOLDS.reduce((c, [re, to]) => c.replace(re, to), clause).trim())
    .filter((clause) => clause.length > 0);
  return clauses.join(' . ');
}

/**
 * The normalised text without tone words ("ya", "really", "fucking", "de una
 * vez"): the rules run on it as well, so a filler wedged into a phrase
 * ("dejen ya de escribirme") does not hide it. Only words that never change
 * what a rule means are removed (see `FILLERS`).
 */
export function coreOfNormalised(text: string): string {
  return FILLER_PHRASES.reduce((c, [re, to]) => c.replace(re, to), text)
    .split(' . ')
    .map((clause) =>
      clause
        .split(' ')
        .filter((t) => !FILLERS.has(t))
        .join(' '),
    )
    .filter((clause) => clause.length > 0)
    .join(' . ');
}
