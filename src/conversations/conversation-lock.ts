import type { Transaction } from 'sequelize';
import { initialConversation } from '../machines/step.js';
import type { ConversationDeps } from './deps.js';
import { execute, lockConversationRows, selectRows, type ConversationData, type CustomerData } from './rows.js';

/** Plain rows, owned by the transaction that locked them; writers keep them in step with the database. */
export interface LockedConversation {
  customer: CustomerData;
  conversation: ConversationData;
}

/**
 * The thread's id, and its rows when this transaction has just created them:
 * nobody else can see (or lock) rows before our commit, and a concurrent
 * writer of the same shopper waits on the unique key, so a new thread is as
 * good as locked without a locking read.
 */
export interface EnsuredConversation {
  id: string;
  created: LockedConversation | null;
}

/** What a new shopper starts with, written with the insert rather than by an update after it. */
export interface ShopperProfile {
  firstName: string | null;
  timezoneCandidates: string[];
}

/**
 * The statement parts that create a shopper we have never seen and their
 * thread, both in one round trip: CTEs named `customer` and `conversation`,
 * to be placed in a WITH (alone, or after other CTEs when `guard` is an SQL
 * condition on them). When the customer already exists (or a concurrent
 * writer is inserting it), they insert nothing. A RETURNING expression runs
 * only for a row actually inserted, so the suppression list is probed (one
 * index lookup) only for a new shopper; the function reads with its own
 * snapshot, so an insert that waited for an erasure of this phone to commit
 * sees the suppression it wrote.
 */
export function newThreadCtes(guard = 'true'): string {
  return `customer AS (
       INSERT INTO customers (id, merchant_id, phone, first_name, consent_status, timezone_candidates, created_at, updated_at)
       SELECT :customerId, :merchantId, :phone, :firstName, 'none', :zones::jsonb, :now, :now WHERE ${guard}
       ON CONFLICT (merchant_id, phone) DO NOTHING
       RETURNING id, phone_suppressed(:merchantId, :phoneHmac) AS suppressed),
     conversation AS (
       INSERT INTO conversations (id, merchant_id, customer_id, phone, state, snapshot, version, needs_agent, created_at, updated_at)
       SELECT :conversationId, :merchantId, customer.id, :phone, :state, :snapshot::jsonb, 0, false, :now, :now FROM customer
       RETURNING id)`;
}

/** A new thread's rows as `newThreadCtes` would write them, with the parameters it takes. */
export interface NewThread {
  params: Record<string, unknown>;
  customer: CustomerData;
  conversation: ConversationData;
}

export function newThread(deps: Pick<ConversationDeps, 'clock' | 'ids' | 'suppression'>, merchantId: string, phone: string, profile: ShopperProfile): NewThread {
  const now = deps.clock.now();
  const initial = initialConversation();
  const customerId = deps.ids();
  const conversationId = deps.ids();
  const snapshot = JSON.stringify(initial);
  return {
    params: {
      customerId,
      conversationId,
      merchantId,
      phone,
      now,
      state: initial.value,
      snapshot,
      phoneHmac: deps.suppression.digest(phone),
      firstName: profile.firstName,
      zones: JSON.stringify(profile.timezoneCandidates),
    },
    customer: {
      id: customerId,
      merchantId,
      phone,
      firstName: profile.firstName,
      consentStatus: 'none',
      consentUpdatedAt: null,
      timezoneCandidates: profile.timezoneCandidates,
      providerCountry: null,
      providerState: null,
    },
    conversation: {
      id: conversationId,
      merchantId,
      customerId,
      phone,
      state: initial.value,
      // As a read would return it: the stored JSON, not the object it came from.
      snapshot: JSON.parse(snapshot) as unknown,
      version: 0,
      currentCartId: null,
      needsAgent: false,
    },
  };
}

/**
 * The rows `newThreadCtes` created, as good as locked: nobody else sees them
 * before our commit. A phone that opted out (or was erased) comes back as a
 * new shopper: they start opted out, and the machine's opted-out handling
 * keeps every text from them. Rare, so a second statement.
 */
