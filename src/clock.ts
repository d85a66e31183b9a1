import { randomUUID } from 'node:crypto';

/** The one source of time. Tests pass their own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type IdGenerator = () => string;

export const uuidGenerator: IdGenerator = () => randomUUID();
