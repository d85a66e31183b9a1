import type { Transaction } from 'sequelize';
import type { MerchantRow } from '../db/models/index.js';
import type { PrivacyRequest, PrivacyRequestKind } from '../domain/privacy-request.js';
import { exportCustomer, exportSummary } from './customer-export.js';
import { recordDelivery, recordUnappliedDelivery, type WebhookReceipt } from './deliveries.js';
import type { ConversationDeps } from './deps.js';
import { erasePhone, eraseUnownedCarts, ERASED_PHONE_PREFIX, type ErasureCounts } from './erasure.js';
import { execute, selectRows } from './rows.js';

/**
 * A platform's privacy request, carried out. Each is recorded once per event
 * id (in `webhook_events`, like every delivery) and in `privacy_requests` with
 * what was found or erased, as counts: the shopper's data is never copied
 * there. A data request is answered by the export itself
 * (`GET /api/v1/customers/export`), which the record points to.
 */
export type PrivacyOutcome =
  | { status: 'duplicate' }
  | { status: 'ignored'; reason: string }
  | { status: 'processed'; kind: PrivacyRequestKind; outcome: PrivacyRequestOutcome; summary: Record<string, unknown> };

export type PrivacyRequestOutcome = 'fulfilled' | 'nothing_found' | 'no_phone';

/** Customers erased per batch of a shop's erasure; each shopper is erased in a transaction of their own. */
const SHOP_ERASURE_BATCH = 100;

export async function handlePrivacyRequest(
  deps: ConversationDeps,
  merchant: MerchantRow,
  request: PrivacyRequest,
  receipt: WebhookReceipt,
): Promise<PrivacyOutcome> {
  const receivedAt = deps.clock.now();
  switch (request.kind) {
    case 'data_request':
      return deps.db.sequelize.transaction(async (transaction) => {
        if (!(await recordDelivery(deps, transaction, merchant.id, receipt, 'processed', request.kind))) return { status: 'duplicate' as const };
        const data = request.phone ? await exportCustomer(deps, transaction, merchant.id, request.phone) : null;
        const outcome: PrivacyRequestOutcome = !request.phone ? 'no_phone' : data ? 'fulfilled' : 'nothing_found';
        const summary = {
          customerRef: request.customerRef,
          requestRef: request.requestRef,
          ordersRequested: request.orderRefs,
          found: data ? exportSummary(data) : null,
          // The merchant hands the shopper the export from this route; we keep no second copy of it.
          exportRoute: data ? 'GET /api/v1/customers/export' : null,
        };
        return record(deps, transaction, merchant, receipt, request.kind, outcome, summary, receivedAt);
      });
    case 'customer_redact':
      return deps.db.sequelize.transaction(async (transaction) => {
        if (!(await recordDelivery(deps, transaction, merchant.id, receipt, 'processed', request.kind))) return { status: 'duplicate' as const };
        const erased = request.phone
          ? await erasePhone(deps, transaction, merchant.id, request.phone, {
              source: 'api',
              evidence: { request: `${request.platform}:customers/redact`, eventId: request.eventId, customerRef: request.customerRef },
            })
          : null;
        const outcome: PrivacyRequestOutcome = !erased ? 'no_phone' : erased.status === 'unknown' ? 'nothing_found' : 'fulfilled';
        const summary = {
          customerRef: request.customerRef,
          ordersToRedact: request.orderRefs,
          erased: erased && erased.status !== 'unknown' ? erased.erased : null,
          suppressed: erased !== null && erased.status !== 'unknown',
        };
        return record(deps, transaction, merchant, receipt, request.kind, outcome, summary, receivedAt);
      });
    case 'shop_redact':
      return eraseShop(deps, merchant, request, receipt, receivedAt);
  }
}

/**
 * Every shopper of the merchant, in batches, each in a transaction of its
 * own; progress is logged per batch. The delivery is recorded only once all
 * are erased: a crash or a timeout midway leaves it unrecorded, so the
 * platform's retry resumes where it stopped (erasing is idempotent).
 */
