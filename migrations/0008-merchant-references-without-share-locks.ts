import type { MigrationFn } from 'umzug';
import { QueryTypes, type Sequelize } from 'sequelize';

/**
 * The high-volume tables keep `merchant_id` but no longer declare it a
 * foreign key. Every insert into a table with such a key share-locks the
 * merchant's row; with many conversations of one merchant writing at once,
 * PostgreSQL turns those locks into MultiXacts on that single row, and a busy
 * merchant's writes queue behind it (it showed as most of the database's CPU
 * under load). Merchants are never deleted, every writer takes the id from a
 * merchant it has just read, and the per-conversation keys (conversation,
 * customer, cart) stay foreign keys.
 */
const TABLES = [
  'customers',
  'conversations',
  'abandoned_carts',
  'timers',
  'messages',
  'consent_events',
  'webhook_events',
  'conversation_events',
  'suppressions',
];

export const up: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  const constraints = await sequelize.query<{ table: string; name: string }>(
    `SELECT conrelid::regclass::text AS "table", conname AS name FROM pg_constraint
     WHERE contype = 'f' AND confrelid = 'merchants'::regclass AND conrelid::regclass::text IN (:tables)`,
    { replacements: { tables: TABLES }, type: QueryTypes.SELECT },
  );
  for (const { table, name } of constraints) {
    await sequelize.query(`ALTER TABLE ${table} DROP CONSTRAINT "${name.replace(/"/g, '""')}"`);
  }
};

export const down: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  for (const table of TABLES) {
    await sequelize.query(`ALTER TABLE ${table} ADD FOREIGN KEY (merchant_id) REFERENCES merchants(id) NOT VALID`);
  }
};
