import type { MigrationFn } from 'umzug';
import type { Sequelize } from 'sequelize';

/**
 * The foundation schema. Money is kept in minor units (bigint) with its
 * currency; every row that belongs to a merchant carries `merchant_id` so a
 * query can always be scoped to one merchant.
 */
export const up: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`
    CREATE TABLE merchants (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      platform text NOT NULL,
      shop_domain text NOT NULL,
      webhook_secret_enc text NOT NULL,
      timezone text NOT NULL,
      sender_number text,
      messaging_service_sid text,
      support_contact text,
      flow jsonb NOT NULL,
      settings jsonb NOT NULL DEFAULT '{}'::jsonb,
      api_key_hash text NOT NULL UNIQUE,
      api_key_prefix text NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK (sender_number IS NOT NULL OR messaging_service_sid IS NOT NULL)
    );
    CREATE UNIQUE INDEX merchants_sender_number ON merchants (sender_number) WHERE sender_number IS NOT NULL;
    CREATE INDEX merchants_messaging_service_sid ON merchants (messaging_service_sid) WHERE messaging_service_sid IS NOT NULL;

    CREATE TABLE customers (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      phone text NOT NULL,
      first_name text,
      consent_status text NOT NULL DEFAULT 'none'
        CHECK (consent_status IN ('none', 'requested', 'confirmed', 'expired', 'revoked')),
      consent_updated_at timestamptz,
      timezone_candidates jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (merchant_id, phone)
    );

    CREATE TABLE conversations (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      customer_id uuid NOT NULL REFERENCES customers(id),
      phone text NOT NULL,
      state text NOT NULL,
      snapshot jsonb NOT NULL,
      version integer NOT NULL DEFAULT 0,
      current_cart_id uuid,
      needs_agent boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (merchant_id, customer_id)
    );
    CREATE INDEX conversations_merchant_phone ON conversations (merchant_id, phone);

    CREATE TABLE abandoned_carts (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      customer_id uuid REFERENCES customers(id),
      conversation_id uuid REFERENCES conversations(id),
      platform text NOT NULL,
      checkout_id text NOT NULL,
      checkout_token text NOT NULL,
      cart_token text,
      phone text,
      first_name text,
      locale text,
      line_items jsonb NOT NULL,
      addresses jsonb NOT NULL DEFAULT '[]'::jsonb,
      total_minor bigint NOT NULL,
      currency char(3) NOT NULL,
      recovery_url text,
      sms_consent boolean NOT NULL,
      consent_evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
      status text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'abandoned', 'recovered', 'superseded', 'not_contacted')),
      status_reason text,
      last_activity_at timestamptz NOT NULL,
      abandoned_at timestamptz,
      recovered_at timestamptz,
      order_id text,
      recovered_revenue_minor bigint,
      attributed_message_id uuid,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (merchant_id, checkout_token)
    );
    CREATE INDEX abandoned_carts_cart_token ON abandoned_carts (merchant_id, cart_token) WHERE cart_token IS NOT NULL;
    CREATE INDEX abandoned_carts_phone ON abandoned_carts (merchant_id, phone, last_activity_at);

    CREATE TABLE messages (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      conversation_id uuid NOT NULL REFERENCES conversations(id),
      cart_id uuid REFERENCES abandoned_carts(id),
      direction text NOT NULL CHECK (direction IN ('outbound', 'inbound')),
      kind text NOT NULL,
      body text NOT NULL,
      to_phone text NOT NULL,
      from_phone text,
      messaging_service_sid text,
      step_index integer,
      provider text,
      provider_message_id text UNIQUE,
      status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'undelivered', 'failed',
        'deferred', 'cancelled', 'refused', 'unknown', 'received')),
      status_reason text,
      error_code text,
      encoding text,
      segments integer,
      send_after timestamptz,
      attempts integer NOT NULL DEFAULT 0,
      sent_at timestamptz,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX messages_conversation ON messages (conversation_id, created_at);
    CREATE INDEX messages_outbox ON messages (status, send_after) WHERE status IN ('pending', 'deferred', 'sending');

    CREATE TABLE timers (
      id uuid PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      conversation_id uuid NOT NULL REFERENCES conversations(id),
      cart_id uuid REFERENCES abandoned_carts(id),
      kind text NOT NULL,
      step_index integer,
      due_at timestamptz NOT NULL,
      revision integer NOT NULL DEFAULT 1,
      status text NOT NULL CHECK (status IN ('pending', 'fired', 'cancelled')),
      fired_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE INDEX timers_pending ON timers (due_at) WHERE status = 'pending';
    CREATE INDEX timers_conversation ON timers (conversation_id) WHERE status = 'pending';

    CREATE TABLE consent_events (
      id bigserial PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      customer_id uuid REFERENCES customers(id),
      phone text NOT NULL,
      change text NOT NULL CHECK (change IN ('requested', 'confirmed', 'revoked', 'resubscribed', 'declined', 'expired')),
      source text NOT NULL,
      evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
      at timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX consent_events_phone ON consent_events (merchant_id, phone, id);

    -- The ledger is evidence: it is appended to, never rewritten.
    CREATE FUNCTION consent_events_append_only() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'consent_events is append-only';
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER consent_events_no_update BEFORE UPDATE OR DELETE ON consent_events
      FOR EACH ROW EXECUTE FUNCTION consent_events_append_only();

    CREATE TABLE webhook_events (
      id uuid PRIMARY KEY,
      merchant_id uuid REFERENCES merchants(id),
      platform text NOT NULL,
      event_id text NOT NULL,
      topic text NOT NULL,
      status text NOT NULL CHECK (status IN ('processed', 'ignored', 'rejected')),
      reason text,
      received_at timestamptz NOT NULL,
      UNIQUE (platform, merchant_id, event_id)
    );

    CREATE TABLE conversation_events (
      id bigserial PRIMARY KEY,
      merchant_id uuid NOT NULL REFERENCES merchants(id),
      conversation_id uuid NOT NULL REFERENCES conversations(id),
      type text NOT NULL,
      source text NOT NULL,
      at timestamptz NOT NULL,
      refs jsonb NOT NULL DEFAULT '{}'::jsonb,
      state_before text,
      state_after text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX conversation_events_conversation ON conversation_events (conversation_id, id);
  `);
};

export const down: MigrationFn<Sequelize> = async ({ context: sequelize }) => {
  await sequelize.query(`
    DROP TABLE IF EXISTS conversation_events, webhook_events, consent_events, timers, messages,
      abandoned_carts, conversations, customers, merchants CASCADE;
    DROP FUNCTION IF EXISTS consent_events_append_only();
  `);
};