async function eraseShop(
  deps: ConversationDeps,
  merchant: MerchantRow,
  request: Extract<PrivacyRequest, { kind: 'shop_redact' }>,
  receipt: WebhookReceipt,
  receivedAt: Date,
): Promise<PrivacyOutcome> {
  // Erasing a whole shop on a request about another would be irreparable: the shop must be this merchant's.
  if (request.shopDomain?.toLowerCase() !== merchant.shopDomain.toLowerCase()) {
    await recordUnappliedDelivery(deps, merchant.id, receipt, 'ignored', 'shop_domain_mismatch');
    deps.logger.warn({ merchantId: merchant.id, eventId: request.eventId }, 'shop/redact for another shop ignored');
    return { status: 'ignored', reason: 'shop_domain_mismatch' };
  }
  if (await alreadyRecorded(deps, merchant.id, receipt)) return { status: 'duplicate' };
  const log = { merchantId: merchant.id, eventId: request.eventId };
  deps.logger.info(log, 'shop erasure started');
  const totals: ErasureCounts & { unownedCarts: number } = {
    customers: 0,
    conversations: 0,
    carts: 0,
    messages: 0,
    timersCancelled: 0,
    messagesCancelled: 0,
    unownedCarts: 0,
  };
  const evidence = { request: `${request.platform}:shop/redact`, eventId: request.eventId };
  let after: string | null = null;
  for (;;) {
    const batch = await deps.db.sequelize.transaction((transaction) =>
      selectRows<{ id: string; phone: string }>(
        deps,
        transaction,
        `SELECT id, phone FROM customers
         WHERE merchant_id = :merchantId AND (CAST(:after AS uuid) IS NULL OR id > CAST(:after AS uuid)) AND phone NOT LIKE :erased
         ORDER BY id LIMIT :limit`,
        { merchantId: merchant.id, after, erased: `${ERASED_PHONE_PREFIX}%`, limit: SHOP_ERASURE_BATCH },
      ),
    );
    for (const customer of batch) {
      const outcome = await deps.db.sequelize.transaction((transaction) =>
        erasePhone(deps, transaction, merchant.id, customer.phone, { source: 'api', evidence }),
      );
      if (outcome.status === 'unknown') continue;
      for (const key of Object.keys(outcome.erased) as (keyof ErasureCounts)[]) totals[key] += outcome.erased[key];
    }
    after = batch.at(-1)?.id ?? after;
    if (batch.length > 0) deps.logger.info({ ...log, batch: batch.length, customersErased: totals.customers }, 'shop erasure progress');
    if (batch.length < SHOP_ERASURE_BATCH) break;
  }
  return deps.db.sequelize.transaction(async (transaction) => {
    totals.unownedCarts = await eraseUnownedCarts(deps, transaction, merchant.id);
    // A concurrent run of the same delivery may have finished first: one record, one answer.
    if (!(await recordDelivery(deps, transaction, merchant.id, receipt, 'processed', request.kind))) return { status: 'duplicate' as const };
    deps.logger.info({ ...log, ...totals }, 'shop erasure finished');
    const outcome: PrivacyRequestOutcome = totals.customers + totals.unownedCarts > 0 ? 'fulfilled' : 'nothing_found';
    return record(deps, transaction, merchant, receipt, request.kind, outcome, { erased: totals }, receivedAt);
  });
}

async function alreadyRecorded(deps: ConversationDeps, merchantId: string, receipt: WebhookReceipt): Promise<boolean> {
  const rows = await deps.db.sequelize.transaction((transaction) =>
    selectRows<{ id: string }>(
      deps,
      transaction,
      'SELECT id FROM webhook_events WHERE platform = :platform AND merchant_id = :merchantId AND event_id = :eventId',
      { platform: receipt.platform, merchantId, eventId: receipt.eventId },
    ),
  );
  return rows.length > 0;
}

async function record(
  deps: ConversationDeps,
  transaction: Transaction,
  merchant: MerchantRow,
  receipt: WebhookReceipt,
  kind: PrivacyRequestKind,
  outcome: PrivacyRequestOutcome,
  summary: Record<string, unknown>,
  receivedAt: Date,
): Promise<PrivacyOutcome> {
  await execute(
    deps,
    transaction,
    `INSERT INTO privacy_requests (id, merchant_id, platform, event_id, kind, outcome, summary, received_at, completed_at)
     VALUES (:id, :merchantId, :platform, :eventId, :kind, :outcome, :summary::jsonb, :receivedAt, :completedAt)
     ON CONFLICT (platform, merchant_id, event_id) DO NOTHING`,
    {
      id: deps.ids(),
      merchantId: merchant.id,
      platform: receipt.platform,
      eventId: receipt.eventId,
      kind,
      outcome,
      summary: JSON.stringify(summary),
      receivedAt,
      completedAt: deps.clock.now(),
    },
  );
  deps.logger.info({ merchantId: merchant.id, eventId: receipt.eventId, kind, outcome }, 'privacy request carried out');
  return { status: 'processed', kind, outcome, summary };
}
