/**
 * What the send gate needs to know about one outbox row, read in the same
 * statement that locks the row (no extra round trip on the hot path): the
 * cart's shipping and billing addresses, and the phone's recent marketing
 * history with this merchant. Plus the pure assembly of the gate's input and
 * of the decision as it is stored on the message.
 */
import type { Transaction } from 'sequelize';
import { POLICY, STATE_RULES } from '../compliance/rules/rule-table.js';
import { candidatesFor, type SendDecision } from '../compliance/send-decision.js';
import type { Address } from '../domain/cart-event.js';
import type { MerchantRow } from '../db/models/index.js';
import type { MessageStatus, StoredDecision } from '../db/models/message.js';
import { MARKETING_KINDS } from './apply-event.js';
import type { ConversationDeps } from './deps.js';
import { MESSAGE_COLUMNS, selectRows, type ConversationData, type CustomerData, type MessageData } from './rows.js';
import { complianceProfile, countryWindows, merchantWindow } from '../merchants/merchant-settings.js';
import type { GateInput } from './send-gate.js';

/**
 * Marketing texts that count against the caps: handed to the provider, or
 * possibly (`sending` is in flight, `unknown` was interrupted mid-call and
 * may have reached the phone: counting it errs towards texting less).
 */
export const CAP_COUNTED_STATUSES: readonly MessageStatus[] = ['sending', 'sent', 'delivered', 'unknown'];

/** How far back the caps look: the longest window of any cap in the rule table. */
export const CAP_LOOKBACK_MS =
  Math.max(POLICY.defaultCap.cap.hours, ...Object.values(STATE_RULES).map((rule) => rule.cap?.hours ?? 0)) * 3_600_000;

export interface SendFacts {
  /** The message's cart's addresses (shipping and billing); [] without a cart or for a non-marketing kind. */
  cartAddresses: Address[];
  /** Times of marketing texts to this phone from this merchant within CAP_LOOKBACK_MS, this message excluded. */
  recentMarketing: Date[];
  /** Reminders sent (as counted above) for this message's cart, ever. */
  cartRemindersSent: number;
}

// A conversation is one phone at one merchant (customers are unique per merchant and phone, threads per
// customer), so its messages are the phone's history with the merchant, across all its carts; they are
// found by the messages_conversation index. When a marketing text was sent: `sent_at`; for one in flight
// or interrupted, when the gate let it go (`decidedAt`), else when its row last changed.
const DELIVERY_SQL = `SELECT ${MESSAGE_COLUMNS},
    COALESCE(cart.addresses, '[]'::jsonb) AS "cartAddresses",
    COALESCE(history.recent, '{}') AS "recentMarketing",
    COALESCE(history.cart_reminders, 0)::int AS "cartRemindersSent"
  FROM messages m
  LEFT JOIN abandoned_carts cart ON cart.id = m.cart_id AND m.kind = ANY(:marketingKinds)
  LEFT JOIN LATERAL (
    SELECT array_agg(extract(epoch FROM p.at) * 1000) FILTER (WHERE p.at > :since)::float8[] AS recent,
      count(*) FILTER (WHERE p.kind = 'reminder' AND p.cart_id = m.cart_id) AS cart_reminders
    FROM (
      SELECT h.kind, h.cart_id, COALESCE(h.sent_at, (h.decision->>'decidedAt')::timestamptz, h.updated_at) AS at
      FROM messages h
      WHERE h.conversation_id = m.conversation_id AND h.id <> m.id AND h.direction = 'outbound'
        AND h.kind = ANY(:marketingKinds) AND h.status = ANY(:countedStatuses)
    ) p
    WHERE m.kind = ANY(:marketingKinds)
  ) history ON true
  WHERE m.id = ANY(:messageIds::uuid[])
  FOR UPDATE OF m`;

type DeliveryRow = MessageData & { cartAddresses: Address[]; recentMarketing: number[]; cartRemindersSent: number };

/** Several outbox rows (of different conversations), locked, with their send facts, by id; gone ones are absent. */
export async function loadManyForDelivery(
  deps: Pick<ConversationDeps, 'db'>,
  transaction: Transaction,
  messageIds: readonly string[],
  at: Date,
): Promise<Map<string, { message: MessageData; facts: SendFacts }>> {
  const rows = await selectRows<DeliveryRow>(deps, transaction, DELIVERY_SQL, {
    messageIds,
    since: new Date(at.getTime() - CAP_LOOKBACK_MS),
    marketingKinds: [...MARKETING_KINDS],
    countedStatuses: [...CAP_COUNTED_STATUSES],
  });
  return new Map(
    rows.map(({ cartAddresses, recentMarketing, cartRemindersSent, ...message }) => [
      message.id,
      {
        message,
        facts: {
          cartAddresses: Array.isArray(cartAddresses) ? cartAddresses : [],
          recentMarketing: (recentMarketing ?? []).map((ms) => new Date(Number(ms))),
          cartRemindersSent: Number(cartRemindersSent) || 0,
        },
      },
    ]),
  );
}

/** Everything the gate decides on, from the locked rows, the send facts and the merchant. */
export function gateInput(input: {
  message: MessageData;
  facts: SendFacts;
  conversation: Pick<ConversationData, 'state' | 'currentCartId'>;
  customer: Pick<CustomerData, 'consentStatus' | 'providerCountry' | 'providerState'>;
  merchant: Pick<MerchantRow, 'settings' | 'timezone'>;
  at: Date;
}): GateInput {
  const { message, facts, customer, merchant } = input;
  const provider = customer.providerCountry || customer.providerState ? { country: customer.providerCountry, state: customer.providerState } : null;
  return {
    message,
    conversation: { state: input.conversation.state, currentCartId: input.conversation.currentCartId },
    consent: customer.consentStatus,
    at: input.at,
    candidates: candidatesFor({ phone: message.toPhone, addresses: facts.cartAddresses, providerRegion: provider, merchantZone: merchant.timezone }),
    merchantWindow: merchantWindow(merchant.settings),
    countryWindows: countryWindows(merchant.settings),
    profile: complianceProfile(merchant.settings),
    recentMarketing: facts.recentMarketing,
    cartRemindersSent: facts.cartRemindersSent,
  };
}

/** The decision as stored on the message: JSON, with when it was made. */
export function storedDecision(decision: SendDecision, at: Date): StoredDecision {
  return {
    verdict: decision.verdict,
    ...(decision.until ? { until: decision.until.toISOString() } : {}),
    rules: decision.rules.map(({ id, citation, reason }) => ({ id, citation, reason })),
    ...(decision.rulesetVersion ? { rulesetVersion: decision.rulesetVersion } : {}),
    decidedAt: at.toISOString(),
  };
}
