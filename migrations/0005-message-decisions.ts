import type { MigrationFn } from 'umzug';
import type { Sequelize } from 'sequelize';

/**
 * The send gate's decision for each outbound message, kept on the message:
 * `{verdict, until?, rules: [{id, citation, reason}], rulesetVersion,
 * decidedAt}`. `status_reason` stays the short code; this is the whole
 * answer to "why did this text go at 9:14?". Null for inbound messages and
 * for outbound ones the gate has not decided yet (or decided before this
 * column existed).
 */
export const up: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`ALTER TABLE messages ADD COLUMN decision jsonb`);
};

export const down: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`ALTER TABLE messages DROP COLUMN IF EXISTS decision`);
};
