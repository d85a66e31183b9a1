import type { MigrationFn } from 'umzug';
import type { Sequelize } from 'sequelize';

/**
 * A delivery no merchant owns (a text to an unknown number) is recorded with
 * no merchant. NULLs are distinct in a unique index, so without this one every
 * provider retry of it would add a row.
 */
export const up: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE UNIQUE INDEX webhook_events_unowned ON webhook_events (platform, event_id) WHERE merchant_id IS NULL;
  `);
};

export const down: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`DROP INDEX IF EXISTS webhook_events_unowned;`);
};
