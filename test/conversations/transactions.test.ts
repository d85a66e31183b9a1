import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ConversationDeps, Dispatch } from '../../src/conversations/deps.js';
import { inTransaction } from '../../src/conversations/transactions.js';
import { startHarness, type Harness } from '../support/harness.js';

describe('inTransaction hands jobs to the queue after the commit', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ label: 'transactions' });
  });
  after(async () => h?.close());

  /** A queue that takes its time: it answers only when told to. */
  function slowQueue() {
    const handed: Dispatch[][] = [];
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const deps: ConversationDeps = {
      ...h.service.deps,
      dispatcher: {
        async dispatch(jobs) {
          handed.push(jobs);
          await released;
        },
      },
    };
    return { deps, handed, release };
  }

  const job: Dispatch = { queue: 'outbox', messageId: '0190a7e2-0000-7000-8000-0000000000f1', notBefore: null, attempt: 0, answer: false };
  const outcome = (promise: Promise<unknown>) => Promise.race([promise.then(() => 'returned'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300))]);

  it('answerFirst returns once committed, while the hand-over to the queue goes on', async () => {
    const queue = slowQueue();
    const run = inTransaction(queue.deps, async (transaction, dispatches) => {
      dispatches.push(job);
      const [row] = await h.service.deps.db.sequelize.query('SELECT txid_current() AS id', { transaction, plain: false });
      return row;
    }, { answerFirst: true });
    assert.equal(await outcome(run), 'returned');
    assert.deepEqual(queue.handed, [[job]], 'the jobs were handed over all the same');
    queue.release();
  });

  it('otherwise it returns only once the queue has the jobs', async () => {
    const queue = slowQueue();
    const run = inTransaction(queue.deps, async (_transaction, dispatches) => {
      dispatches.push(job);
    });
    assert.equal(await outcome(run), 'still waiting');
    queue.release();
    assert.equal(await outcome(run), 'returned');
  });

  it('a failed hand-over is logged, never thrown at the caller, in either mode', async () => {
    const deps: ConversationDeps = { ...h.service.deps, dispatcher: { dispatch: async () => Promise.reject(new Error('queue down')) } };
    for (const answerFirst of [true, false]) {
      const value = await inTransaction(deps, async (_transaction, dispatches) => {
        dispatches.push(job);
        return 'committed';
      }, { answerFirst });
      assert.equal(value, 'committed');
    }
  });
});
