import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { queryAlone } from '../db/sql.js';
import { jobBatcher, type JobBatcher } from './job-batcher.js';

/** What the provider said about a message it accepted. */
export interface SentRecord {
  id: string;
  provider: string;
  providerMessageId: string;
  segments: number | null;
  sentAt: Date;
}

/**
 * Writes accepted sends to their rows, several in one UPDATE: the provider
 * calls of a batch return together, and one statement (its own autocommit
 * transaction) each was most of a send's cost after the call itself. A
 * record waits for nothing but an UPDATE already running, so under load the
 * records that arrive meanwhile go together in the next one. Should a shared
 * UPDATE fail, each row is written alone.
 */
export function sentRecorder(deps: { db: Database; logger: Logger }): JobBatcher<SentRecord, 'recorded'> {
  const write = async (records: readonly SentRecord[]) => {
    await queryAlone(
      deps.db.sequelize,
      // A delivery report may have got in first (it names our row): it is further along, so it stays.
      `UPDATE messages m SET status = CASE WHEN m.status IN ('sending', 'unknown') THEN 'sent' ELSE m.status END,
         provider = u.provider, provider_message_id = u.provider_message_id,
         segments = u.segments, sent_at = u.sent_at, updated_at = clock_timestamp()
       FROM unnest(:ids::uuid[], :providers::text[], :providerMessageIds::text[], :segments::int[], :sentAts::timestamptz[])
         AS u(id, provider, provider_message_id, segments, sent_at)
       WHERE m.id = u.id`,
      {
        ids: records.map((record) => record.id),
        providers: records.map((record) => record.provider),
        providerMessageIds: records.map((record) => record.providerMessageId),
        segments: records.map((record) => record.segments),
        sentAts: records.map((record) => record.sentAt),
      },
    );
  };
  return jobBatcher<SentRecord, 'recorded'>(
    {
      many: async (records) => {
        await write(records);
        return new Map(records.map((record) => [record, 'recorded' as const]));
      },
      one: async (record) => {
        await write([record]);
        return 'recorded';
      },
      missing: 'recorded',
    },
    { maxBatch: 64, maxInFlight: 1, logger: deps.logger, what: 'sent records' },
  );
}
