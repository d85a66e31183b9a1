import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseGcLine, slowAnswersDuringGc, summariseGc, type GcPause } from '../../bench/lib/gc-pauses.js';
import type { Sample } from '../../bench/lib/http-load.js';

const pauses: GcPause[] = [
  { at: 1_000, ms: 4, kind: 'minor' },
  { at: 1_500, ms: 20, kind: 'major' },
  { at: 1_520, ms: 3, kind: 'incremental' },
  { at: 2_000, ms: 6, kind: 'minor' },
  { at: 9_000, ms: 50, kind: 'major' },
];

describe('bench: garbage-collection pauses of the service', () => {
  test('a pause line from the service preload is read back; any other line is not', () => {
    assert.deepEqual(parseGcLine('{"benchGc":{"at":1234,"ms":2.5,"kind":"minor"}}'), { at: 1234, ms: 2.5, kind: 'minor' });
    assert.equal(parseGcLine('{"level":30,"msg":"hello"}'), null);
    assert.equal(parseGcLine('{"benchGc":'), null);
  });

  test('pauses are summed by kind within the phase only', () => {
    const summary = summariseGc(pauses, 900, 2_100);
    assert.deepEqual(summary.major, { count: 2, totalMs: 23, maxMs: 20 });
    assert.deepEqual(summary.minor, { count: 2, totalMs: 10, maxMs: 6 });
  });

  test('a slow answer is counted against the pause it was in flight during', () => {
    // The load generator's clock starts at 1 000 ms epoch here.
    const sample = (start: number, end: number): Sample => ({ scheduledAt: start, startedAt: start, endedAt: end, status: 200 });
    const samples = [
      sample(490, 560), // 70 ms, overlaps the full collection at 1 500
      sample(995, 1_060), // 65 ms, overlaps the scavenge at 2 000 only
      sample(3_000, 3_080), // 80 ms, no pause
      sample(0, 10), // fast: not counted
    ];
    assert.deepEqual(slowAnswersDuringGc(samples, pauses, 1_000, 50), { slow: 3, duringFullGc: 1, duringYoungGcOnly: 1 });
  });
});
