import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadLabelled } from '../../bench/lib/opt-out-scoring.js';
import { agreesWithNatural, fitBayes, pickThreshold, tableOf, type OutOfFold } from '../../scripts/lib/opt-out-training.js';
import { assessOptOut, detectOptOut, OPT_OUT_THRESHOLD } from '../../src/compliance/opt-out-intent.js';
import { featuresOf, modelOpinion, OPT_OUT_MODEL, type OptOutModel } from '../../src/compliance/opt-out-model.js';

const corpus = loadLabelled(join(dirname(fileURLToPath(import.meta.url)), 'opt-out-corpus.json'));

/** A model that calls everything an opt-out, to see where the detector lets it speak. */
const EAGER: OptOutModel = { bias: 10, weights: {}, threshold: 0.5 };

describe('opt-out model', () => {
  it('uses words and in-clause word pairs as features', () => {
    assert.deepEqual(featuresOf('stop texting me . ok').sort(), ['me', 'ok', 'stop', 'stop_texting', 'texting', 'texting_me'].sort());
  });

  it('is stored with a threshold above the detector threshold and a weight table', () => {
    assert.ok(OPT_OUT_MODEL.threshold > OPT_OUT_THRESHOLD && OPT_OUT_MODEL.threshold < 1);
    assert.ok(Object.keys(OPT_OUT_MODEL.weights).length > 500);
    assert.ok(Object.isFrozen(OPT_OUT_MODEL));
  });

  it('scores like natural’s Bayes classifier it was exported from', () => {
    const sample = corpus.filter((_, i) => i % 10 === 0);
    const bayes = fitBayes(sample);
    const table = tableOf(bayes, 0.9);
    for (const row of sample) assert.ok(agreesWithNatural(bayes, table, row.text), row.text);
  });

  it('is consulted only when no rule matched and no gate closed', () => {
    // A rule already decided, or a near miss was recognised: the model is not asked.
    assert.equal(assessOptOut('please stop texting me', EAGER).modelProbability, null);
    assert.equal(assessOptOut('cancel my order', EAGER).modelProbability, null);
    // A decline, a resubscribe, a stop undone, praise: the model is not asked, whatever it would say.
    for (const body of ['no thanks', 'sign me back up', 'no dejen de avisarme', 'love your texts', 'me encantan sus mensajes']) {
      const assessed = assessOptOut(body, EAGER);
      assert.equal(assessed.modelProbability, null, body);
      assert.equal(assessed.result.optOut, false, body);
    }
    // Nothing matched: the model speaks, below every rule's confidence.
    const spoken = assessOptOut('what sizes do you have?', EAGER);
    assert.ok(spoken.modelProbability !== null && spoken.result.optOut);
    assert.equal(spoken.result.confidence, 0.6);
  });

  it('gives its cues as the match when it decides', () => {
    const model: OptOutModel = { bias: -5, weights: { qwx: 9 }, threshold: 0.9 };
    const r = assessOptOut('qwx please', model).result;
    assert.equal(r.optOut, true);
    assert.equal(r.matched, 'qwx');
    assert.ok(modelOpinion(model, 'qwx').probability > 0.9);
  });

  it('picks the lowest threshold within the false-positive budget', () => {
    const row = (optOut: boolean) => ({ text: 'x', optOut, lang: 'en' as const });
    const cv: OutOfFold[] = [
      ...Array.from({ length: 98 }, () => ({ row: row(false), rules: false, modelProbability: 0.1, modelAlone: 0.1 })),
      { row: row(false), rules: false, modelProbability: 0.92, modelAlone: 0.92 },
      { row: row(false), rules: false, modelProbability: 0.97, modelAlone: 0.97 },
    ];
    assert.equal(pickThreshold(cv, 0.01), 0.925);
  });

  it('leaves the corpus decisions of the stored detector intact', () => {
    const wrong = corpus.filter((row) => detectOptOut(row.text).optOut !== row.optOut);
    assert.ok(wrong.length / corpus.length < 0.01, wrong.map((r) => r.text).join(' | '));
  });
});
