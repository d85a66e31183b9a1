import type { ConversationDeps } from './deps.js';
import { execute, selectRows } from './rows.js';

/** What a message body reads after retention trimmed it. */
export const EXPIRED_BODY = '[expired]';

export interface RetentionReport {
  cutoff: Date;
  messages: number;
  carts: number;
  customers: number;
}

const MS_PER_DAY = 86_400_000;

/**
 * One pass of the retention job: personal data in conversations is kept for
 * `days`, then trimmed in place. Message bodies, cart contents (items, names,
 * addresses, links, the checkout's consent fields) and the names of shoppers
 * not seen since the cutoff go; rows, totals, statuses and recovered revenue
 * stay, so a merchant's figures do not change.
 *
 * The consent ledger is never touched: its entries are the evidence of
 * consent and opt-out, kept for at least four years under the
 * legal-obligation exemption; the suppression list (keyed digests only) is
 * kept for as long as it exists.
 *
 * One statement per table, each in its own transaction: rows this old are no
 * longer written by conversations, so the locks it takes block nobody, and a
 * daily pass trims only a day's worth.
 */
export async function applyRetention(deps: ConversationDeps, days: number): Promise<RetentionReport> {
  const cutoff = new Date(deps.clock.now().getTime() - days * MS_PER_DAY);
  const report: RetentionReport = { cutoff, messages: 0, carts: 0, customers: 0 };
  const log = deps.logger.child({ job: 'retention', cutoff: cutoff.toISOString() });
  const passes: Array<{ key: 'messages' | 'carts' | 'customers'; sql: string }> = [
    {
      key: 'messages',
      // Unsent texts are the outbox, not history: only finished messages are trimmed.
      sql: `UPDATE messages SET body = :expired, updated_at = clock_timestamp()
            WHERE created_at < :cutoff AND body NOT IN (:expired, '[erased]') AND status NOT IN ('pending', 'deferred', 'sending')
            RETURNING 1`,
    },
    {
      key: 'carts',
      sql: `UPDATE abandoned_carts SET line_items = '[]'::jsonb, addresses = '[]'::jsonb, first_name = NULL, locale = NULL,
              recovery_url = NULL, consent_evidence = '{}'::jsonb, updated_at = clock_timestamp()
            WHERE last_activity_at < :cutoff
              AND (line_items <> '[]'::jsonb OR addresses <> '[]'::jsonb OR first_name IS NOT NULL OR recovery_url IS NOT NULL)
            RETURNING 1`,
    },
    {
      key: 'customers',
      sql: `UPDATE customers SET first_name = NULL, updated_at = clock_timestamp()
            WHERE updated_at < :cutoff AND first_name IS NOT NULL
            RETURNING 1`,
    },
  ];
  for (const pass of passes) {
    log.info({ table: pass.key }, 'retention pass started');
    const trimmed = await deps.db.sequelize.transaction(async (transaction) => {
      // A first pass over years of history may take longer than a request's statement timeout.
      await execute(deps, transaction, 'SET LOCAL statement_timeout = 0', {});
      const [row] = await selectRows<{ n: number }>(deps, transaction, `WITH trimmed AS (${pass.sql}) SELECT count(*)::int AS n FROM trimmed`, {
        cutoff,
        expired: EXPIRED_BODY,
      });
      return row?.n ?? 0;
    });
    report[pass.key] = trimmed;
    log.info({ table: pass.key, trimmed }, 'retention pass done');
  }
  return report;
}
