import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AnswerChannel } from './answer-reports.js';
import { connectRedis } from './redis-connection.js';

/**
 * Answer reports over Redis publish/subscribe, beside the queues. Channels
 * belong to the whole server, not to one database, so the channel is named
 * by the database index as well as the queue prefix: services that share a
 * server never hear each other.
 *
 * Reports are a hint, not data: a report lost while Redis reconnects is a
 * window the workers do not judge, so publishing never queues, retries or
 * waits, and its failures are logged at debug level only.
 */
export function redisAnswerChannel(url: string, prefix: string, logger: Logger): AnswerChannel {
  let publisher: Redis | null = null;
  let subscriber: Redis | null = null;
  const channelOf = (redis: Redis) => `${prefix}:${redis.options.db ?? 0}:webhook-answers`;
  return {
    publish(message) {
      if (!publisher) {
        publisher = connectRedis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 5000, commandTimeout: 1000 });
        publisher.on('error', (error: Error) => logger.debug({ err: error }, 'answer report connection error'));
      }
      publisher.publish(channelOf(publisher), message).catch((error: unknown) => logger.debug({ err: error }, 'an answer report was not published'));
    },
    async subscribe(onMessage) {
      // A subscribing connection does nothing else; ioredis subscribes again after a reconnect.
      subscriber ??= connectRedis(url, { maxRetriesPerRequest: null, connectTimeout: 5000 });
      const channel = channelOf(subscriber);
      subscriber.on('message', (from: string, message: string) => {
        if (from === channel) onMessage(message);
      });
      subscriber.on('error', (error: Error) => logger.debug({ err: error }, 'answer report subscription error'));
      await subscriber.subscribe(channel);
    },
    async close() {
      await Promise.all(
        [publisher, subscriber].filter((redis): redis is Redis => redis !== null).map((redis) => redis.quit().catch(() => redis.disconnect())),
      );
    },
  };
}
