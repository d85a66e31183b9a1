/**
 * Scoring helpers for the opt-out accuracy script: the labelled-set format
 * shared by the corpus and the blind sets, confusion counts, and one printed
 * line per slice. Kept apart from the script so cross-validation can reuse
 * the same arithmetic as the plain run.
 */
import { readFileSync } from 'node:fs';

export interface Labelled {
  readonly text: string;
  readonly optOut: boolean;
  readonly lang: 'en' | 'es';
  readonly note?: string;
}

export interface Scores {
  readonly size: number;
  readonly positives: number;
  readonly tp: number;
  readonly fp: number;
  readonly tn: number;
  readonly fn: number;
  readonly recall: number;
  readonly precision: number;
  readonly falsePositiveRate: number;
  readonly accuracy: number;
}

export const TARGET = { recall: 0.98, falsePositiveRate: 0.03 } as const;

export function loadLabelled(path: string): Labelled[] {
  return JSON.parse(readFileSync(path, 'utf8')) as Labelled[];
}

/** Scores from raw counts, so folds can be summed before dividing. */
export function fromCounts(tp: number, fp: number, tn: number, fn: number): Scores {
  const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
  const size = tp + fp + tn + fn;
  return {
    size,
    positives: tp + fn,
    tp,
    fp,
    tn,
    fn,
    recall: ratio(tp, tp + fn),
    precision: ratio(tp, tp + fp),
    falsePositiveRate: fp + tn === 0 ? 0 : fp / (fp + tn),
    accuracy: ratio(tp + tn, size),
  };
}

export function score(rows: readonly Labelled[], predict: (row: Labelled) => boolean): Scores {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const row of rows) {
    const p = predict(row);
    if (p && row.optOut) tp++;
    else if (p) fp++;
    else if (row.optOut) fn++;
    else tn++;
  }
  return fromCounts(tp, fp, tn, fn);
}

export function sumScores(parts: readonly Scores[]): Scores {
  const add = (pick: (s: Scores) => number): number => parts.reduce((n, s) => n + pick(s), 0);
  return fromCounts(add((s) => s.tp), add((s) => s.fp), add((s) => s.tn), add((s) => s.fn));
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

export function line(label: string, s: Scores): string {
  return `${label.padEnd(8)} n=${String(s.size).padStart(4)}  opt-outs=${String(s.positives).padStart(4)}  recall=${pct(s.recall).padStart(7)}  precision=${pct(s.precision).padStart(7)}  FPR=${pct(s.falsePositiveRate).padStart(6)}  accuracy=${pct(s.accuracy).padStart(7)}`;
}

export function meetsTarget(s: Scores): boolean {
  return s.recall >= TARGET.recall && s.falsePositiveRate <= TARGET.falsePositiveRate;
}

export function targetLine(s: Scores): string {
  return `target recall ≥ ${TARGET.recall}, FPR ≤ ${pct(TARGET.falsePositiveRate)}: ${meetsTarget(s) ? 'met' : 'NOT met'}`;
}
