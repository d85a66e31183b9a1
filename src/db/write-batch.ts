import type { Transaction } from 'sequelize';
import { queryIn, rewriteNamed } from './sql.js';

/**
 * Writes whose results nobody reads, sent to PostgreSQL together: queued
 * INSERTs and UPDATEs go out as one statement of data-modifying CTEs, which
 * saves a round trip per write on the hot path. The order of effects is
 * kept: every read flushes first, and an UPDATE of a table that already has
 * a queued write flushes first too (statements in one WITH share a snapshot
 * and would not see each other's rows).
 */
export interface WriteBatch {
  write(sql: string, params: Record<string, unknown>): Promise<void>;
  read<T>(sql: string, params: Record<string, unknown>): Promise<T[]>;
  flush(): Promise<void>;
}

interface Queued {
  sql: string;
  params: Record<string, unknown>;
}

const TARGET = /^\s*(?:INSERT\s+INTO|UPDATE)\s+([a-z_][a-z0-9_]*)/i;

export function writeBatch(transaction: Transaction): WriteBatch {
  const queued: Queued[] = [];
  const tables = new Set<string>();

  async function flush(): Promise<void> {
    if (queued.length === 0) return;
    const items = queued.splice(0);
    tables.clear();
    if (items.length === 1) {
      const [only] = items as [Queued];
      await queryIn(transaction, only.sql, only.params);
      return;
    }
    const params: Record<string, unknown> = {};
    const parts = items.map((item, i) => {
      const body = rewriteNamed(item.sql, (name) => {
        params[`w${i}_${name}`] = item.params[name];
        return `:w${i}_${name}`;
      });
      return `w${i} AS (${body})`;
    });
    await queryIn(transaction, `WITH ${parts.join(',\n')} SELECT 1`, params);
  }

  return {
    async write(sql, params) {
      const match = TARGET.exec(sql);
      const table = match?.[1]?.toLowerCase();
      const isUpdate = /^\s*UPDATE/i.test(sql);
      if (!table) {
        // Not a plain INSERT or UPDATE (a CTE of its own, a lock…): keep it in order, alone.
        await flush();
        await queryIn(transaction, sql, params);
        return;
      }
      if (isUpdate && tables.has(table)) await flush();
      queued.push({ sql, params });
      tables.add(table);
    },
    async read<T>(sql: string, params: Record<string, unknown>) {
      await flush();
      return queryIn<T>(transaction, sql, params);
    },
    flush,
  };
}
