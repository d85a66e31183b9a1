import { v7 as uuidv7 } from 'uuid';

/** The one source of time. Tests pass their own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type IdGenerator = () => string;

/**
 * Time-ordered UUIDs (version 7): new rows land at the end of their primary
 * key indexes instead of on random pages, so a growing database keeps a small
 * working set in memory.
 */
export const uuidGenerator: IdGenerator = () => uuidv7();
