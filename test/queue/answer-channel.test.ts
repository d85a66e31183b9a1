import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { createLogger } from '../../src/logger.js';
import { redisAnswerChannel } from '../../src/queue/answer-channel.js';
import type { AnswerChannel } from '../../src/queue/answer-reports.js';
import { REDIS_URL } from '../support/test-database.js';

const logger = createLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `url` with its database index set to `db`. */
function onDatabase(url: string, db: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${db}`;
  return parsed.toString();
}

describe('answer reports over Redis', () => {
  const prefix = `answers-test-${randomUUID()}`;
  const channels: AnswerChannel[] = [];
  const open = (url: string, channelPrefix = prefix) => {
    const channel = redisAnswerChannel(url, channelPrefix, logger);
    channels.push(channel);
    return channel;
  };
  after(async () => {
    await Promise.all(channels.map((channel) => channel.close()));
  });

  /** Publishes until `received` holds something (the publisher connects on its first report, which may be lost). */
  async function publishUntilHeard(publisher: AnswerChannel, message: string, received: string[]): Promise<void> {
    for (let attempt = 0; attempt < 50 && received.length === 0; attempt++) {
      publisher.publish(message);
      await sleep(50);
    }
  }

  it('what a web process publishes reaches every worker of the same queues', async () => {
    const first: string[] = [];
    const second: string[] = [];
    await open(onDatabase(REDIS_URL, 5)).subscribe((message) => first.push(message));
    await open(onDatabase(REDIS_URL, 5)).subscribe((message) => second.push(message));
    await publishUntilHeard(open(onDatabase(REDIS_URL, 5)), 'report', first);
    await sleep(100);
    assert.ok(first.length > 0 && first.every((message) => message === 'report'));
    assert.deepEqual(second, first);
  });

  it('services that share a Redis server never hear each other: another prefix or another database', async () => {
    const ours: string[] = [];
    const otherPrefix: string[] = [];
    const otherDatabase: string[] = [];
    await open(onDatabase(REDIS_URL, 6)).subscribe((message) => ours.push(message));
    await open(onDatabase(REDIS_URL, 6), `${prefix}-other`).subscribe((message) => otherPrefix.push(message));
    await open(onDatabase(REDIS_URL, 7)).subscribe((message) => otherDatabase.push(message));
    await publishUntilHeard(open(onDatabase(REDIS_URL, 6)), 'ours', ours);
    await sleep(100);
    assert.ok(ours.length > 0);
    assert.deepEqual(otherPrefix, []);
    assert.deepEqual(otherDatabase, []);
  });

  it('publishing never throws or waits, even with no Redis to reach', async () => {
    const unreachable = open('redis://127.0.0.1:1/0');
    const started = performance.now();
    for (let i = 0; i < 100; i++) unreachable.publish('lost');
    assert.ok(performance.now() - started < 100, 'a hundred reports handed over at once');
    await sleep(50);
  });
});
