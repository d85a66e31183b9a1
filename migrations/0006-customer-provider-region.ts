import type { MigrationFn } from 'umzug';
import type { Sequelize } from 'sequelize';

/**
 * Where the SMS provider last placed the shopper (Twilio's `FromCountry` and
 * `FromState` on an inbound text). The zones it implies were already merged
 * into `timezone_candidates`; the state itself is needed too, because state
 * rules (hours, Sundays, caps) bind by state, not by zone.
 */
export const up: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`ALTER TABLE customers ADD COLUMN provider_country text, ADD COLUMN provider_state text`);
};

export const down: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`ALTER TABLE customers DROP COLUMN IF EXISTS provider_country, DROP COLUMN IF EXISTS provider_state`);
};
