/**
 * Transaction control without round trips of its own. Every round trip to
 * PostgreSQL wakes two processes, and where a system call is dear (a virtual
 * machine) that costs more CPU than the short statements of our hot paths. So
 * on a connection with a pipeline:
 *
 * - the `START TRANSACTION` Sequelize sends is held back and goes out in
 *   front of the transaction's first statement;
 * - writes whose results nobody reads can be deferred (`defer`): they go out
 *   in front of the next statement, or in front of the `COMMIT`;
 * - a transaction that sent nothing commits or rolls back without a word to
 *   the server.
 *
 * What goes out together is one simple-protocol message of several
 * statements; PostgreSQL runs them in order, each with a snapshot of its own
 * (as if sent one by one), and stops at the first error, which then fails
 * the transaction as it would have anyway.
 *
 * A statement with values travels as `EXECUTE name(literal, …)` of a
 * statement the connection prepared once (`PREPARE`, in the same message the
 * first time): parsed and planned once, like a bound query. Sequelize's own
 * queries with bound values cannot share a message: what is pending goes
 * first, alone.
 */

import pgUtils from 'pg/lib/utils.js';

interface PgResultLike {
  rows: unknown[];
  rowCount: number | null;
  command?: string;
}

type Callback = (error: Error | null, result?: unknown) => void;

/** The part of pg's `Client` this module wraps. */
export interface PgClientLike {
  query(...args: unknown[]): unknown;
}

/** A statement as pg sends it bound: `$n` parameters, and a name unique to its text (none: it is not to be kept prepared). */
export interface BoundStatement {
  name: string | undefined;
  text: string;
  values: unknown[];
}

export interface Pipeline {
  /** True while statements wait to go out in front of the next one. */
  readonly hasPending: boolean;
  /** Sends what is pending and `statement` in one message; the result is `statement`'s. */
  run(statement: BoundStatement): Promise<PgResultLike>;
  /** Holds `statement` (a write nobody reads) until the next statement or the commit; outside a transaction it runs now. */
  defer(statement: BoundStatement): Promise<void>;
}

/**
 * A value as an SQL literal, written as pg writes a bound parameter's text
 * (dates with their offset, arrays as array literals, objects as JSON). An
 * EXECUTE gives it its parameter's type.
 */
export function literalOf(value: unknown): string {
  const prepared = pgUtils.prepareValue(value);
  if (prepared === null) return 'NULL';
  return quoted(Buffer.isBuffer(prepared) ? `\\x${prepared.toString('hex')}` : prepared);
}

/**
 * Quoted as pg's `escapeLiteral` quotes (quotes doubled; with a backslash, an
 * E'' string with backslashes doubled, right whatever
 * `standard_conforming_strings` says), but without building the string a
 * character at a time: snapshots run to kilobytes.
 */
export function quoted(text: string): string {
  const body = text.replaceAll("'", "''");
  return text.includes('\\') ? ` E'${body.replaceAll('\\', '\\\\')}'` : `'${body}'`;
}

type Control = 'begin' | 'commit' | 'rollback';

const CONTROLS: Record<string, Control> = {
  'START TRANSACTION': 'begin',
  BEGIN: 'begin',
  COMMIT: 'commit',
  ROLLBACK: 'rollback',
};

function controlOf(text: string): Control | undefined {
  return CONTROLS[text.trim().replace(/;$/, '').trim().toUpperCase()];
}

const pipelines = new WeakMap<object, Pipeline>();

export function pipelineOf(connection: object): Pipeline | undefined {
  return pipelines.get(connection);
}

function lastOf(result: unknown): PgResultLike {
  // Several statements in one message come back as one result each.
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return last as PgResultLike;
}

const answered = (command: string): PgResultLike => ({ command, rows: [], rowCount: null });

/** A query object of its own (a cursor, a stream): pg answers it through the object, not a promise. */
function isSubmittable(config: unknown): boolean {
  return typeof config === 'object' && config !== null && typeof (config as { submit?: unknown }).submit === 'function';
}

/** One statement of a message, and the statements it prepares on the way. */
interface Part {
  sql: string;
  prepares: string[];
}

/**
 * Wraps `client.query` (once per connection, when it is made). Queries that
 * are not transaction control and find nothing pending pass through untouched.
 */