export async function createdThread(
  deps: ConversationDeps,
  transaction: Transaction,
  thread: NewThread,
  suppressed: boolean,
): Promise<EnsuredConversation> {
  const { customer, conversation } = thread;
  if (suppressed) {
    const now = thread.params.now as Date;
    await execute(
      deps,
      transaction,
      // Nothing about who they are is kept for a suppressed phone, as for an opted-out shopper's checkouts.
      `UPDATE customers SET consent_status = 'revoked', consent_updated_at = :now, first_name = NULL, timezone_candidates = '[]'::jsonb,
         updated_at = :now
       WHERE id = :customerId`,
      { now, customerId: customer.id },
    );
    Object.assign(customer, { consentStatus: 'revoked', consentUpdatedAt: now, firstName: null, timezoneCandidates: [] });
    deps.logger.info({ merchantId: customer.merchantId, customerId: customer.id }, 'a suppressed phone came back; the shopper starts opted out');
  }
  return { id: conversation.id, created: { customer, conversation } };
}

/**
 * Makes sure the shopper and their thread with this merchant exist, without
 * locking anything: callers that must lock several conversations learn the
 * ids first and then lock in id order.
 */
export async function ensureConversation(
  deps: ConversationDeps,
  transaction: Transaction,
  merchantId: string,
  phone: string,
  profile: ShopperProfile = { firstName: null, timezoneCandidates: [] },
): Promise<EnsuredConversation> {
  const thread = newThread(deps, merchantId, phone, profile);
  const created = await selectRows<{ id: string; suppressed: boolean }>(
    deps,
    transaction,
    `WITH ${newThreadCtes()} SELECT conversation.id, customer.suppressed FROM conversation, customer`,
    thread.params,
  );
  if (created[0]) return createdThread(deps, transaction, thread, created[0].suppressed);
  return existingThread(deps, transaction, thread);
}

/**
 * The shopper exists: their thread is found, or created for them. Two
 * statements, not one: under READ COMMITTED only a new statement sees a row
 * that a concurrent transaction inserted and committed while we waited.
 */
export async function existingThread(deps: ConversationDeps, transaction: Transaction, thread: NewThread): Promise<EnsuredConversation> {
  const { merchantId, phone } = thread.conversation;
  await execute(
    deps,
    transaction,
    `INSERT INTO conversations (id, merchant_id, customer_id, phone, state, snapshot, version, needs_agent, created_at, updated_at)
     SELECT :conversationId, :merchantId, c.id, :phone, :state, :snapshot::jsonb, 0, false, :now, :now
     FROM customers c WHERE c.merchant_id = :merchantId AND c.phone = :phone
     ON CONFLICT (merchant_id, customer_id) DO NOTHING`,
    thread.params,
  );
  const rows = await selectRows<{ id: string }>(
    deps,
    transaction,
    `SELECT v.id FROM conversations v JOIN customers c ON c.id = v.customer_id
     WHERE c.merchant_id = :merchantId AND c.phone = :phone AND v.merchant_id = :merchantId`,
    { merchantId, phone },
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('conversation vanished inside its own transaction');
  return { id, created: null };
}

/**
 * Finds or creates the shopper and their thread with this merchant and locks
 * the conversation row for the rest of the transaction. Every writer of a
 * conversation goes through a lock here, so per-conversation order comes from
 * the row lock, whichever process holds it.
 */
export async function lockConversationByPhone(
  deps: ConversationDeps,
  transaction: Transaction,
  merchantId: string,
  phone: string,
): Promise<LockedConversation> {
  const ensured = await ensureConversation(deps, transaction, merchantId, phone);
  if (ensured.created) return ensured.created;
  const locked = await lockConversationById(deps, transaction, ensured.id);
  if (!locked) throw new Error('conversation vanished inside its own transaction');
  return locked;
}

export async function lockConversationById(
  deps: ConversationDeps,
  transaction: Transaction,
  conversationId: string,
): Promise<LockedConversation | null> {
  return lockConversationRows(deps, transaction, { conversationId });
}
