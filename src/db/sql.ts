import { createHash } from 'node:crypto';
import type { Sequelize, Transaction } from 'sequelize';
import { pipelineOf } from './transaction-pipeline.js';

/**
 * Parameterised SQL on the hot path, straight on the pg connection that a
 * Sequelize transaction holds. Sequelize's own `query` inlines every
 * replacement as an escaped literal and post-processes the result, which cost
 * more CPU than the statement itself; here each statement is a named prepared
 * statement (parsed and planned once per connection), its `:name` parameters
 * become `$n`, and rows come back as pg parses them — through the same
 * connection, so with the same type parsers Sequelize installed.
 *
 * When the connection's pipeline holds statements back (a deferred BEGIN or
 * writes, see `transaction-pipeline.ts`), the statement travels with them
 * instead: one round trip, not two.
 */

interface PgResult {
  rows: unknown[];
  rowCount: number | null;
}

interface PgConnection {
  query(config: { text: string; values: unknown[]; name?: string }): Promise<PgResult>;
}

interface Compiled {
  name: string;
  text: string;
  params: string[];
}

const compiled = new Map<string, Compiled>();
/** Statements are written in the source, so this stays small; the bound guards against a caller building SQL from data. */
const MAX_COMPILED = 2_000;

/**
 * Rewrites every `:name` parameter with `replace`. Casts (`::jsonb`) and
 * quoted literals or identifiers are left alone.
 */
export function rewriteNamed(sql: string, replace: (name: string) => string): string {
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      text += sql.slice(i, stop);
      i = stop;
      continue;
    }
    if (ch === ':' && sql[i + 1] === ':') {
      text += '::';
      i += 2;
      continue;
    }
    const match = ch === ':' ? /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1)) : null;
    if (match) {
      text += replace(match[0]);
      i += 1 + match[0].length;
      continue;
    }
    text += ch;
    i += 1;
  }
  return text;
}

/** `:name` → `$n` (the same name reuses its number), with a prepared-statement name for the text. */
export function compileNamed(sql: string): Compiled {
  const hit = compiled.get(sql);
  if (hit) return hit;
  const params: string[] = [];
  const text = rewriteNamed(sql, (param) => {
    let index = params.indexOf(param);
    if (index < 0) index = params.push(param) - 1;
    return `$${index + 1}`;
  });
  const entry = { name: `cr_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text, params };
  if (compiled.size < MAX_COMPILED) compiled.set(sql, entry);
  return entry;
}

export class MissingParameterError extends Error {
  readonly code = 'sql_missing_parameter';
  constructor(name: string) {
    super(`no value given for :${name}`);
    this.name = 'MissingParameterError';
  }
}

function valuesFor(statement: Compiled, replacements: Record<string, unknown>): unknown[] {
  return statement.params.map((param) => {
    if (!(param in replacements)) throw new MissingParameterError(param);
    const value = replacements[param];
    return value === undefined ? null : value;
  });
}

/**
 * Statement texts one connection may keep prepared (each at most twice: as a
 * bound statement and for the pipeline's EXECUTE). A batch of writes is one
 * statement whose text depends on the mix it carries, so the variety is not
 * bounded by the source; past this many, a new text goes unnamed (parsed each
 * time) rather than grow the server's memory for the connection's lifetime.
 */
const MAX_PREPARED_PER_CONNECTION = 256;
const preparedOn = new WeakMap<object, Set<string>>();

/** The name to prepare `statement` under on `connection`, or undefined to send it unnamed. */
function nameOn(connection: object, statement: Compiled): string | undefined {
  let names = preparedOn.get(connection);
  if (!names) preparedOn.set(connection, (names = new Set()));
  if (names.has(statement.name)) return statement.name;
  if (names.size >= MAX_PREPARED_PER_CONNECTION) return undefined;
  names.add(statement.name);
  return statement.name;
}

/** The pg client a Sequelize transaction runs on (Sequelize keeps it on the transaction while it is open). */
function connectionOf(transaction: Transaction): PgConnection {
  const connection = (transaction as unknown as { connection?: PgConnection }).connection;
  if (!connection) throw new Error('transaction has no connection (already finished?)');
  return connection;
}

export async function queryIn<T>(transaction: Transaction, sql: string, replacements: Record<string, unknown>): Promise<T[]> {
  const connection = connectionOf(transaction);
  const compiled = compileNamed(sql);
  const statement = { name: nameOn(connection, compiled), text: compiled.text, values: valuesFor(compiled, replacements) };
  const pipeline = pipelineOf(connection);
  const result = pipeline?.hasPending ? await pipeline.run(statement) : await connection.query(statement);
  return result.rows as T[];
}

/**
 * A write whose result nobody reads: on a pipelined connection it waits to go
 * out with the transaction's next statement or its COMMIT, and an error it
 * meets fails that statement (and so the transaction). Elsewhere it runs now.
 */
export async function deferIn(transaction: Transaction, sql: string, replacements: Record<string, unknown>): Promise<void> {
  const connection = connectionOf(transaction);
  const pipeline = pipelineOf(connection);
  if (!pipeline) {
    await queryIn(transaction, sql, replacements);
    return;
  }
  const compiled = compileNamed(sql);
  await pipeline.defer({ name: nameOn(connection, compiled), text: compiled.text, values: valuesFor(compiled, replacements) });
}

interface ConnectionManager {
  getConnection(options?: { type?: string }): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
}

/** One statement on a pooled connection of its own (autocommit). */
export async function queryAlone<T>(sequelize: Sequelize, sql: string, replacements: Record<string, unknown>): Promise<T[]> {
  const manager = (sequelize as unknown as { connectionManager: ConnectionManager }).connectionManager;
  const connection = await manager.getConnection({ type: 'write' });
  try {
    const statement = compileNamed(sql);
    const result = await connection.query({ name: nameOn(connection, statement), text: statement.text, values: valuesFor(statement, replacements) });
    return result.rows as T[];
  } finally {
    await manager.releaseConnection(connection);
  }
}
