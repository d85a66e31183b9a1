import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jobBatcher } from '../../src/conversations/job-batcher.js';
import { createLogger } from '../../src/logger.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Handlers that record the batches they were given and answer each call with its own number doubled. */
function recording(options: { failMany?: boolean; manyTakesMs?: number } = {}) {
  const batches: number[][] = [];
  const alone: number[] = [];
  return {
    batches,
    alone,
    handlers: {
      async many(calls: { n: number }[]) {
        batches.push(calls.map((call) => call.n));
        if (options.manyTakesMs) await sleep(options.manyTakesMs);
        if (options.failMany) throw new Error('batch failed');
        return new Map(calls.map((call) => [call, call.n * 2]));
      },
      async one(call: { n: number }) {
        alone.push(call.n);
        if (call.n === 13) throw new Error('unlucky');
        return call.n * 2;
      },
      missing: -1,
    },
  };
}

const logger = createLogger('silent');

describe('jobBatcher', () => {
  it('jobs that arrive within the linger form one batch, each job getting its own outcome', async () => {
    const r = recording();
    const batcher = jobBatcher(r.handlers, { maxBatch: 10, maxInFlight: 1, lingerMs: 30, logger, what: 'test jobs' });
    const first = batcher.run({ n: 1 });
    await sleep(5);
    const rest = [batcher.run({ n: 2 }), batcher.run({ n: 3 })];
    assert.deepEqual(await Promise.all([first, ...rest]), [2, 4, 6]);
    assert.deepEqual(r.batches, [[1, 2, 3]]);
  });

  it('a full batch starts at once, without waiting out the linger', async () => {
    const r = recording();
    const batcher = jobBatcher(r.handlers, { maxBatch: 2, maxInFlight: 1, lingerMs: 10_000, logger, what: 'test jobs' });
    const started = Date.now();
    assert.deepEqual(await Promise.all([batcher.run({ n: 1 }), batcher.run({ n: 2 })]), [2, 4]);
    assert.ok(Date.now() - started < 1000);
  });

  it('while the batches in flight run, new jobs wait and go together in the next one', async () => {
    const r = recording({ manyTakesMs: 50 });
    const batcher = jobBatcher(r.handlers, { maxBatch: 10, maxInFlight: 1, logger, what: 'test jobs' });
    const running = [batcher.run({ n: 1 }), batcher.run({ n: 2 })];
    await sleep(10);
    const next = [batcher.run({ n: 3 }), batcher.run({ n: 4 }), batcher.run({ n: 5 })];
    assert.deepEqual(await Promise.all([...running, ...next]), [2, 4, 6, 8, 10]);
    assert.deepEqual(r.batches, [
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('a batch that fails is run job by job, so only the bad job fails', async () => {
    const r = recording({ failMany: true });
    const batcher = jobBatcher(r.handlers, { maxBatch: 10, maxInFlight: 1, logger, what: 'test jobs' });
    const results = await Promise.allSettled([batcher.run({ n: 1 }), batcher.run({ n: 13 }), batcher.run({ n: 3 })]);
    assert.deepEqual(
      results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message)),
      [2, 'unlucky', 6],
    );
    assert.deepEqual(r.alone.sort((a, b) => a - b), [1, 3, 13]);
  });

  it('a job alone goes straight to the single handler', async () => {
    const r = recording();
    const batcher = jobBatcher(r.handlers, { maxBatch: 10, maxInFlight: 1, logger, what: 'test jobs' });
    assert.equal(await batcher.run({ n: 7 }), 14);
    assert.deepEqual(r.batches, []);
    assert.deepEqual(r.alone, [7]);
  });

  it('a batch the gate holds back starts when the gate allows it, with the jobs that came meanwhile', async () => {
    const r = recording();
    let openAt = Date.now() + 60;
    const asked: number[] = [];
    const gate = {
      tryStart() {
        asked.push(Date.now());
        return Math.max(0, openAt - Date.now());
      },
    };
    const batcher = jobBatcher(r.handlers, { maxBatch: 10, maxInFlight: 2, gate, logger, what: 'test jobs' });
    const started = Date.now();
    const first = [batcher.run({ n: 1 }), batcher.run({ n: 2 })];
    await sleep(20);
    assert.deepEqual(r.batches, [], 'nothing runs while the gate is shut');
    const later = [batcher.run({ n: 3 })];
    assert.deepEqual(await Promise.all([...first, ...later]), [2, 4, 6]);
    assert.ok(Date.now() - started >= 55, 'the batch waited for the gate');
    assert.deepEqual(r.batches, [[1, 2, 3]], 'the jobs that came while it waited went with it');
    // An open gate is asked once per batch and holds nothing back.
    openAt = 0;
    asked.length = 0;
    assert.deepEqual(await Promise.all([batcher.run({ n: 4 }), batcher.run({ n: 5 })]), [8, 10]);
    assert.equal(asked.length, 1);
  });
});
