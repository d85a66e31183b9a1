import type { MigrationFn } from 'umzug';
import { QueryTypes, type Sequelize } from 'sequelize';

/**
 * A messaging service belongs to one merchant. Inbound texts to a service's
 * pool are routed by its SID: were two merchants to share one, a shopper's
 * STOP to the second would be recorded against the first, and the second
 * would go on texting them. Until now the SID was indexed but not unique.
 *
 * Existing duplicates cannot be resolved here (which merchant owns the
 * service is a fact only the operator knows), so the migration stops and
 * names them.
 */
export const up: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  const shared = await sequelize.query<{ sid: string; merchants: string }>(
    `SELECT messaging_service_sid AS sid, string_agg(id::text, ', ' ORDER BY created_at) AS merchants
     FROM merchants WHERE messaging_service_sid IS NOT NULL
     GROUP BY messaging_service_sid HAVING count(*) > 1`,
    { type: QueryTypes.SELECT },
  );
  if (shared.length > 0) {
    const list = shared.map((row) => `${row.sid} (merchants ${row.merchants})`).join('; ');
    throw new Error(`each messaging service must belong to one merchant; give these merchants their own before migrating: ${list}`);
  }
  await sequelize.query(`
    CREATE UNIQUE INDEX merchants_messaging_service_sid_unique ON merchants (messaging_service_sid) WHERE messaging_service_sid IS NOT NULL;
    DROP INDEX IF EXISTS merchants_messaging_service_sid;
  `);
};

export const down: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE INDEX IF NOT EXISTS merchants_messaging_service_sid ON merchants (messaging_service_sid) WHERE messaging_service_sid IS NOT NULL;
    DROP INDEX IF EXISTS merchants_messaging_service_sid_unique;
  `);
};
