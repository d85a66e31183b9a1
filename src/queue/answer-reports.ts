/**
 * Webhooks first, across processes. With split roles the web processes
 * answer the webhooks and the workers do the background work; when both
 * share a machine or a database, the workers' work slows the answers as it
 * does in one process, and an operating-system priority on the workers
 * cannot reach the database sessions they keep busy. So each web process
 * reports its answers, window by window, and every worker's pacer judges
 * them as if they were its own (`background-pacer.ts`).
 *
 * A report carries the answer times of its window (not a percentile), so a
 * worker that hears several web processes judges all their answers as one
 * window; and the webhooks still in flight, so a web process whose answers
 * are stuck is heard before any of them ends. A web process with nothing in
 * flight and nothing answered sends nothing: the workers then stop pacing
 * once the pacer's quiet spell has passed, as they do when a web process
 * goes away.
 */
import type { Logger } from 'pino';
import { z } from 'zod';

/** Answer times one report carries at most; past it, later answers of the window take the place of earlier ones. */
export const MAX_ANSWERS_PER_REPORT = 2000;

export const AnswerReportSchema = z.object({
  /** The reporting web process, so that each one's in-flight count is counted once. */
  source: z.string().min(1).max(200),
  answersMs: z.array(z.number().finite().nonnegative()).max(MAX_ANSWERS_PER_REPORT),
  inFlight: z.number().int().nonnegative(),
});
export type AnswerReport = z.infer<typeof AnswerReportSchema>;

/** How reports travel from web processes to workers (`answer-channel.ts`). */
export interface AnswerChannel {
  /** Sends a report; never throws, never waits: a report lost is a window not judged. */
  publish(message: string): void;
  /** Resolves once reports are being received. */
  subscribe(onMessage: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** The web process's side: told of every webhook, it sends a report each window that had any. */
export interface AnswerReporter {
  webhookStarted(): void;
  webhookFinished(ms: number): void;
  /** Sends the window so far, if it has anything to say (the interval calls it; tests may too). */
  flush(): void;
  /** Stops the interval after a last flush. */
  close(): void;
}

export function answerReporter(options: { source: string; windowMs: number; publish: (message: string) => void }): AnswerReporter {
  let inFlight = 0;
  let answers: number[] = [];
  let answered = 0;
  const flush = () => {
    if (answered === 0 && inFlight === 0) return;
    const report: AnswerReport = { source: options.source, answersMs: answers, inFlight };
    answers = [];
    answered = 0;
    options.publish(JSON.stringify(report));
  };
  const interval = setInterval(flush, options.windowMs);
  interval.unref();
  return {
    webhookStarted() {
      inFlight += 1;
    },
    webhookFinished(ms) {
      inFlight = Math.max(0, inFlight - 1);
      // A tenth of a millisecond is all the pacer can use, and keeps the report short.
      answers[answered % MAX_ANSWERS_PER_REPORT] = Math.round(ms * 10) / 10;
      answered += 1;
    },
    flush,
    close() {
      clearInterval(interval);
      flush();
    },
  };
}

/** The worker's side: reports in, the pacer told of them. */
export interface AnswerFeed {
  receive(message: string): void;
}

export function answerFeed(
  pacer: { answersReported(answersMs: readonly number[], inFlight: number): void },
  options: {
    /** A web process not heard from for this long no longer counts its webhooks in flight (the pacer's quiet spell). */
    quietMs: number;
    now: () => number;
    logger: Logger;
  },
): AnswerFeed {
  const sources = new Map<string, { inFlight: number; at: number }>();
  let refusedLoggedAt = -Infinity;
  return {
    receive(message) {
      const report = parseReport(message);
      const now = options.now();
      if (!report) {
        // Whatever else publishes on the channel must not flood the log: one line a minute.
        if (now - refusedLoggedAt >= 60_000) {
          refusedLoggedAt = now;
          options.logger.warn({ bytes: message.length }, 'an answer report that is not one was ignored');
        }
        return;
      }
      sources.set(report.source, { inFlight: report.inFlight, at: now });
      let inFlight = 0;
      for (const [source, heard] of sources) {
        if (now - heard.at >= options.quietMs) sources.delete(source);
        else inFlight += heard.inFlight;
      }
      pacer.answersReported(report.answersMs, inFlight);
    },
  };
}

function parseReport(message: string): AnswerReport | null {
  try {
    const parsed = AnswerReportSchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
