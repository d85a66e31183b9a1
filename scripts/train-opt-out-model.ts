/**
 * Regenerates `src/compliance/opt-out-model.json` from the labelled corpus:
 *
 *   node --import tsx scripts/train-opt-out-model.ts
 *
 * Trains `natural`'s Bayes classifier on `test/compliance/opt-out-corpus.json`
 * (the blind sets are never used: they exist to measure), picks the threshold
 * by 10-fold cross-validation so the model adds at most 1% false opt-outs
 * where the rules found nothing, checks the stored table scores like
 * `natural` does, and writes one feature per line so a retrain diffs cleanly.
 * Run it after changing the corpus, the normaliser or `featuresOf`.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLabelled } from '../bench/lib/opt-out-scoring.js';
import { agreesWithNatural, crossValidate, fitBayes, pickThreshold, tableOf } from './lib/opt-out-training.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = join(ROOT, 'test', 'compliance', 'opt-out-corpus.json');
const OUT = join(ROOT, 'src', 'compliance', 'opt-out-model.json');
/** Share of corpus negatives the model may turn into opt-outs, out of fold: a third of the 3% target. */
const FALSE_POSITIVE_BUDGET = 0.01;
const K = 10;

const corpus = loadLabelled(CORPUS);
const cv = crossValidate(corpus, K);
const threshold = pickThreshold(cv, FALSE_POSITIVE_BUDGET);
const bayes = fitBayes(corpus);
const model = tableOf(bayes, threshold);

const disagreements = corpus.filter((row) => !agreesWithNatural(bayes, model, row.text));
if (disagreements.length > 0) throw new Error(`table disagrees with natural on ${disagreements.length} messages, e.g. ${JSON.stringify(disagreements[0]?.text)}`);

const entries = Object.entries(model.weights).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const body = [
  '{',
  `  "trainedOn": ${JSON.stringify({ corpus: 'test/compliance/opt-out-corpus.json', messages: corpus.length, optOuts: corpus.filter((r) => r.optOut).length })},`,
  `  "threshold": ${threshold},`,
  `  "bias": ${model.bias},`,
  '  "weights": {',
  entries.map(([feature, w]) => `    ${JSON.stringify(feature)}: ${w}`).join(',\n'),
  '  }',
  '}',
  '',
].join('\n');
writeFileSync(OUT, body);
console.log(`wrote ${entries.length} features, threshold ${threshold} (${K}-fold, ≤ ${FALSE_POSITIVE_BUDGET * 100}% added false opt-outs) to ${OUT}`);
