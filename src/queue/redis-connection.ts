import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis on the same host can be reached through its Unix socket,
 * `unix:///path/to/redis.sock?db=N`, which spares every command the TCP
 * stack; any other URL is ioredis's own (`redis://`, `rediss://`).
 */
export function unixSocketOf(url: string): { path: string; db: number } | null {
  const parsed = new URL(url);
  if (parsed.protocol !== 'unix:') return null;
  const db = Number(parsed.searchParams.get('db') ?? 0);
  if (!Number.isInteger(db) || db < 0) throw new Error('the Redis database in a unix: URL must be a whole number');
  return { path: decodeURIComponent(parsed.pathname), db };
}

/** A connection to the Redis at `url`, in either form above. */
export function connectRedis(url: string, options: RedisOptions): Redis {
  const socket = unixSocketOf(url);
  return socket ? new Redis({ ...options, ...socket }) : new Redis(url, options);
}
