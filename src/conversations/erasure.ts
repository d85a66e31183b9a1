import type { Transaction } from 'sequelize';
import type { ConsentSource } from '../compliance/consent.js';
import { writeBatch } from '../db/write-batch.js';
import { appendConsent } from './consent-ledger.js';
import type { ConversationDeps } from './deps.js';
import { execute, lockConversationRows, selectRows } from './rows.js';
import { findSuppression, suppressPhone } from './suppressions.js';

/**
 * Erasing a shopper at one merchant. Everything that says who they are or
 * what they wrote or bought goes; what the merchant needs to count (cart
 * totals, currency, statuses, recovered revenue, message counts and states)
 * stays, anonymous. Rows are kept rather than deleted: the consent ledger
 * (append-only evidence, kept under the legal-obligation exemption) points at
 * the customer row, and the counts would otherwise change history.
 *
 * The phone itself is replaced in customers, conversations and messages by a
 * placeholder made from the row's own id (not from the number), so nothing
 * links the erased rows back to the phone. What remembers the phone is the
 * suppression list's keyed digest, written here: an erased shopper is never
 * texted again unless they themselves text START.
 */
type Deps = Pick<ConversationDeps, 'db' | 'clock' | 'logger' | 'suppression'>;

/** The body every erased message carries instead of its text. */
export const ERASED_BODY = '[erased]';

/** Phones of erased rows read `erased:<customer id>`: unique (the unique index holds) and not a number. */
export const ERASED_PHONE_PREFIX = 'erased:';

export interface ErasureCounts {
  customers: number;
  conversations: number;
  carts: number;
  messages: number;
  timersCancelled: number;
  messagesCancelled: number;
}

export type ErasureOutcome =
  | { status: 'erased' | 'already_erased'; erased: ErasureCounts; suppressed: true; consentEntriesRetained: number }
  /** Nothing was ever held about the phone at this merchant; nothing was written. */
  | { status: 'unknown' };

/** Who asked, kept as the erasure's evidence in the consent ledger. */
export interface ErasureRequest {
  source: ConsentSource;
  evidence: Record<string, unknown>;
}

const NO_COUNTS: ErasureCounts = { customers: 0, conversations: 0, carts: 0, messages: 0, timersCancelled: 0, messagesCancelled: 0 };

/**
 * Erases one phone at one merchant inside the caller's transaction (with the
 * suppression row and the ledger's `erased` entry). Idempotent: a second call
 * finds only the suppression and answers `already_erased` without writing.
 */
export async function erasePhone(
  deps: Deps,
  transaction: Transaction,
  merchantId: string,
  phone: string,
  request: ErasureRequest,
): Promise<ErasureOutcome> {
  const now = deps.clock.now();
  const [owner] = await selectRows<{ customerId: string; conversationId: string | null }>(
    deps,
    transaction,
    `SELECT c.id AS "customerId", v.id AS "conversationId" FROM customers c
     LEFT JOIN conversations v ON v.customer_id = c.id AND v.merchant_id = c.merchant_id
     WHERE c.merchant_id = :merchantId AND c.phone = :phone`,
    { merchantId, phone },
  );
  // Lock order everywhere: the conversation, then its rows. A send being claimed,
  // a timer firing or a reply being applied finishes first, or waits for us.
  if (owner?.conversationId) await lockConversationRows(deps, transaction, { conversationId: owner.conversationId });
  // Re-read under the lock: a concurrent erasure may have won.
  const [customer] = owner
    ? await selectRows<{ id: string; consentStatus: string }>(
        deps,
        transaction,
        `SELECT id, consent_status AS "consentStatus" FROM customers WHERE id = :id AND phone = :phone FOR UPDATE`,
        { id: owner.customerId, phone },
      )
    : [];
  const conversationId = customer ? owner?.conversationId ?? null : null;
  const placeholder = customer ? `${ERASED_PHONE_PREFIX}${customer.id}` : null;
  const counts: ErasureCounts = { ...NO_COUNTS };

  if (conversationId && placeholder) {
    Object.assign(counts, await eraseThread(deps, transaction, conversationId, phone, placeholder, request, now));
  }
  counts.carts = await eraseCarts(deps, transaction, merchantId, phone, customer?.id ?? null);
  if (customer && placeholder) {
    // Opted out for good: the row stays (the ledger points at it) without anything that says who.
    await execute(
      deps,
      transaction,
      `UPDATE customers SET phone = :placeholder, first_name = NULL, timezone_candidates = '[]'::jsonb,
         provider_country = NULL, provider_state = NULL, consent_status = 'revoked', consent_updated_at = :now, updated_at = clock_timestamp()
       WHERE id = :id`,
      { placeholder, now, id: customer.id },
    );
    counts.customers = 1;
  }

  if (!customer && counts.carts === 0) {
    const suppression = await findSuppression(deps, transaction, merchantId, phone);
    if (!suppression) return { status: 'unknown' };
    return { status: 'already_erased', erased: counts, suppressed: true, consentEntriesRetained: await retainedEntries(deps, transaction, merchantId, phone) };
  }

  await suppressPhone(deps, transaction, merchantId, phone, 'erased', now);
  const ledger = writeBatch(transaction);
  await appendConsent(ledger, [
    {
      merchantId,
      customerId: customer?.id ?? null,
      phone,
      change: 'erased',
      source: request.source,
      evidence: { ...request.evidence, previous: customer?.consentStatus ?? null, erased: counts },
      at: now,
    },
  ]);
  await ledger.flush();
  deps.logger.info({ merchantId, customerId: customer?.id, conversationId, ...counts, source: request.source }, 'shopper erased');
  return { status: 'erased', erased: counts, suppressed: true, consentEntriesRetained: await retainedEntries(deps, transaction, merchantId, phone) };
}

