import type { Transaction } from 'sequelize';
import type { ConsentStatus } from '../compliance/consent.js';
import type { CartRow, MessageRow } from '../db/models/index.js';
import type { TimerKind, TimerStatus } from '../db/models/timer.js';
import { deferIn, queryAlone, queryIn } from '../db/sql.js';
import type { WriteBatch } from '../db/write-batch.js';
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
  /** Where the SMS provider last placed the shopper (Twilio's FromCountry / FromState), when it said. */
  providerCountry: string | null;
  providerState: string | null;
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

/** The columns of `MessageData`, read `FROM messages m`. */
export const MESSAGE_COLUMNS = `m.id, m.merchant_id AS "merchantId", m.conversation_id AS "conversationId", m.cart_id AS "cartId", m.direction,
  m.kind, m.body, m.to_phone AS "toPhone", m.from_phone AS "fromPhone", m.messaging_service_sid AS "messagingServiceSid", m.status,
  m.segments, m.attempts`;

/** The cart fields a message body and a consent request's evidence need. */
export type CartFacts = Pick<
  CartRow,
  'id' | 'firstName' | 'lineItems' | 'totalMinor' | 'currency' | 'locale' | 'recoveryUrl' | 'consentEvidence' | 'checkoutToken'
>;

/** The columns of `CartFacts`, read `FROM abandoned_carts`; bigint arrives as text (see database.ts), so the cast. */
export const CART_FACTS_COLUMNS = `id, first_name AS "firstName", line_items AS "lineItems", total_minor::float8 AS "totalMinor", currency,
  locale, recovery_url AS "recoveryUrl", consent_evidence AS "consentEvidence", checkout_token AS "checkoutToken"`;

const CART_FACTS_SQL = `SELECT ${CART_FACTS_COLUMNS} FROM abandoned_carts WHERE id = :id`;

export async function findCartFacts(deps: Db, transaction: Transaction, id: string): Promise<CartFacts | null> {
  const rows = await selectRows<CartFacts>(deps, transaction, CART_FACTS_SQL, { id });
  return rows[0] ?? null;
}

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
  return queryIn<T>(transaction, sql, replacements);
}

/** One write statement (in a transaction it goes out with the next statement, see `deferIn`); `null` runs it on its own (autocommit). */
export async function execute(
  deps: Db,
  transaction: Transaction | null,
  sql: string,
  replacements: Record<string, unknown>,
): Promise<void> {
  if (transaction) await deferIn(transaction, sql, replacements);
  else await queryAlone(deps.db.sequelize, sql, replacements);
}

const LOCKED_COLUMNS = `v.id, v.merchant_id AS "merchantId", v.customer_id AS "customerId", v.phone, v.state, v.snapshot, v.version,
  v.current_cart_id AS "currentCartId", v.needs_agent AS "needsAgent",
  c.merchant_id AS "c_merchantId", c.phone AS "c_phone", c.first_name AS "c_firstName", c.consent_status AS "c_consentStatus",
  c.consent_updated_at AS "c_consentUpdatedAt", c.timezone_candidates AS "c_timezoneCandidates",
  c.provider_country AS "c_providerCountry", c.provider_state AS "c_providerState"`;

// Statement texts are built once: a text made anew for every call would be hashed anew by every cache it meets.
const LOCK_ONE_SQL = `SELECT ${LOCKED_COLUMNS} FROM conversations v JOIN customers c ON c.id = v.customer_id
     WHERE v.id = :conversationId FOR UPDATE OF v, c`;

function lockOwnersSql(table: 'timers' | 'messages'): string {
  return `SELECT ${LOCKED_COLUMNS},
       array(SELECT r.id FROM ${table} r WHERE r.conversation_id = v.id AND r.id = ANY(:ids::uuid[])) AS "rowIds"
     FROM conversations v JOIN customers c ON c.id = v.customer_id
     WHERE v.id IN (SELECT conversation_id FROM ${table} WHERE id = ANY(:ids::uuid[]))
     ORDER BY v.id FOR UPDATE OF v, c`;
}
const LOCK_OWNERS_SQL = { timers: lockOwnersSql('timers'), messages: lockOwnersSql('messages') } as const;

type LockedRow = ConversationData & {
  c_merchantId: string;
  c_phone: string;
  c_firstName: string | null;
  c_consentStatus: ConsentStatus;
  c_consentUpdatedAt: Date | null;
  c_timezoneCandidates: string[];
  c_providerCountry: string | null;
  c_providerState: string | null;
};

