/**
 * Opt-out intent accuracy (a script, not a test): runs `detectOptOut` over the
 * labelled corpus in `test/compliance/opt-out-corpus.json` and prints its
 * size, recall, precision and false-positive rate, overall and per language,
 * then every misclassified message with what the detector saw.
 *
 *   node --import tsx bench/opt-out-accuracy.ts
 *
 * Targets (from the product issue): recall ≥ 0.98, false-positive rate ≤ 3%.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectOptOut, normaliseForOptOut } from '../src/compliance/opt-out-intent.js';

interface Labelled {
  readonly text: string;
  readonly optOut: boolean;
  readonly lang: 'en' | 'es';
  readonly note?: string;
}

interface Scores {
  readonly size: number;
  readonly positives: number;
  readonly recall: number;
  readonly precision: number;
  readonly falsePositiveRate: number;
  readonly accuracy: number;
}

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'compliance', 'opt-out-corpus.json');
const TARGET = { recall: 0.98, falsePositiveRate: 0.03 };

function score(rows: readonly Labelled[], predicted: ReadonlyMap<Labelled, boolean>): Scores {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const row of rows) {
    const p = predicted.get(row) ?? false;
    if (p && row.optOut) tp++;
    else if (p) fp++;
    else if (row.optOut) fn++;
    else tn++;
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
  return {
    size: rows.length,
    positives: tp + fn,
    recall: ratio(tp, tp + fn),
    precision: ratio(tp, tp + fp),
    falsePositiveRate: fp + tn === 0 ? 0 : fp / (fp + tn),
    accuracy: ratio(tp + tn, rows.length),
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

function line(label: string, s: Scores): string {
  return `${label.padEnd(8)} n=${String(s.size).padStart(4)}  opt-outs=${String(s.positives).padStart(4)}  recall=${pct(s.recall).padStart(7)}  precision=${pct(s.precision).padStart(7)}  FPR=${pct(s.falsePositiveRate).padStart(6)}  accuracy=${pct(s.accuracy).padStart(7)}`;
}

const corpus = JSON.parse(readFileSync(CORPUS, 'utf8')) as Labelled[];
const predicted = new Map<Labelled, boolean>();
for (const row of corpus) detectOptOut(row.text); // warm up, so the timing below is steady state
const started = process.hrtime.bigint();
const results = corpus.map((row) => {
  const result = detectOptOut(row.text);
  predicted.set(row, result.optOut);
  return { row, result };
});
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;

const overall = score(corpus, predicted);
console.log(`opt-out intent accuracy — ${CORPUS}`);
console.log(line('overall', overall));
for (const lang of ['en', 'es'] as const) console.log(line(lang, score(corpus.filter((r) => r.lang === lang), predicted)));
console.log(`(${elapsedMs.toFixed(1)} ms for ${corpus.length} messages)`);

const missed = results.filter(({ row, result }) => row.optOut && !result.optOut);
const falsePositives = results.filter(({ row, result }) => !row.optOut && result.optOut);
console.log(`\nmissed opt-outs (${missed.length}):`);
for (const { row, result } of missed) {
  console.log(`  [${row.lang}] ${JSON.stringify(row.text)}  conf=${result.confidence}  seen=${JSON.stringify(normaliseForOptOut(row.text))}`);
}
console.log(`\nfalse opt-outs (${falsePositives.length}):`);
for (const { row, result } of falsePositives) {
  console.log(`  [${row.lang}] ${JSON.stringify(row.text)}  conf=${result.confidence}  matched=${JSON.stringify(result.matched)}${row.note ? `  note: ${row.note}` : ''}`);
}

const ok = overall.recall >= TARGET.recall && overall.falsePositiveRate <= TARGET.falsePositiveRate;
console.log(`\ntarget recall ≥ ${TARGET.recall}, FPR ≤ ${pct(TARGET.falsePositiveRate)}: ${ok ? 'met' : 'NOT met'}`);
