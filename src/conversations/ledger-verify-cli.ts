import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { createLogger } from '../logger.js';
import { verifyLedger } from './consent-ledger.js';

/**
 * `npm run ledger:verify [-- <merchantId>]`: re-computes every merchant's
 * consent chain and reports the first broken link. Exits 1 when one is broken.
 * Entries still waiting for the running service's sealer are counted as
 * pending: they are not broken, and verifying does not seal them.
 */
async function run(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, logger });
  const db = openDatabase(config.databaseUrl ?? embedded!.url, logger);
  try {
    const only = process.argv[2];
    const merchants = only ? [{ id: only }] : await db.models.Merchant.findAll({ attributes: ['id'] });
    let broken = 0;
    for (const merchant of merchants) {
      const verdict = await verifyLedger({ db }, merchant.id);
      const counts = `${verdict.entries} entries, ${verdict.pending} pending`;
      if (verdict.ok) {
        process.stdout.write(`${merchant.id}: ${counts}, chain intact\n`);
      } else {
        broken += 1;
        process.stdout.write(`${merchant.id}: BROKEN at entry ${verdict.brokenAt} (${verdict.reason}), ${counts}\n`);
      }
    }
    return broken === 0 ? 0 : 1;
  } finally {
    await db.close();
    await embedded?.stop();
  }
}

run()
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  });
