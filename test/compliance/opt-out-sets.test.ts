import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadLabelled, type Labelled } from '../../bench/lib/opt-out-scoring.js';

/**
 * The held-out sets are for reporting (`bench/opt-out-accuracy.ts`), so no
 * accuracy is asserted on them here. What is asserted is what makes their
 * figures mean anything: well-formed, a realistic mix, and no message shared
 * with the corpus the detector was built on.
 */
const DIR = dirname(fileURLToPath(import.meta.url));
const key = (text: string): string => text.toLowerCase().split(/\s+/).filter(Boolean).join(' ');
const corpus = loadLabelled(join(DIR, 'opt-out-corpus.json'));
const corpusKeys = new Set(corpus.map((row) => key(row.text)));

const SETS: ReadonlyArray<readonly [string, number]> = [
  ['opt-out-blind.json', 400],
  ['opt-out-blind-2.json', 200],
];

function wellFormed(rows: readonly Labelled[]): void {
  const seen = new Set<string>();
  for (const row of rows) {
    assert.equal(typeof row.text, 'string');
    assert.ok(row.text.trim().length > 0);
    assert.equal(typeof row.optOut, 'boolean');
    assert.ok(row.lang === 'en' || row.lang === 'es', row.text);
    assert.ok(!seen.has(key(row.text)), `duplicate: ${row.text}`);
    seen.add(key(row.text));
  }
}

describe('held-out opt-out sets', () => {
  for (const [file, minimum] of SETS) {
    describe(file, () => {
      const rows = loadLabelled(join(DIR, file));
      it(`has at least ${minimum} well-formed, distinct messages`, () => {
        assert.ok(rows.length >= minimum, `${rows.length} messages`);
        wellFormed(rows);
      });
      it('mixes languages and labels like the traffic it stands for', () => {
        const share = rows.filter((r) => r.optOut).length / rows.length;
        assert.ok(share >= 0.35 && share <= 0.45, `opt-out share ${share}`);
        const english = rows.filter((r) => r.lang === 'en').length / rows.length;
        assert.ok(english >= 0.55 && english <= 0.65, `English share ${english}`);
      });
      it('shares no message with the corpus', () => {
        const shared = rows.filter((row) => corpusKeys.has(key(row.text))).map((row) => row.text);
        assert.deepEqual(shared, []);
      });
    });
  }
  it('keeps the two held-out sets apart', () => {
    const first = new Set(loadLabelled(join(DIR, 'opt-out-blind.json')).map((row) => key(row.text)));
    const shared = loadLabelled(join(DIR, 'opt-out-blind-2.json')).filter((row) => first.has(key(row.text)));
    assert.deepEqual(shared.map((row) => row.text), []);
  });
});
