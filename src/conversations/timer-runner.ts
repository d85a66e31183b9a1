import type { Transaction } from 'sequelize';
import { queryIn } from '../db/sql.js';
import { writeBatch } from '../db/write-batch.js';
import { applyEvent } from './apply-event.js';
import type { ConversationDeps } from './deps.js';
import { factsFor } from './recipient-facts.js';
import { CART_FACTS_COLUMNS, lockConversationsOf, onePerConversation, TIMER_COLUMNS, type CartFacts, type TimerData } from './rows.js';
import { jobBatcher, type JobBatcher, type StartGate } from './job-batcher.js';
import { inTransaction } from './transactions.js';

export type TimerOutcome = 'fired' | 'stale' | 'early' | 'missing';

export class TimerNotDueError extends Error {
  readonly code = 'timer_not_due';
  constructor(timerId: string) {
    super(`timer ${timerId} is not due yet`);
    this.name = 'TimerNotDueError';
  }
}

/** A timer job: the timer and the revision the job was made for. */
export interface TimerCall {
  timerId: string;
  revision: number;
}

/**
 * Fires one timer if, and only if, it is still the conversation's current one
 * at the revision the job was made for. Jobs can run twice, late, or after a
 * reschedule; all of those do nothing.
 */
export async function fireTimer(deps: ConversationDeps, timerId: string, revision: number): Promise<TimerOutcome> {
  const call = { timerId, revision };
  const outcomes = await fireTimers(deps, [call]);
  return outcomes.get(call) ?? 'missing';
}

/**
 * Fires several timers of different conversations in one transaction, each
 * as `fireTimer` would: the conversations are locked together (in id order),
 * the timers claimed together, and every event's writes go out in one
 * statement. Timers due at the same moment then cost a few round trips in
 * all rather than a few each. Callers give each conversation at most one
 * timer (a second one runs after the batch, alone).
 */
export async function fireTimers(deps: ConversationDeps, calls: readonly TimerCall[]): Promise<Map<TimerCall, TimerOutcome>> {
  const later: TimerCall[] = [];
  const outcomes = await inTransaction(deps, async (transaction, dispatches) => {
    const outcomes = new Map<TimerCall, TimerOutcome>();
    const locks = await lockConversationsOf(transaction, 'timers', calls.map((call) => call.timerId));
    // One timer per conversation here: a second one of the same thread (a stale job beside the
    // current one) runs afterwards in a transaction of its own, seeing what the first one did.
    const split = onePerConversation(calls, (call) => call.timerId, locks);
    later.push(...split.later);
    const inBatch = split.now;
    if (locks.size === 0) {
      for (const call of inBatch) outcomes.set(call, 'missing');
      return outcomes;
    }
    const at = deps.clock.now();
    const claims = await claimTimers(transaction, inBatch, at);
    const batch = writeBatch(transaction);
    for (const call of inBatch) {
      const claim = claims.get(call.timerId);
      const locked = locks.get(call.timerId);
      if (!claim || !locked) {
        outcomes.set(call, 'missing');
        continue;
      }
      const timer = claim.timer;
      if (!timer) {
        outcomes.set(call, whyNotFired(claim.current, call.revision));
        continue;
      }
      const merchant = await deps.merchants.byId(timer.merchantId, transaction);
      if (!merchant) {
        outcomes.set(call, 'missing');
        continue;
      }
      const applied = await applyEvent(
        deps,
        transaction,
        locked,
        merchant,
        { type: 'timer.fired', at, facts: factsFor(merchant, locked.customer), kind: timer.kind, stepIndex: timer.stepIndex },
        { source: 'timer', refs: { timerId: timer.id, revision: timer.revision, kind: timer.kind, stepIndex: timer.stepIndex } },
        { pendingTimers: claim.pending, carts: claim.cart ? [claim.cart] : [], batch },
      );
      dispatches.push(...applied.dispatches);
      outcomes.set(call, 'fired');
    }
    await batch.flush();
    return outcomes;
  });
  for (const call of later) outcomes.set(call, await fireTimer(deps, call.timerId, call.revision));
  return outcomes;
}