/** The thread: nothing more goes out, no text is left, the phone is gone. */
async function eraseThread(
  deps: Deps,
  transaction: Transaction,
  conversationId: string,
  phone: string,
  placeholder: string,
  request: ErasureRequest,
  now: Date,
): Promise<Pick<ErasureCounts, 'conversations' | 'messages' | 'timersCancelled' | 'messagesCancelled'>> {
  const timers = await selectRows<{ id: string }>(
    deps,
    transaction,
    `UPDATE timers SET status = 'cancelled', updated_at = clock_timestamp() WHERE conversation_id = :conversationId AND status = 'pending'
     RETURNING id`,
    { conversationId },
  );
  const cancelled = await selectRows<{ id: string }>(
    deps,
    transaction,
    `UPDATE messages SET status = 'cancelled', status_reason = 'erased', updated_at = clock_timestamp()
     WHERE conversation_id = :conversationId AND direction = 'outbound' AND status IN ('pending', 'deferred')
     RETURNING id`,
    { conversationId },
  );
  // Only the shopper's side of a message is theirs: the merchant's sender number stays. A send decision's
  // rules name the places the shopper may be (state, zone): they go; the verdict and its times stay.
  const messages = await selectRows<{ id: string }>(
    deps,
    transaction,
    `UPDATE messages SET body = :erased,
       to_phone = CASE WHEN to_phone = :phone THEN :placeholder ELSE to_phone END,
       from_phone = CASE WHEN from_phone = :phone THEN :placeholder ELSE from_phone END,
       decision = CASE WHEN decision IS NULL THEN NULL ELSE decision || '{"rules": [], "erased": true}'::jsonb END,
       updated_at = clock_timestamp()
     WHERE conversation_id = :conversationId
       AND (body <> :erased OR to_phone = :phone OR from_phone = :phone OR jsonb_array_length(decision->'rules') > 0)
     RETURNING id`,
    { conversationId, erased: ERASED_BODY, phone, placeholder },
  );
  await execute(deps, transaction, `UPDATE conversations SET phone = :placeholder, updated_at = clock_timestamp() WHERE id = :id`, {
    placeholder,
    id: conversationId,
  });
  // The thread's audit trail says when and why its contents went; the snapshot is left as the machine wrote it.
  await execute(
    deps,
    transaction,
    `INSERT INTO conversation_events (merchant_id, conversation_id, type, source, at, refs, state_before, state_after, created_at)
     SELECT merchant_id, id, 'shopper.erased', :source, :at, :refs::jsonb, state, state, clock_timestamp() FROM conversations WHERE id = :id`,
    { source: request.source, at: now, refs: JSON.stringify(request.evidence), id: conversationId },
  );
  return { conversations: 1, messages: messages.length, timersCancelled: timers.length, messagesCancelled: cancelled.length };
}

/** Cart contents go; totals, currency, statuses, tokens and revenue stay as anonymous counts. */
const ERASE_CART_CONTENTS = `UPDATE abandoned_carts SET phone = NULL, first_name = NULL, locale = NULL, line_items = '[]'::jsonb,
  addresses = '[]'::jsonb, recovery_url = NULL, consent_evidence = '{}'::jsonb, updated_at = clock_timestamp()`;

async function eraseCarts(
  deps: Deps,
  transaction: Transaction,
  merchantId: string,
  phone: string,
  customerId: string | null,
): Promise<number> {
  const carts = await selectRows<{ id: string }>(
    deps,
    transaction,
    `${ERASE_CART_CONTENTS} WHERE merchant_id = :merchantId AND (phone = :phone OR customer_id = :customerId) RETURNING id`,
    { merchantId, phone, customerId },
  );
  return carts.length;
}

/**
 * Carts that belong to no shopper (checkouts without a usable phone) still
 * hold names, items and addresses: a shop's erasure clears them too.
 */
export async function eraseUnownedCarts(deps: Deps, transaction: Transaction, merchantId: string): Promise<number> {
  const carts = await selectRows<{ id: string }>(
    deps,
    transaction,
    `${ERASE_CART_CONTENTS} WHERE merchant_id = :merchantId AND customer_id IS NULL
       AND (line_items <> '[]'::jsonb OR addresses <> '[]'::jsonb OR first_name IS NOT NULL OR recovery_url IS NOT NULL
         OR phone IS NOT NULL OR locale IS NOT NULL OR consent_evidence <> '{}'::jsonb)
     RETURNING id`,
    { merchantId },
  );
  return carts.length;
}

async function retainedEntries(deps: Deps, transaction: Transaction, merchantId: string, phone: string): Promise<number> {
  const [row] = await selectRows<{ count: string }>(
    deps,
    transaction,
    'SELECT count(*) AS count FROM consent_events WHERE merchant_id = :merchantId AND phone = :phone',
    { merchantId, phone },
  );
  return Number(row?.count ?? 0);
}
