import type { Transaction } from 'sequelize';
import { initialConversation } from '../machines/step.js';
import type { ConversationDeps } from './deps.js';
import { execute, lockConversationRows, selectRows, type ConversationData, type ConversationKey, type CustomerData } from './rows.js';

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
  /** What a new shopper starts with, written with the insert rather than by an update after it. */
  profile: { firstName: string | null; timezoneCandidates: string[] } = { firstName: null, timezoneCandidates: [] },
): Promise<EnsuredConversation> {
  const now = deps.clock.now();
  const initial = initialConversation();
  // The same two ids as ever, whichever path below uses them.
  const customerId = deps.ids();
  const fresh = { id: deps.ids(), merchantId, phone, now, state: initial.value, snapshot: JSON.stringify(initial) };
  // Common case, a shopper we have never seen: both rows in one round trip. When
  // the customer already exists (or a concurrent writer is inserting it), the
  // CTE inserts nothing and the statements below find or create the thread.
  // A RETURNING expression runs only for a row actually inserted, so the
  // suppression list is probed (one index lookup) only for a new shopper; the
  // function reads with its own snapshot, so an insert that waited for an
  // erasure of this phone to commit sees the suppression it wrote.
  const created = await selectRows<{ id: string; suppressed: boolean }>(
    deps,
    transaction,
    `WITH customer AS (
       INSERT INTO customers (id, merchant_id, phone, first_name, consent_status, timezone_candidates, created_at, updated_at)
       VALUES (:customerId, :merchantId, :phone, :firstName, 'none', :zones::jsonb, :now, :now)
       ON CONFLICT (merchant_id, phone) DO NOTHING
       RETURNING id, phone_suppressed(:merchantId, :phoneHmac) AS suppressed),
     conversation AS (
       INSERT INTO conversations (id, merchant_id, customer_id, phone, state, snapshot, version, needs_agent, created_at, updated_at)
       SELECT :id, :merchantId, customer.id, :phone, :state, :snapshot::jsonb, 0, false, :now, :now FROM customer
       RETURNING id)
     SELECT conversation.id, customer.suppressed FROM conversation, customer`,
    { ...fresh, customerId, phoneHmac: deps.suppression.digest(phone), firstName: profile.firstName, zones: JSON.stringify(profile.timezoneCandidates) },
  );
  if (created[0]) {
    const customer: CustomerData = {
      id: customerId,
      merchantId,
      phone,
      firstName: profile.firstName,
      consentStatus: 'none',
      consentUpdatedAt: null,
      timezoneCandidates: profile.timezoneCandidates,
      providerCountry: null,
      providerState: null,
    };
    // A phone that opted out (or was erased) comes back as a new shopper: they start opted out,
    // and the machine's opted-out handling keeps every text from them. Rare, so a second statement.
    if (created[0].suppressed) {
      await execute(
        deps,
        transaction,
        // Nothing about who they are is kept for a suppressed phone, as for an opted-out shopper's checkouts.
        `UPDATE customers SET consent_status = 'revoked', consent_updated_at = :now, first_name = NULL, timezone_candidates = '[]'::jsonb,
           updated_at = :now
         WHERE id = :customerId`,
        { now, customerId },
      );
      Object.assign(customer, { consentStatus: 'revoked', consentUpdatedAt: now, firstName: null, timezoneCandidates: [] });
      deps.logger.info({ merchantId, customerId }, 'a suppressed phone came back; the shopper starts opted out');
    }
    const conversation: ConversationData = {
      id: fresh.id,
      merchantId,
      customerId,
      phone,
      state: fresh.state,
      // As a read would return it: the stored JSON, not the object it came from.
      snapshot: JSON.parse(fresh.snapshot) as unknown,
      version: 0,
      currentCartId: null,
      needsAgent: false,
    };
    return { id: created[0].id, created: { customer, conversation } };
  }
  // Two statements, not one: under READ COMMITTED only a new statement sees a
  // row that a concurrent transaction inserted and committed while we waited.
  await execute(
    deps,
    transaction,
    `INSERT INTO conversations (id, merchant_id, customer_id, phone, state, snapshot, version, needs_agent, created_at, updated_at)
     SELECT :id, :merchantId, c.id, :phone, :state, :snapshot::jsonb, 0, false, :now, :now
     FROM customers c WHERE c.merchant_id = :merchantId AND c.phone = :phone
     ON CONFLICT (merchant_id, customer_id) DO NOTHING`,
    fresh,
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

/** The conversation a timer or an outbox row belongs to, locked; null when either is gone. */
export async function lockConversationOf(
  deps: ConversationDeps,
  transaction: Transaction,
  key: ConversationKey,
): Promise<LockedConversation | null> {
  return lockConversationRows(deps, transaction, key);
}