interface Claim {
  /** The timer, now fired; null when it was not claimed. */
  timer: TimerData | null;
  /** How the timer stands when it was not claimed (null: gone). */
  current: Pick<TimerData, 'status' | 'revision'> | null;
  /** The conversation's other pending timers, and its current cart: what applying the event would otherwise read. */
  pending: TimerData[];
  cart: CartFacts | null;
}

type TimerJson = Omit<TimerData, 'dueAt'> & { dueAt: string };

/**
 * Claims each timer only when it is current and due (a second early is a
 * clock disagreement, not early), and in the same round trip reads what the
 * events will need. It runs under the conversations' locks, and every timer
 * write takes its conversation's lock first, so what it reads stays true
 * until commit.
 */
async function claimTimers(transaction: Transaction, calls: readonly TimerCall[], now: Date): Promise<Map<string, Claim>> {
  const rows = await queryIn<{
    timerId: string;
    claimed: TimerJson | null;
    current: Pick<TimerData, 'status' | 'revision'> | null;
    pending: TimerJson[] | null;
    cart: CartFacts | null;
  }>(
    transaction,
    `WITH wanted AS (SELECT * FROM unnest(:timerIds::uuid[], :revisions::int[]) AS w(id, revision)),
     claimed AS (
       UPDATE timers t SET status = 'fired', fired_at = :now, updated_at = clock_timestamp()
       FROM wanted w
       WHERE t.id = w.id AND t.status = 'pending' AND t.revision = w.revision AND t.due_at <= :dueBy
       RETURNING t.id, t.merchant_id AS "merchantId", t.conversation_id AS "conversationId", t.cart_id AS "cartId", t.kind,
         t.step_index AS "stepIndex", t.due_at AS "dueAt", t.revision, t.status)
     SELECT w.id AS "timerId",
       (SELECT row_to_json(claimed) FROM claimed WHERE claimed.id = w.id) AS claimed,
       CASE WHEN cur.id IS NULL THEN NULL ELSE json_build_object('status', cur.status, 'revision', cur.revision) END AS current,
       (SELECT json_agg(p) FROM (SELECT ${TIMER_COLUMNS} FROM timers
          WHERE conversation_id = cur.conversation_id AND status = 'pending' AND id <> w.id) p) AS pending,
       (SELECT row_to_json(a) FROM (SELECT ${CART_FACTS_COLUMNS} FROM abandoned_carts WHERE id = v.current_cart_id) a) AS cart
     FROM wanted w
     LEFT JOIN timers cur ON cur.id = w.id
     LEFT JOIN conversations v ON v.id = cur.conversation_id`,
    {
      timerIds: calls.map((call) => call.timerId),
      revisions: calls.map((call) => call.revision),
      now,
      dueBy: new Date(now.getTime() + 1000),
    },
  );
  const asTimer = (json: TimerJson): TimerData => ({ ...json, dueAt: new Date(json.dueAt) });
  return new Map(
    rows.map((row) => [
      row.timerId,
      {
        timer: row.claimed ? asTimer(row.claimed) : null,
        current: row.current,
        pending: (row.pending ?? []).map(asTimer),
        cart: row.cart,
      },
    ]),
  );
}

/** A timer that was not claimed: gone, replaced or done already (stale), or not due yet. */
function whyNotFired(current: Pick<TimerData, 'status' | 'revision'> | null, revision: number): TimerOutcome {
  if (!current) return 'missing';
  if (current.status !== 'pending' || current.revision !== revision) return 'stale';
  return 'early';
}

/** Timer jobs that start together, fired a batch per transaction (see `jobBatcher`). */
export function timerBatcher(
  deps: ConversationDeps,
  options: { maxBatch: number; maxInFlight: number; lingerMs?: number; gate?: StartGate },
): JobBatcher<TimerCall, TimerOutcome> {
  return jobBatcher<TimerCall, TimerOutcome>(
    { many: (calls) => fireTimers(deps, calls), one: (call) => fireTimer(deps, call.timerId, call.revision), missing: 'missing' },
    { ...options, logger: deps.logger, what: 'timers' },
  );
}
