import { QueryTypes, type Transaction } from 'sequelize';
import type { ConsentStatus } from '../compliance/consent.js';
import type { CartRow, MessageRow } from '../db/models/index.js';
import type { TimerKind, TimerStatus } from '../db/models/timer.js';
import type { ConversationDeps } from './deps.js';

/*
 * Plain rows for the hot path. Sequelize model instances (change tracking,
 * lodash clones, moment dates, result parsing) cost most of the CPU of a
 * conversation, so applying events reads and writes plain objects through
 * parameterised SQL. The models stay for the API and the views.
 */

export interface CustomerData {
  id: string;
  merchantId: string;
  phone: string;
  firstName: string | null;
  consentStatus: ConsentStatus;
  consentUpdatedAt: Date | null;
  timezoneCandidates: string[];
}

export interface ConversationData {
  id: string;
  merchantId: string;
  customerId: string;
  phone: string;
  state: string;
  snapshot: unknown;
  version: number;
  currentCartId: string | null;
  needsAgent: boolean;
}

export interface TimerData {
  id: string;
  merchantId: string;
  conversationId: string;
  cartId: string | null;
  kind: TimerKind;
  stepIndex: number | null;
  dueAt: Date;
  revision: number;
  status: TimerStatus;
}

/** What delivering one outbox row needs to know about it. */
export interface MessageData {
  id: string;
  merchantId: string;
  conversationId: string;
  cartId: string | null;
  direction: MessageRow['direction'];
  kind: MessageRow['kind'];
  body: string;
  toPhone: string;
  fromPhone: string | null;
  messagingServiceSid: string | null;
  status: MessageRow['status'];
  segments: number | null;
  attempts: number;
}

export const MESSAGE_COLUMNS = `id, merchant_id AS "merchantId", conversation_id AS "conversationId", cart_id AS "cartId", direction, kind,
  body, to_phone AS "toPhone", from_phone AS "fromPhone", messaging_service_sid AS "messagingServiceSid", status, segments, attempts`;

/** The cart fields a message body and a consent request's evidence need. */
export type CartFacts = Pick<
  CartRow,
  'id' | 'firstName' | 'lineItems' | 'totalMinor' | 'currency' | 'locale' | 'recoveryUrl' | 'consentEvidence' | 'checkoutToken'
>;

export async function findCartFacts(deps: Db, transaction: Transaction, id: string): Promise<CartFacts | null> {
  const rows = await selectRows<CartFacts>(
    deps,
    transaction,
    // bigint arrives as text (see database.ts); the model turned it into a number, and so does the cast.
    `SELECT id, first_name AS "firstName", line_items AS "lineItems", total_minor::float8 AS "totalMinor", currency, locale,
       recovery_url AS "recoveryUrl", consent_evidence AS "consentEvidence", checkout_token AS "checkoutToken"
     FROM abandoned_carts WHERE id = :id`,
    { id },
  );
  return rows[0] ?? null;
}

const CUSTOMER_COLUMNS = `id, merchant_id AS "merchantId", phone, first_name AS "firstName", consent_status AS "consentStatus",
  consent_updated_at AS "consentUpdatedAt", timezone_candidates AS "timezoneCandidates"`;
const CONVERSATION_COLUMNS = `id, merchant_id AS "merchantId", customer_id AS "customerId", phone, state, snapshot, version,
  current_cart_id AS "currentCartId", needs_agent AS "needsAgent"`;
export const TIMER_COLUMNS = `id, merchant_id AS "merchantId", conversation_id AS "conversationId", cart_id AS "cartId", kind,
  step_index AS "stepIndex", due_at AS "dueAt", revision, status`;

type Db = Pick<ConversationDeps, 'db'>;

/** One SELECT returning plain rows (no model instances). */
export function selectRows<T extends object>(
  deps: Db,
  transaction: Transaction,
  sql: string,
  replacements: Record<string, unknown>,
): Promise<T[]> {
  return deps.db.sequelize.query<T>(sql, { replacements, transaction, type: QueryTypes.SELECT });
}

/** One write statement; `null` runs it on its own (autocommit), outside any transaction. */
export async function execute(
  deps: Db,
  transaction: Transaction | null,
  sql: string,
  replacements: Record<string, unknown>,
): Promise<void> {
  await deps.db.sequelize.query(sql, { replacements, transaction: transaction ?? undefined, type: QueryTypes.UPDATE });
}

export async function lockConversationRow(deps: Db, transaction: Transaction, id: string): Promise<ConversationData | null> {
  const rows = await selectRows<ConversationData>(
    deps,
    transaction,
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = :id FOR UPDATE`,
    { id },
  );
  return rows[0] ?? null;
}

export async function findCustomer(deps: Db, transaction: Transaction, id: string): Promise<CustomerData | null> {
  const rows = await selectRows<CustomerData>(deps, transaction, `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE id = :id`, { id });
  return rows[0] ?? null;
}

/**
 * Writes the given customer fields (and `updated_at`) and keeps the in-memory
 * row in step, as a model instance's `update` did. Nothing is written when no
 * field changes.
 */
export async function updateCustomer(
  deps: Db,
  transaction: Transaction,
  customer: CustomerData,
  changes: Partial<Pick<CustomerData, 'firstName' | 'consentStatus' | 'consentUpdatedAt' | 'timezoneCandidates'>>,
): Promise<void> {
  const changed = Object.entries(changes).filter(([key, value]) => !sameValue(customer[key as keyof CustomerData], value));
  if (changed.length === 0) return;
  const columns: Record<string, string> = {
    firstName: 'first_name = :firstName',
    consentStatus: 'consent_status = :consentStatus',
    consentUpdatedAt: 'consent_updated_at = :consentUpdatedAt',
    timezoneCandidates: 'timezone_candidates = :timezoneCandidates::jsonb',
  };
  const sets = changed.map(([key]) => columns[key]);
  const replacements: Record<string, unknown> = { id: customer.id, now: new Date() };
  for (const [key, value] of changed) replacements[key] = key === 'timezoneCandidates' ? JSON.stringify(value) : value;
  await execute(deps, transaction, `UPDATE customers SET ${sets.join(', ')}, updated_at = :now WHERE id = :id`, replacements);
  Object.assign(customer, Object.fromEntries(changed));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
