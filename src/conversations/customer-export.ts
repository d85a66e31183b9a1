import { Op, type Transaction } from 'sequelize';
import type { ConversationDeps } from './deps.js';
import type { PersistedConversation } from '../machines/step.js';
import { consentHistory } from './consent-ledger.js';
import { findSuppression } from './suppressions.js';

/**
 * Everything one merchant holds about one phone, for a shopper's access
 * request: the customer, their threads, carts, messages, timers, consent
 * history and whether the phone is suppressed. Another merchant's rows are
 * never read. Internal fields (encrypted secrets, API keys, snapshots as
 * stored) are not part of it; the machine's state is summarised instead.
 *
 * Consent entries recorded up to an erasure are kept only as evidence (the
 * legal-obligation exemption) and are withheld here: the export counts them
 * and names why. An erased shopper's export therefore holds nothing personal.
 */
type Deps = Pick<ConversationDeps, 'db' | 'clock' | 'suppression'>;

export interface CustomerExport {
  merchantId: string;
  generatedAt: Date;
  suppressed: boolean;
  suppression: { reason: string; since: Date } | null;
  customer: Record<string, unknown> | null;
  conversations: Record<string, unknown>[];
  carts: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  timers: Record<string, unknown>[];
  consentLedger: Record<string, unknown>[];
  withheld: { consentEntries: number; reason: 'kept_as_evidence_after_erasure' } | null;
}

/** The export, or null when nothing at all is held about the phone at this merchant. */
export async function exportCustomer(
  deps: Deps,
  transaction: Transaction | null,
  merchantId: string,
  phone: string,
): Promise<CustomerExport | null> {
  const { models } = deps.db;
  const t = transaction ?? undefined;
  const customer = await models.Customer.findOne({ where: { merchantId, phone }, transaction: t });
  const [conversations, carts, ledger, suppression] = await Promise.all([
    customer ? models.Conversation.findAll({ where: { merchantId, customerId: customer.id }, order: [['createdAt', 'ASC']], transaction: t }) : [],
    models.Cart.findAll({
      where: { merchantId, [Op.or]: [{ phone }, ...(customer ? [{ customerId: customer.id }] : [])] },
      order: [['createdAt', 'ASC']],
      transaction: t,
    }),
    consentHistory(deps, transaction, merchantId, phone),
    findSuppression(deps, transaction, merchantId, phone),
  ]);
  if (!customer && carts.length === 0 && ledger.length === 0 && !suppression) return null;
  const threadIds = conversations.map((c) => c.id);
  const [messages, timers] = await Promise.all([
    threadIds.length > 0
      ? models.Message.findAll({ where: { merchantId, conversationId: threadIds }, order: [['createdAt', 'ASC'], ['id', 'ASC']], transaction: t })
      : [],
    threadIds.length > 0
      ? models.Timer.findAll({ where: { merchantId, conversationId: threadIds }, order: [['createdAt', 'ASC']], transaction: t })
      : [],
  ]);
  // Entries up to the last erasure are evidence only; what came after is the shopper's new history.
  const lastErasure = ledger.map((entry) => entry.change).lastIndexOf('erased');
  const shown = ledger.slice(lastErasure + 1);
  return {
    merchantId,
    generatedAt: deps.clock.now(),
    suppressed: suppression !== null,
    suppression,
    customer: customer
      ? {
          id: customer.id,
          phone: customer.phone,
          firstName: customer.firstName,
          consentStatus: customer.consentStatus,
          consentUpdatedAt: customer.consentUpdatedAt,
          timezoneCandidates: customer.timezoneCandidates,
          providerRegion: customer.providerCountry || customer.providerState ? { country: customer.providerCountry, state: customer.providerState } : null,
          createdAt: customer.createdAt,
          updatedAt: customer.updatedAt,
        }
      : null,
    conversations: conversations.map((c) => ({
      id: c.id,
      state: c.state,
      needsAgent: c.needsAgent,
      currentCartId: c.currentCartId,
      snapshot: snapshotSummary(c.snapshot),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    })),
    carts: carts.map((cart) => ({
      id: cart.id,
      conversationId: cart.conversationId,
      platform: cart.platform,
      checkoutId: cart.checkoutId,
      status: cart.status,
      statusReason: cart.statusReason,
      phone: cart.phone,
      firstName: cart.firstName,
      locale: cart.locale,
      lineItems: cart.lineItems,
      addresses: cart.addresses,
      total: cart.totalMinor,
      currency: cart.currency,
      recoveryUrl: cart.recoveryUrl,
      smsConsent: cart.smsConsent,
      consentEvidence: cart.consentEvidence,
      lastActivityAt: cart.lastActivityAt,
      abandonedAt: cart.abandonedAt,
      recoveredAt: cart.recoveredAt,
      orderId: cart.orderId,
      recoveredRevenue: cart.recoveredRevenueMinor,
      createdAt: cart.createdAt,
    })),
    messages: messages.map((m) => ({
      id: m.id,
      conversationId: m.conversationId,
      cartId: m.cartId,
      direction: m.direction,
      kind: m.kind,
      body: m.body,
      status: m.status,
      statusReason: m.statusReason,
      segments: m.segments,
      encoding: m.encoding,
      queuedAt: m.createdAt,
      sentAt: m.sentAt,
      deliveredAt: m.deliveredAt,
      decision: m.decision ?? null,
    })),
    timers: timers.map((timer) => ({
      id: timer.id,
      conversationId: timer.conversationId,
      kind: timer.kind,
      stepIndex: timer.stepIndex,
      dueAt: timer.dueAt,
      status: timer.status,
      firedAt: timer.firedAt,
    })),
    consentLedger: shown.map((entry) => ({
      id: entry.id,
      at: entry.at,
      change: entry.change,
      source: entry.source,
      evidence: entry.evidence,
      hash: entry.hash,
    })),
    withheld: lastErasure >= 0 ? { consentEntries: lastErasure + 1, reason: 'kept_as_evidence_after_erasure' } : null,
  };
}

/** Where the machine stands, without its stored form (which also carries the merchant's flow). */
function snapshotSummary(snapshot: unknown): Record<string, unknown> {
  const persisted = snapshot as Partial<PersistedConversation> | null;
  const context = persisted?.context;
  return {
    state: persisted?.value ?? null,
    cartId: context?.cartId ?? null,
    nextStep: context?.nextStep ?? null,
    abandonedAt: context?.abandonedAt ?? null,
    needsAgent: context?.needsAgent ?? null,
  };
}

/** The counts of an export: what a privacy request's record keeps instead of the data itself. */
export function exportSummary(data: CustomerExport): Record<string, number | boolean> {
  return {
    customer: data.customer !== null,
    conversations: data.conversations.length,
    carts: data.carts.length,
    messages: data.messages.length,
    timers: data.timers.length,
    consentEntries: data.consentLedger.length,
    consentEntriesWithheld: data.withheld?.consentEntries ?? 0,
    suppressed: data.suppressed,
  };
}
