import type { MigrationFn } from 'umzug';
import type { Sequelize } from 'sequelize';

/**
 * Storage for the rows every conversation rewrites.
 *
 * - Free space in each page of the tables updated in place (a conversation's
 *   snapshot, a message's status, a timer's state, a shopper's consent), so
 *   PostgreSQL can keep a new row version on the same page and skip index
 *   updates (HOT updates) where no indexed column changes.
 * - The consent ledger's append reads its merchant's newest entry; without an
 *   index on (merchant_id, id) that read walks back through other merchants'
 *   entries.
 */
const HOT_TABLES = ['conversations', 'customers', 'messages', 'timers', 'abandoned_carts'];

export const up: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  for (const table of HOT_TABLES) await sequelize.query(`ALTER TABLE ${table} SET (fillfactor = 80)`);
  await sequelize.query('CREATE INDEX IF NOT EXISTS consent_events_merchant_newest ON consent_events (merchant_id, id)');
};

export const down: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query('DROP INDEX IF EXISTS consent_events_merchant_newest');
  for (const table of HOT_TABLES) await sequelize.query(`ALTER TABLE ${table} RESET (fillfactor)`);
};