export function installPipeline(client: PgClientLike): Pipeline {
  const existing = pipelines.get(client);
  if (existing) return existing;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  /**
   * A query as a promise, made from pg's callback form. pg's own promise form
   * keeps each query's text, values and result reachable until the next full
   * GC (a few kilobytes per statement promoted to the old generation, measured
   * on the webhook path); through the callback they die young.
   */
  const send = (...args: unknown[]): Promise<unknown> => {
    if (isSubmittable(args[0])) return query(...args) as Promise<unknown>;
    return new Promise((resolve, reject) => {
      query(...args, (error: Error | null, result?: unknown) => (error ? reject(error) : resolve(result)));
    });
  };
  let pending: Part[] = [];
  /** Inside a transaction (its BEGIN sent or held back). */
  let open = false;
  /** Something of the open transaction has reached the server. */
  let sent = false;
  /** Statements this connection has prepared, by name; and those being prepared by a message in flight. */
  const prepared = new Set<string>();
  const preparing = new Set<string>();
  /**
   * Statements whose PREPARE travelled in a message that failed: PREPARE is not undone by a
   * rollback, so whether they exist is unknown. They go bound instead, under pg's own name.
   * (Statements without a name go bound too, unnamed.)
   */
  const unsure = new Set<string>();

  /** The statement as text, or null when it must go bound. */
  function partOf(statement: BoundStatement): Part | null {
    if (statement.values.length === 0) return { sql: statement.text, prepares: [] };
    if (statement.name === undefined) return null;
    const name = `p_${statement.name}`;
    if (unsure.has(name)) return null;
    const execute = `EXECUTE ${name}(${statement.values.map(literalOf).join(', ')})`;
    if (prepared.has(name) || preparing.has(name)) return { sql: execute, prepares: [] };
    preparing.add(name);
    return { sql: `PREPARE ${name} AS ${statement.text};\n${execute}`, prepares: [name] };
  }

  function sendParts(parts: Part[]): Promise<unknown> {
    const prepares = parts.flatMap((part) => part.prepares);
    if (open && parts.length > 0) sent = true;
    const result = send(parts.map((part) => part.sql).join(';\n'));
    if (prepares.length === 0) return result;
    return result.then(
      (value) => {
        for (const name of prepares) {
          preparing.delete(name);
          prepared.add(name);
        }
        return value;
      },
      (error: unknown) => {
        for (const name of prepares) {
          preparing.delete(name);
          unsure.add(name);
        }
        throw error;
      },
    );
  }

  const takePending = (): Part[] => {
    const taken = pending;
    pending = [];
    return taken;
  };

  /** What is pending, then a query that cannot join it; queued in this order, the first error wins. */
  function pendingThen(query: () => Promise<unknown>): Promise<unknown> {
    if (open) sent = true;
    if (pending.length === 0) return query();
    const first = sendParts(takePending());
    const then = query();
    then.catch(() => undefined);
    return first.then(() => then);
  }

  async function run(statement: BoundStatement): Promise<PgResultLike> {
    const part = partOf(statement);
    if (!part) return lastOf(await pendingThen(() => send(statement)));
    return lastOf(await sendParts([...takePending(), part]));
  }

  async function control(kind: Control, text: string): Promise<PgResultLike> {
    if (kind === 'begin') {
      if (open) return lastOf(await sendParts([...takePending(), { sql: text, prepares: [] }]));
      open = true;
      sent = false;
      pending = [{ sql: 'START TRANSACTION', prepares: [] }];
      return answered('BEGIN');
    }
    if (!open) return lastOf(await send(text));
    const parts = takePending();
    const reached = sent;
    open = false;
    sent = false;
    if (kind === 'rollback') {
      for (const part of parts) for (const name of part.prepares) preparing.delete(name);
      return reached ? lastOf(await send(text)) : answered('ROLLBACK');
    }
    // Only the held-back BEGIN, never sent: there is nothing to commit.
    if (!reached && parts.length <= 1) return answered('COMMIT');
    try {
      return lastOf(await sendParts([...parts, { sql: 'COMMIT', prepares: [] }]));
    } catch (error) {
      // A statement in front of the COMMIT failed, so the server skipped the COMMIT and
      // holds an aborted transaction; the caller counts it as finished, so end it here.
      await send('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  function answer(promise: Promise<unknown>, callback: Callback | undefined): unknown {
    if (!callback) return promise;
    promise.then(
      (result) => callback(null, result),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
    return undefined;
  }

  client.query = (...args: unknown[]): unknown => {
    const [config, second, third] = args;
    const callback = (typeof second === 'function' ? second : typeof third === 'function' ? third : undefined) as Callback | undefined;
    const values = typeof second === 'function' ? undefined : second;
    const noValues = values === undefined || (Array.isArray(values) && values.length === 0);
    if (typeof config === 'string' && noValues) {
      const kind = controlOf(config);
      if (kind) return answer(control(kind, config), callback);
      if (pending.length > 0) return answer(sendParts([...takePending(), { sql: config, prepares: [] }]), callback);
    }
    if (pending.length === 0) {
      if (open) sent = true;
      return callback ? query(...args) : send(...args);
    }
    const rest = callback ? args.filter((arg) => arg !== callback) : args;
    return answer(pendingThen(() => send(...rest)), callback);
  };

  const pipeline: Pipeline = {
    get hasPending() {
      return pending.length > 0;
    },
    run,
    async defer(statement) {
      if (!open) {
        await run(statement);
        return;
      }
      const part = partOf(statement);
      if (part) pending.push(part);
      else await pendingThen(() => send(statement));
    },
  };
  pipelines.set(client, pipeline);
  return pipeline;
}
