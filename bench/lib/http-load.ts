/**
 * A small load generator on node:http with a keep-alive agent: open loop
 * (requests start on a schedule, whatever the server's speed) and closed loop
 * (a fixed number in flight, to find the most the server accepts).
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Sample {
  /** performance.now() when the request was due (open loop) or started (closed loop). */
  scheduledAt: number;
  startedAt: number;
  endedAt: number;
  /** HTTP status, 0 for a transport error. */
  status: number;
  error?: string;
}

export interface LoadProgress {
  started: number;
  done: number;
  ok: number;
  failed: number;
  inFlight: number;
}

export type Send = (index: number) => Promise<number>;

class ReusedSocketReset extends Error {}

export function createClient(baseUrl: string, maxSockets = 256) {
  const agent = new Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  const base = new URL(baseUrl);
  /**
   * A kept-alive socket the server closes just as a request goes out on it
   * resets; the request never reached the service, so it is sent once more
   * on a new socket (as Node's documentation advises, and as a platform's
   * webhook sender would retry).
   */
  async function post(path: string, headers: Record<string, string>, body: Buffer): Promise<number> {
    try {
      return await postOnce(path, headers, body);
    } catch (error) {
      if (!(error instanceof ReusedSocketReset)) throw error;
      return postOnce(path, headers, body);
    }
  }
  function postOnce(path: string, headers: Record<string, string>, body: Buffer): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: 'POST',
          path,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout after 30 s')));
      req.on('error', (error: NodeJS.ErrnoException) => {
        reject(req.reusedSocket && error.code === 'ECONNRESET' ? new ReusedSocketReset(error.message) : error);
      });
      req.end(body);
    });
  }
  return { post, close: () => agent.destroy() };
}

async function run(send: Send, index: number, scheduledAt: number, samples: Sample[], progress: LoadProgress): Promise<void> {
  const startedAt = performance.now();
  progress.started += 1;
  progress.inFlight += 1;
  let status = 0;
  let error: string | undefined;
  try {
    status = await send(index);
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  }
  const endedAt = performance.now();
  progress.inFlight -= 1;
  progress.done += 1;
  if (status >= 200 && status < 300) progress.ok += 1;
  else progress.failed += 1;
  samples[index] = { scheduledAt, startedAt, endedAt, status, ...(error ? { error } : {}) };
}

/** Starts request i at t0 + i/rate, never waiting for answers (no coordinated omission). */
export async function openLoop(count: number, rate: number, send: Send, progress: LoadProgress): Promise<Sample[]> {
  const samples: Sample[] = new Array(count);
  const running: Promise<void>[] = [];
  const t0 = performance.now();
  const interval = 1000 / rate;
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < count && t0 + next * interval <= now) {
        running.push(run(send, next, t0 + next * interval, samples, progress));
        next += 1;
      }
      if (next >= count) resolve();
      else setTimeout(tick, Math.max(0, Math.min(interval, t0 + next * interval - performance.now())));
    };
    tick();
  });
  await Promise.all(running);
  return samples;
}

/** Keeps `concurrency` requests in flight until `count` have been sent. */
export async function closedLoop(count: number, concurrency: number, send: Send, progress: LoadProgress): Promise<Sample[]> {
  const samples: Sample[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      await run(send, index, performance.now(), samples, progress);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return samples;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface LatencySummary {
  count: number;
  ok: number;
  non2xx: number;
  transportErrors: number;
  statuses: Record<string, number>;
  durationS: number;
  acceptedPerS: number;
  ms: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** Measured from the scheduled start, so queueing in the client counts too. */
  fromScheduleMs: { p50: number; p99: number; max: number };
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function summarise(samples: Sample[]): LatencySummary {
  const list = samples.filter(Boolean);
  const ok = list.filter((s) => s.status >= 200 && s.status < 300);
  const statuses: Record<string, number> = {};
  for (const s of list) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
  const answer = list.map((s) => s.endedAt - s.startedAt).sort((a, b) => a - b);
  const scheduled = list.map((s) => s.endedAt - s.scheduledAt).sort((a, b) => a - b);
  const first = Math.min(...list.map((s) => s.startedAt));
  const last = Math.max(...list.map((s) => s.endedAt));
  const durationS = (last - first) / 1000;
  return {
    count: list.length,
    ok: ok.length,
    non2xx: list.length - ok.length,
    transportErrors: list.filter((s) => s.status === 0).length,
    statuses,
    durationS: round(durationS, 2),
    acceptedPerS: round(ok.length / durationS),
    ms: {
      p50: round(percentile(answer, 50)),
      p95: round(percentile(answer, 95)),
      p99: round(percentile(answer, 99)),
      max: round(answer[answer.length - 1] ?? NaN),
      mean: round(answer.reduce((a, b) => a + b, 0) / Math.max(1, answer.length)),
    },
    fromScheduleMs: {
      p50: round(percentile(scheduled, 50)),
      p99: round(percentile(scheduled, 99)),
      max: round(scheduled[scheduled.length - 1] ?? NaN),
    },
  };
}