/**
 * Locks a conversation and its shopper in one round trip. Both rows are
 * locked (a shopper has one thread per merchant, so no other lock covers the
 * customer), which also makes PostgreSQL re-read both at their latest
 * committed versions when it waited: consent changed by the transaction we
 * queued behind is seen.
 */
export async function lockConversationRows(
  deps: Db,
  transaction: Transaction,
  key: { conversationId: string },
): Promise<{ conversation: ConversationData; customer: CustomerData } | null> {
  const [row] = await selectRows<LockedRow>(
    deps,
    transaction,
    LOCK_ONE_SQL,
    { conversationId: key.conversationId },
  );
  return row ? lockedFrom(row) : null;
}

/** A conversation locked with others. */
export interface LockedWith {
  conversation: ConversationData;
  customer: CustomerData;
}

/**
 * Locks the conversations the given timers (or outbox rows) belong to, and
 * their shoppers, in one round trip. Rows are locked in conversation id order
 * (the sort runs below the lock), the order every writer of several
 * conversations keeps. The result is keyed by the given row ids (rows of one
 * conversation share its entry); a row that is gone has none.
 */
export async function lockConversationsOf(
  transaction: Transaction,
  table: 'timers' | 'messages',
  ids: readonly string[],
): Promise<Map<string, LockedWith>> {
  const rows = await queryIn<LockedRow & { rowIds: string[] }>(
    transaction,
    LOCK_OWNERS_SQL[table],
    { ids },
  );
  const byRow = new Map<string, LockedWith>();
  for (const { rowIds, ...row } of rows) {
    const locked = lockedFrom(row);
    for (const id of rowIds) byRow.set(id, locked);
  }
  return byRow;
}

/**
 * Splits calls so each conversation has at most one in the batch: a second
 * call of the same thread runs afterwards, alone, seeing what the first did.
 */
export function onePerConversation<Call>(calls: readonly Call[], rowId: (call: Call) => string, locks: Map<string, LockedWith>): { now: Call[]; later: Call[] } {
  const taken = new Set<string>();
  const now: Call[] = [];
  const later: Call[] = [];
  for (const call of calls) {
    const owner = locks.get(rowId(call))?.conversation.id;
    if (owner !== undefined && taken.has(owner)) {
      later.push(call);
      continue;
    }
    if (owner !== undefined) taken.add(owner);
    now.push(call);
  }
  return { now, later };
}

function lockedFrom(row: LockedRow): { conversation: ConversationData; customer: CustomerData } {
  const { c_merchantId, c_phone, c_firstName, c_consentStatus, c_consentUpdatedAt, c_timezoneCandidates, c_providerCountry, c_providerState, ...conversation } =
    row;
  return {
    conversation,
    customer: {
      id: conversation.customerId,
      merchantId: c_merchantId,
      phone: c_phone,
      firstName: c_firstName,
      consentStatus: c_consentStatus,
      consentUpdatedAt: c_consentUpdatedAt,
      timezoneCandidates: c_timezoneCandidates,
      providerCountry: c_providerCountry,
      providerState: c_providerState,
    },
  };
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
  changes: Partial<Pick<CustomerData, 'firstName' | 'consentStatus' | 'consentUpdatedAt' | 'timezoneCandidates' | 'providerCountry' | 'providerState'>>,
  /** Queue the write with the event's others instead of sending it now. */
  batch?: WriteBatch,
): Promise<void> {
  const changed = Object.entries(changes).filter(([key, value]) => !sameValue(customer[key as keyof CustomerData], value));
  if (changed.length === 0) return;
  const columns: Record<string, string> = {
    firstName: 'first_name = :firstName',
    consentStatus: 'consent_status = :consentStatus',
    consentUpdatedAt: 'consent_updated_at = :consentUpdatedAt',
    timezoneCandidates: 'timezone_candidates = :timezoneCandidates::jsonb',
    providerCountry: 'provider_country = :providerCountry',
    providerState: 'provider_state = :providerState',
  };
  const sets = changed.map(([key]) => columns[key]);
  const replacements: Record<string, unknown> = { id: customer.id, now: new Date() };
  for (const [key, value] of changed) replacements[key] = key === 'timezoneCandidates' ? JSON.stringify(value) : value;
  const sql = `UPDATE customers SET ${sets.join(', ')}, updated_at = :now WHERE id = :id`;
  if (batch) await batch.write(sql, replacements);
  else await execute(deps, transaction, sql, replacements);
  Object.assign(customer, Object.fromEntries(changed));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
