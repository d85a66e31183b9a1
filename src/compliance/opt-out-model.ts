/**
 * A statistical second opinion for opt-out detection: a naive Bayes model
 * over the words and word pairs of the normalised message, trained on the
 * labelled corpus. The rules decide first; the model only speaks when no
 * rule matched at all (see the gates in `opt-out-intent.ts`), to catch
 * revocations worded in a way no rule foresaw.
 *
 * The model is trained offline with `natural`'s Bayes classifier
 * (`scripts/train-opt-out-model.ts`) and stored as a table of per-feature
 * log-likelihood ratios in `opt-out-model.json`. Scoring that table is the
 * same decision as `natural`'s classifier (add-one smoothing, features present
 * in the message only) without loading `natural` or its dense feature vector
 * at run time: a lookup per feature, a few microseconds per message.
 */
import table from './opt-out-model.json' with { type: 'json' };

export interface OptOutModel {
  /** log(P(opt-out) / P(not)) before any feature is seen. */
  readonly bias: number;
  /** Feature → log(P(feature | opt-out) / P(feature | not)). */
  readonly weights: Readonly<Record<string, number>>;
  /** Probability from which the model alone counts a message as an opt-out. */
  readonly threshold: number;
}

export interface ModelOpinion {
  readonly probability: number;
  /** The features that pushed hardest towards opt-out, strongest first. */
  readonly cues: readonly string[];
}

/**
 * Features of a normalised message (`normaliseForOptOut`, fillers removed):
 * each word, and each pair of neighbouring words inside one clause. Training
 * and scoring must use exactly this function.
 */
export function featuresOf(normalised: string): string[] {
  const features = new Set<string>();
  for (const clause of normalised.split(' . ')) {
    const words = clause.split(' ').filter((w) => w.length > 0);
    for (let i = 0; i < words.length; i++) {
      const word = words[i] ?? '';
      features.add(word);
      const next = words[i + 1];
      if (next !== undefined) features.add(`${word}_${next}`);
    }
  }
  return [...features];
}

export function modelOpinion(model: OptOutModel, normalised: string): ModelOpinion {
  let logit = model.bias;
  const contributions: (readonly [string, number])[] = [];
  for (const feature of featuresOf(normalised)) {
    const w = model.weights[feature];
    if (w === undefined) continue; // unseen in training: natural ignores it too
    logit += w;
    if (w > 0) contributions.push([feature, w]);
  }
  contributions.sort((a, b) => b[1] - a[1]);
  return {
    probability: 1 / (1 + Math.exp(-logit)),
    cues: contributions.slice(0, 3).map(([f]) => f.replace('_', ' ')),
  };
}

function isModel(value: unknown): value is OptOutModel {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.bias === 'number' && typeof v.threshold === 'number' && typeof v.weights === 'object' && v.weights !== null;
}

/** The stored model, checked once at import so a hand-edited file fails loudly rather than silently. */
export const OPT_OUT_MODEL: OptOutModel = (() => {
  if (!isModel(table)) throw new Error('opt-out-model.json is not a model table');
  return Object.freeze({ bias: table.bias, threshold: table.threshold, weights: Object.freeze({ ...table.weights }) });
})();
