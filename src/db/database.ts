import { Sequelize } from 'sequelize';
import pg from 'pg';
import type { Logger } from 'pino';
import { initModels, type Models } from './models/index.js';
import { installPipeline, type PgClientLike } from './transaction-pipeline.js';

// bigint columns hold money in minor units and ids; they fit a JS number here,
// and the models convert where they need to. Dates stay dates.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

export interface Database {
  sequelize: Sequelize;
  models: Models;
  close(): Promise<void>;
}

/**
 * What a process's connections are called in `pg_stat_activity` (and in the
 * server's log), so an operator can tell the web process's sessions from a
 * worker's.
 */
export function applicationNameFor(role: 'all' | 'web' | 'worker' | 'migrate'): string {
  return role === 'all' ? 'cartrescue' : `cartrescue-${role}`;
}

/** Every statement of ours, and every connection attempt, gives up after these. */
export const STATEMENT_TIMEOUT_MS = 15_000;
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * How long an unused pooled connection stays open. A burst of checkouts
 * after a quiet spell must not meet an empty pool: every new connection
 * costs a PostgreSQL process start, cold catalog caches and every statement
 * prepared again, all while the burst waits. With pools that closed after
 * 10 s idle, the first 4-8 s of a 200/s burst answered in 150-370 ms on 2
 * cores, nearly all of it waiting for a connection; with connections kept,
 * that wait was gone (bench/README.md).
 */
export const POOL_IDLE_MS = 300_000;

export function openDatabase(url: string, logger: Logger, options: { poolMax?: number; applicationName?: string } = {}): Database {
  const sequelize = new Sequelize(url, {
    dialect: 'postgres',
    dialectModule: pg,
    // Formatting every statement for a log line nobody reads costs real CPU on the hot path.
    logging: logger.isLevelEnabled('trace') ? (sql) => logger.trace({ sql }, 'sql') : false,
    pool: { max: options.poolMax ?? 10, min: 0, idle: POOL_IDLE_MS, acquire: 15_000 },
    dialectOptions: { statement_timeout: STATEMENT_TIMEOUT_MS, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: options.applicationName ?? applicationNameFor('all') },
    // Transaction control and deferred writes ride along with the statements (see transaction-pipeline.ts).
    hooks: { afterConnect: (connection) => void installPipeline(connection as PgClientLike) },
  });
  const models = initModels(sequelize);
  return {
    sequelize,
    models,
    close: () => sequelize.close(),
  };
}
