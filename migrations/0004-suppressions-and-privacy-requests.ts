import type { MigrationFn } from 'umzug';
import type { Sequelize } from 'sequelize';

/**
 * Privacy. `suppressions` remembers, per merchant, the phones that must never
 * be texted again by a keyed HMAC of the number (the key is configuration, not
 * data), so the promise outlives an erasure that removed the number itself.
 * `privacy_requests` records what a platform's privacy webhook asked and what
 * was done, without a copy of the shopper's data.
 */
export const up: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE suppressions (
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      phone_hmac text NOT NULL CHECK (phone_hmac ~ '^[0-9a-f]{64}$'),
      reason text NOT NULL
        CHECK (reason IN ('keyword', 'free_text', 'provider', 'api', 'agent', 'system', 'checkout', 'erased')),
      created_at timestamptz NOT NULL,
      CONSTRAINT suppressions_merchant_phone UNIQUE (merchant_id, phone_hmac)
    );

    -- Whether a phone is suppressed, asked when a shopper's row is created. VOLATILE plpgsql (never
    -- inlined) so that, under READ COMMITTED, it reads with a snapshot of its own: an insert that
    -- waited for a concurrent erasure of the same phone sees the suppression that erasure committed.
    CREATE FUNCTION phone_suppressed(merchant uuid, digest text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      RETURN EXISTS (SELECT 1 FROM suppressions s WHERE s.merchant_id = merchant AND s.phone_hmac = digest);
    END;
    $$;

    CREATE TABLE privacy_requests (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      platform text NOT NULL,
      event_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('data_request', 'customer_redact', 'shop_redact')),
      outcome text NOT NULL CHECK (outcome IN ('fulfilled', 'nothing_found', 'no_phone')),
      summary jsonb NOT NULL DEFAULT '{}'::jsonb,
      received_at timestamptz NOT NULL,
      completed_at timestamptz NOT NULL,
      UNIQUE (platform, merchant_id, event_id)
    );
    CREATE INDEX privacy_requests_merchant ON privacy_requests (merchant_id, received_at);
  `);
};

export const down: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`
    DROP FUNCTION IF EXISTS phone_suppressed(uuid, text);
    DROP TABLE IF EXISTS privacy_requests, suppressions;
  `);
};
