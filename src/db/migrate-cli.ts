import { ConfigError, loadMigrateConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { applicationNameFor, openDatabase } from './database.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { migrate } from './migrator.js';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
async function run(): Promise<void> {
  const config = loadMigrateConfig();
  const logger = createLogger(config.logLevel);
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger });
  const db = openDatabase(config.databaseUrl ?? embedded!.url, logger, { applicationName: applicationNameFor('migrate') });
  try {
    const applied = await migrate(db.sequelize, logger);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await db.close();
    await embedded?.stop();
  }
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
