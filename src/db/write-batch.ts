import type { Transaction } from 'sequelize';
import { deferIn, queryIn, rewriteNamed } from './sql.js';

/**
 * Writes whose results nobody reads, sent to PostgreSQL together: queued
 * INSERTs and UPDATEs go out as one statement of data-modifying CTEs, which
 * saves a round trip per write on the hot path. The order of effects is
 * kept: every read flushes first, and an UPDATE of a table that already has
 * a queued write flushes first too (statements in one WITH share a snapshot
 * and would not see each other's rows).
 *
 * A scope narrows that last rule: writes made through `scoped(key)` promise
 * to touch only rows belonging to `key` (one conversation's), so an UPDATE
 * flushes only for queued writes of the same table in the same scope (or
 * unscoped ones). Several conversations' events then share one statement.
 *
 * A flush hands the statement to the transaction (`deferIn`): it goes out in
 * front of the next read or of the COMMIT, so the writes cost no round trip
 * of their own.
 */
export interface WriteBatch {
  write(sql: string, params: Record<string, unknown>): Promise<void>;
  read<T>(sql: string, params: Record<string, unknown>): Promise<T[]>;
  flush(): Promise<void>;
  /** The same batch, for writes that touch only rows of `key`. */
  scoped(key: string): WriteBatch;
}

interface Queued {
  sql: string;
  params: Record<string, unknown>;
}

/** Where an unscoped write is recorded: it conflicts with an UPDATE of its table in any scope. */
const EVERY_SCOPE = '';

const TARGET = /^\s*(?:INSERT\s+INTO|UPDATE)\s+([a-z_][a-z0-9_]*)/i;

/** The `i`th CTE of a batch: its parameters prefixed `w<i>_` so they cannot clash. */
function renamed(sql: string, i: number): { body: string; names: Array<[name: string, prefixed: string]> } {
  const names = new Map<string, string>();
  const body = rewriteNamed(sql, (name) => {
    const prefixed = `w${i}_${name}`;
    names.set(name, prefixed);
    return `:${prefixed}`;
  });
  return { body, names: [...names] };
}

/**
 * A sequence of writes' statements as one, worked out once per sequence. The
 * sequences come from a few code paths, so they repeat; walking a tree keyed
 * by the statements' own (source) strings finds a known one without joining
 * or hashing the long text it makes, and then hands the same string to the
 * statement caches downstream, whose lookups of it are cheap again.
 */
interface Combined {
  text: string;
  names: Array<Array<[name: string, prefixed: string]>>;
}

interface Node {
  next: Map<string, Node>;
  combined: Combined | null;
}

const combinations: Node = { next: new Map(), combined: null };
let combinationNodes = 0;
/** Sequences are written in the source, so this stays small; the bound guards against a caller building SQL from data. */
const MAX_COMBINATION_NODES = 4_000;

function combine(items: readonly Queued[]): Combined {
  const names: Combined['names'] = [];
  const parts = items.map((item, i) => {
    const part = renamed(item.sql, i);
    names.push(part.names);
    return `w${i} AS (${part.body})`;
  });
  return { text: `WITH ${parts.join(',\n')} SELECT 1`, names };
}

function combined(items: readonly Queued[]): Combined {
  let node = combinations;
  for (const item of items) {
    let child = node.next.get(item.sql);
    if (!child) {
      if (combinationNodes >= MAX_COMBINATION_NODES) return combine(items);
      child = { next: new Map(), combined: null };
      node.next.set(item.sql, child);
      combinationNodes += 1;
    }
    node = child;
  }
  node.combined ??= combine(items);
  return node.combined;
}

export function writeBatch(transaction: Transaction): WriteBatch {
  const queued: Queued[] = [];
  /** Tables with queued writes, and the scopes those writes were made in. */
  const tables = new Map<string, Set<string>>();

  async function flush(): Promise<void> {
    if (queued.length === 0) return;
    const items = queued.splice(0);
    tables.clear();
    if (items.length === 1) {
      const [only] = items as [Queued];
      await deferIn(transaction, only.sql, only.params);
      return;
    }
    const { text, names } = combined(items);
    const params: Record<string, unknown> = {};
    items.forEach((item, i) => {
      for (const [name, prefixed] of names[i] ?? []) params[prefixed] = item.params[name];
    });
    await deferIn(transaction, text, params);
  }

  function conflicts(table: string, scope: string): boolean {
    const scopes = tables.get(table);
    if (!scopes) return false;
    return scope === EVERY_SCOPE || scopes.has(EVERY_SCOPE) || scopes.has(scope);
  }

  function view(scope: string): WriteBatch {
    return {
      async write(sql, params) {
        const match = TARGET.exec(sql);
        const table = match?.[1]?.toLowerCase();
        const isUpdate = /^\s*UPDATE/i.test(sql);
        if (!table) {
          // Not a plain INSERT or UPDATE (a CTE of its own, a lock…): keep it in order, alone.
          await flush();
          await deferIn(transaction, sql, params);
          return;
        }
        if (isUpdate && conflicts(table, scope)) await flush();
        queued.push({ sql, params });
        let scopes = tables.get(table);
        if (!scopes) tables.set(table, (scopes = new Set()));
        scopes.add(scope);
      },
      async read<T>(sql: string, params: Record<string, unknown>) {
        await flush();
        return queryIn<T>(transaction, sql, params);
      },
      flush,
      scoped: (key) => view(key),
    };
  }

  return view(EVERY_SCOPE);
}
