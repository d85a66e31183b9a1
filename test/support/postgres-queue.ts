import pg from 'pg';
import { systemClock } from '../../src/clock.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { createQueueEngine, type QueueEngine } from '../../src/queue/queue-engine.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/** A queue engine on the PostgreSQL backend in a database of its own, and a plain client to look at its tables. */
export interface PostgresQueue {
  database: TestDatabase;
  engine: QueueEngine;
  client: pg.Client;
  close(): Promise<void>;
}

export async function startPostgresQueue(label: string, options: { schema: string; applicationName?: string }): Promise<PostgresQueue> {
  const database = await createTestDatabase(label);
  const engine = createQueueEngine(
    { kind: 'postgres', connectionString: database.url, ...options },
    { logger: createLogger('silent'), clock: systemClock, metrics: createMetrics() },
  );
  const client = new pg.Client({ connectionString: database.url });
  try {
    await engine.ready();
    await client.connect();
  } catch (error) {
    // Half started (the client connects last, so it never needs ending here): nothing else will close the rest.
    await engine.close(1000).catch(() => undefined);
    await database.drop();
    throw error;
  }
  return {
    database,
    engine,
    client,
    async close() {
      await client.end();
      await engine.close(1000);
      await database.drop();
    },
  };
}
