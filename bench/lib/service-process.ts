/**
 * The real service as a child process (`node --import tsx src/main.ts`), so
 * its resident memory can be read from /proc and it shares nothing with the
 * load generator but the machine.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseGcLine, type GcPause } from './gc-pauses.js';

/** What bench/lib/service-preload.ts prints after a full GC. */
export interface MemoryProbe {
  gc: boolean;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  snapshot: string | null;
}

export interface ServiceProcess {
  pid: number;
  url: string;
  /** VmRSS of the service process in MB, null once it has exited. */
  rssMb(): number | null;
  /** Warn/error log lines by message, as the service printed them. */
  logCounts(): Record<string, number>;
  /** The first error text seen for each of those messages, with the times of the first and last. */
  logExamples(): Record<string, string>;
  /** Last lines of output, for a failure report. */
  tail(): string;
  exited(): boolean;
  /** Garbage-collection pauses of the service's main thread so far (from the bench preload). */
  gcPauses(): GcPause[];
  /** Full GC in the service, then its memory (null if it did not answer within 60 s). */
  probeMemory(): Promise<MemoryProbe | null>;
  /** SIGTERM, then SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: string | null; forced: boolean }>;
}

/** Every variable `src/config.ts` reads: none may leak in from the bench's own environment. */
const SERVICE_KEYS = [
  'PORT', 'HOST', 'DATABASE_URL', 'REDIS_URL', 'DATA_DIR', 'PUBLIC_BASE_URL', 'ADMIN_TOKEN', 'SECRETS_KEY',
  'SMS_PROVIDER', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_BASE_URL', 'LOG_LEVEL',
  'RECONCILE_INTERVAL_SECONDS', 'SMS_TIMEOUT_MS', 'SMS_MAX_PER_SECOND', 'SHUTDOWN_GRACE_MS', 'EMBEDDED_PG_PORT',
];

export function readRssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export async function startServiceProcess(options: {
  cwd: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  /** Modules imported after tsx, before the service (paths relative to cwd). */
  preload?: string[];
  startTimeoutMs?: number;
  /** Called when the process exits, expected or not. */
  onExit?: (info: { code: number | null; signal: string | null }) => void;
}): Promise<ServiceProcess> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of SERVICE_KEYS) delete env[key];
  Object.assign(env, options.env);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', ...(options.preload ?? []).flatMap((p) => ['--import', p]), 'src/main.ts'], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const counts: Record<string, number> = {};
  const examples: Record<string, string> = {};
  const lastSeen: Record<string, string> = {};
  let exitInfo: { code: number | null; signal: string | null } | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      options.onExit?.(exitInfo);
      resolve();
    }),
  );
  const probeWaiters = new Set<(probe: MemoryProbe) => void>();
  const gcPauses: GcPause[] = [];
  const onLine = (line: string) => {
    if (!line.trim()) return;
    const pause = parseGcLine(line);
    if (pause) {
      gcPauses.push(pause);
      return;
    }
    if (line.startsWith('{"benchMemoryProbe"')) {
      const probe = (JSON.parse(line) as { benchMemoryProbe: MemoryProbe }).benchMemoryProbe;
      for (const waiter of probeWaiters) waiter(probe);
      probeWaiters.clear();
      return;
    }
    lines.push(line);
    if (lines.length > 200) lines.shift();
    if (line.startsWith('{')) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; time?: string; err?: { message?: string } };
        const msg = entry.msg ?? '?';
        if (msg === 'draining') examples.draining = line.slice(0, 300); // says which signal, at LOG_LEVEL=info
        if ((entry.level ?? 0) >= 40) counts[msg] = (counts[msg] ?? 0) + 1;
        if ((entry.level ?? 0) >= 40 && !(msg in examples)) examples[msg] = `${entry.time ?? ''} ${(entry.err?.message ?? line).slice(0, 300)}`;
        if ((entry.level ?? 0) >= 40) lastSeen[msg] = entry.time ?? '';
      } catch {
        /* not a log line */
      }
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      parts.forEach(onLine);
    });
  }

  const recent = () => lines.slice(-15).map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l)).join('\n');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start within ${options.startTimeoutMs ?? 120_000} ms:\n${recent()}`)), options.startTimeoutMs ?? 120_000);
    const check = setInterval(() => {
      const found = lines.map((l) => /CartRescue listening on (http:\/\/\S+)/.exec(l)?.[1]).find(Boolean);
      if (found) {
        clearTimeout(timer);
        clearInterval(check);
        resolve(found);
      } else if (exitInfo) {
        clearTimeout(timer);
        clearInterval(check);
        reject(new Error(`service exited during start (${JSON.stringify(exitInfo)}):\n${recent()}`));
      }
    }, 50);
  });

  const pid = child.pid as number;
  return {
    pid,
    url,
    rssMb: () => (exitInfo ? null : readRssMb(pid)),
    logCounts: () => ({ ...counts }),
    logExamples: () => Object.fromEntries(Object.entries(examples).map(([msg, text]) => [msg, `${text} (last ${lastSeen[msg] ?? '-'})`])),
    tail: recent,
    exited: () => exitInfo !== null,
    gcPauses: () => gcPauses,
    probeMemory() {
      if (exitInfo) return Promise.resolve(null);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          probeWaiters.delete(done);
          resolve(null);
        }, 60_000);
        const done = (probe: MemoryProbe) => {
          clearTimeout(timer);
          resolve(probe);
        };
        probeWaiters.add(done);
        child.kill('SIGUSR2');
      });
    },
    async stop(timeoutMs = 30_000) {
      if (exitInfo) return { ...(exitInfo as { code: number | null; signal: string | null }), forced: false };
      child.kill('SIGTERM');
      let forced = false;
      const timer = setTimeout(() => {
        forced = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      await exited;
      clearTimeout(timer);
      const info = exitInfo as unknown as { code: number | null; signal: string | null };
      return { ...info, forced };
    },
  };
}
