/**
 * Training for the opt-out model (`src/compliance/opt-out-model.ts`): fit
 * `natural`'s Bayes classifier on labelled messages and turn it into the
 * stored table, cross-validate, and pick the model's threshold. Build-time
 * only: the detector never imports this file or `natural`.
 */
import { BayesClassifier } from 'natural/lib/natural/classifiers/index.js';
import type { Labelled } from '../../bench/lib/opt-out-scoring.js';
import { assessOptOut } from '../../src/compliance/opt-out-intent.js';
import { featuresOf, modelOpinion, type OptOutModel } from '../../src/compliance/opt-out-model.js';
import { coreOfNormalised, normaliseForOptOut } from '../../src/compliance/opt-out-normalise.js';


const YES = 'optout';
const NO = 'other';

/** The model's view of a message: the detector's normalised core. */
export const modelFeatures = (text: string): string[] => featuresOf(coreOfNormalised(normaliseForOptOut(text)));

/** Exactly what `natural` learned, before it is reduced to a table. */
export function fitBayes(rows: readonly Labelled[]): BayesClassifier {
  const bayes = new BayesClassifier();
  for (const row of rows) bayes.addDocument(modelFeatures(row.text), row.optOut ? YES : NO);
  bayes.train();
  return bayes;
}

/**
 * `natural`'s classifier as per-feature log-likelihood ratios. It scores
 * P(class) · Π count(feature, class) / total(class) over the features present
 * in a message, with a count of 1 for a feature the class never saw, so the
 * ratio of the two classes is a bias plus one term per feature.
 */
export function tableOf(bayes: BayesClassifier, threshold: number): OptOutModel {
  const { classFeatures, classTotals } = bayes.classifier;
  const yes = classFeatures[YES] ?? {};
  const no = classFeatures[NO] ?? {};
  const totalYes = classTotals[YES] ?? 1;
  const totalNo = classTotals[NO] ?? 1;
  const smoothing = bayes.classifier.smoothing;
  const weights: Record<string, number> = {};
  Object.keys(bayes.features).forEach((feature, index) => {
    const ratio = Math.log((yes[index] ?? smoothing) / totalYes) - Math.log((no[index] ?? smoothing) / totalNo);
    weights[feature] = Math.round(ratio * 1e4) / 1e4;
  });
  return { bias: Math.round(Math.log(totalYes / totalNo) * 1e4) / 1e4, weights, threshold };
}

export function trainModel(rows: readonly Labelled[], threshold: number): OptOutModel {
  return tableOf(fitBayes(rows), threshold);
}

/** The table agrees with `natural` on a message (where `natural`'s own product has not underflowed to zero). */
export function agreesWithNatural(bayes: BayesClassifier, model: OptOutModel, text: string): boolean {
  const classes = bayes.getClassifications(modelFeatures(text));
  const yes = classes.find((c) => c.label === YES)?.value ?? 0;
  const no = classes.find((c) => c.label === NO)?.value ?? 0;
  if (yes + no === 0) return true;
  const ours = modelOpinion(model, coreOfNormalised(normaliseForOptOut(text))).probability;
  return Math.abs(ours - yes / (yes + no)) < 1e-3;
}

/** Deterministic k folds, interleaved after a fixed shuffle so each fold mixes languages and labels. */
export function folds<T>(rows: readonly T[], k: number): T[][] {
  const order = rows.map((row, i) => ({ row, key: (i * 2654435761) % 4294967296 })).sort((a, b) => a.key - b.key);
  const out: T[][] = Array.from({ length: k }, () => []);
  order.forEach(({ row }, i) => out[i % k]?.push(row));
  return out;
}

export interface OutOfFold {
  readonly row: Labelled;
  /** Verdict of the rules alone. */
  readonly rules: boolean;
  /** The held-out model's probability when the detector would consult it, else null. */
  readonly modelProbability: number | null;
  /** The held-out model's probability on every message, as if it were the only classifier. */
  readonly modelAlone: number;
}

/** Every row, judged by the rules and by a model trained on the other k-1 folds. */
export function crossValidate(rows: readonly Labelled[], k: number): OutOfFold[] {
  const parts = folds(rows, k);
  const out: OutOfFold[] = [];
  parts.forEach((held, f) => {
    const training = parts.filter((_, g) => g !== f).flat();
    const model = trainModel(training, 1);
    for (const row of held) {
      const assessed = assessOptOut(row.text, model);
      const rules = assessOptOut(row.text, null).result.optOut;
      const modelAlone = modelOpinion(model, coreOfNormalised(normaliseForOptOut(row.text))).probability;
      out.push({ row, rules, modelProbability: assessed.modelProbability, modelAlone });
    }
  });
  return out;
}

/**
 * The lowest threshold at which the model, consulted only where the rules
 * found nothing, adds false opt-outs to at most `budget` of the negatives
 * out of fold. Recall gained is what the rules miss on new wording, which an
 * in-sample corpus cannot show; the false-positive cost it can.
 */
export function pickThreshold(cv: readonly OutOfFold[], budget: number): number {
  const negatives = cv.filter((c) => !c.row.optOut).length;
  for (let t = 0.5; t < 0.9999; t = Math.round((t + 0.005) * 1e4) / 1e4) {
    const added = cv.filter((c) => !c.row.optOut && !c.rules && c.modelProbability !== null && c.modelProbability >= t).length;
    if (added / negatives <= budget) return t;
  }
  return 0.9999;
}
