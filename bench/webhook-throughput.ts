/**
 * Webhook throughput benchmark (not a test): pushes signed Shopify checkouts
 * through the real service, started as a child process, in Redis mode and in
 * embedded mode, and reports webhook answer times, end-to-end conversations
 * per second (webhook sent -> the fake Twilio received that shopper's opt-in
 * request) and the service's resident memory.
 *
 *   npm run bench -- --mode redis|embedded|both --count 10000 --rate 200
 *
 * Warm-up: `--warmup` checkouts (default 1000) at `--rate`/s, not counted:
 * JIT, pools, prepared statements and caches fill in the first seconds; then
 * the service's database (embedded too) is analysed, as autovacuum would have
 * done for any database in service, so prepared plans are made for tables
 * with rows.
 * Phase 1 (latency): `--count` checkouts open loop at `--rate`/s.
 * Phase 2 (end-to-end throughput): `--e2e-count` more checkouts (default
 * `--count`) pushed as fast as the service takes them (`--concurrency` in
 * flight); the provider-side rate over the steady part is the headline.
 * Other flags: --sms-per-second (SMS_MAX_PER_SECOND for the child, default
 * 1000), --cpu-prof, --heap-snapshot (heap snapshots of the service before
 * phase 1 and after the settle), --settle <s> (default 10),
 * --stall <s> (default 60), --log-level (default warn), --redis-db N (force
 * that Redis DB index and flush it; by default the first empty one from 7 up),
 * --workers N (Redis mode: one ROLE=web process and N ROLE=worker processes
 * instead of one process doing both; default 0), --pg-socket DIR (Redis mode:
 * reach PostgreSQL through its Unix socket in DIR rather than TCP),
 * --worker-nice N (with --workers: run the workers at that nice level, so
 * webhook answers come first when the machine is saturated), --redis-socket
 * (Redis mode: a Redis of the bench's own, reached through its Unix socket
 * like PostgreSQL with --pg-socket, instead of the machine's over TCP),
 * --node-flags "<flags>" (Node/V8 flags for every service process, to try a
 * runtime setting, e.g. "--max-semi-space-size=32").
 *
 * The service's garbage-collection pauses during phase 1 are reported per
 * process, with how many slow answers overlapped one; so are the answers the
 * service itself measured over 50 ms, and the bench's own event-loop stalls.
 * BENCH_DUMP_SLOW=1 logs each slow answer and the texts per 100 ms.
 */
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, setPriority, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FLOW_TEMPLATES } from '../src/templates/system-messages.js';
import { startFakeTwilio } from '../test/support/fake-twilio.js';
import { distinctRecipients, prepareCheckouts, type PreparedCheckout } from './lib/checkouts.js';
import { summariseProfile, type ProfileSummary } from './lib/cpu-profile.js';
import { cpuMeter, type CpuShares } from './lib/cpu-usage.js';
import { endToEnd, providerWatch, type EndToEnd, type Watch } from './lib/end-to-end.js';
import { recordLoopStalls, summariseStalls, type StallSummary } from './lib/loop-stalls.js';
import { answersOver, serverAnswers } from './lib/server-answers.js';
import { slowAnswersDuringGc, summariseGc, type GcSummary, type SlowAnswers } from './lib/gc-pauses.js';
import { prepareMode, type Mode } from './lib/environments.js';
import { closedLoop, createClient, openLoop, summarise, type LatencySummary, type LoadProgress } from './lib/http-load.js';
import { groupOf, serviceGroup } from './lib/service-group.js';
import { startServiceProcess, type MemoryProbe, type ServiceProcess } from './lib/service-process.js';

async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

/** The same database, reached through PostgreSQL's Unix socket in `dir` (pg and Sequelize read `?host=`). */
function viaSocket(url: string, dir: string): string {
  const parsed = new URL(url);
  return `postgres://${parsed.username}@localhost${parsed.pathname}?host=${encodeURIComponent(dir)}`;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ACCOUNT_SID = 'AC' + 'b3e1c0d4e5f60718293a4b5c6d7e8f90';
const AUTH_TOKEN = 'bench-auth-token-' + 'c4d5e6f7a8b9';
const WEBHOOK_SECRET = 'shopify-client-secret-for-the-bench';
const ABANDON_AFTER_S = 1;
/** Seconds of the warm-up run after the full-GC memory probe, right before phase 1. */
const REWARM_S = 2;
const TARGETS = { p99Ms: 50, rate: 200, redisConversationsPerS: 300, rssGrowthMb: 50 };

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] && !process.argv[i + 1]?.startsWith('--') ? (process.argv[i + 1] as string) : fallback;
}
const args = {
  mode: flag('mode', 'both'),
  count: Number(flag('count', '10000')),
  rate: Number(flag('rate', '200')),
  e2eCount: Number(flag('e2e-count', flag('count', '10000'))),
  concurrency: Number(flag('concurrency', '64')),
  smsPerSecond: Number(flag('sms-per-second', '1000')),
  cpuProf: process.argv.includes('--cpu-prof'),
  heapSnapshot: process.argv.includes('--heap-snapshot'),
  settleS: Number(flag('settle', '10')),
  stallS: Number(flag('stall', '60')),
  logLevel: flag('log-level', 'warn'),
  redisDb: process.argv.includes('--redis-db') ? Number(flag('redis-db', 'NaN')) : null,
  workers: Number(flag('workers', '0')),
  warmup: Number(flag('warmup', '1000')),
  workerNice: Number(flag('worker-nice', '0')),
  pgSocket: flag('pg-socket', ''),
  redisSocket: process.argv.includes('--redis-socket'),
  // Its value starts with `--` itself, so it is read here rather than by `flag`.
  nodeFlags: process.argv.includes('--node-flags') ? (process.argv[process.argv.indexOf('--node-flags') + 1] ?? '').split(' ').filter(Boolean) : [],
};
if (process.argv.includes('--help') || !['redis', 'embedded', 'both'].includes(args.mode) || !(args.count > 0) || !(args.rate > 0) || !(args.e2eCount >= 0) || !(args.workers >= 0)) {
  process.stderr.write('usage: webhook-throughput.ts [--mode redis|embedded|both] [--count N] [--rate R] [--e2e-count N] [--concurrency C] [--workers N] [--pg-socket DIR] [--redis-socket]\n');
  process.exit(2);
}
const modes: Mode[] = args.mode === 'both' ? ['redis', 'embedded'] : [args.mode as Mode];
/** Undo work for whatever is running, so an interrupted bench leaves no service, database or queue behind. */
const cleanups = new Set<() => Promise<void>>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the service and cleaning up`);
    const timeout = new Promise((resolve) => setTimeout(resolve, 40_000).unref());
    void Promise.race([Promise.allSettled([...cleanups].map((cleanup) => cleanup())), timeout]).then(() => process.exit(130));
  });
}
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const r1 = (n: number) => Math.round(n * 10) / 10;

/** CPU cores used while the webhooks were being sent, and over the whole phase (until the provider got everything). */
type PhaseResult = LatencySummary & {
  endToEnd: EndToEnd;
  cpu: { webhooks: CpuShares; wholePhase: CpuShares };
  /** GC pauses while the webhooks were being sent; workers null when one process does everything. */
  gc: { web: GcSummary; workers: GcSummary | null; slowAnswers: SlowAnswers };
  /** The same answers as the service measured them (its histogram): how many took over 50 ms there. */
  serverSide: { answers: number; over: number } | null;
  /** The bench's own event-loop stalls over 20 ms while sending, and the slow answers that overlapped one. */
  benchStalls: StallSummary;
};

interface ModeResult {
  mode: Mode;
  setup: string;
  /** The commit (and uncommitted files) when this mode's service started. */
  code?: { commit: string; dirty: string[] };
  phase1?: PhaseResult;
  phase2?: PhaseResult;
  /** VmRSS from /proc, as it is: garbage not yet collected included. */
  rssMb: { afterStart: number | null; beforePhase1: number | null; afterPhase1: number | null; peak: number | null; afterSettle: number | null; growth: number | null };
  /** The service's memory right after a full GC (bench/lib/service-preload.ts), before phase 1 and after the settle. */
  afterGc: { beforePhase1: MemoryProbe | null; afterSettle: MemoryProbe | null };
  providerRefused: number;
  serviceWarnings: Record<string, number>;
  serviceWarningExamples?: Record<string, string>;
  serviceStop?: { code: number | null; signal: string | null; forced: boolean };
  profile?: ProfileSummary;
  /** The uncounted warm-up before phase 1. */
  warmup?: { count: number; p50Ms: number; p99Ms: number };
  error?: string;
}

async function createMerchant(url: string, adminToken: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/merchants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Bench Shop',
      platform: 'shopify',
      shopDomain: 'example-shop.myshopify.com',
      webhookSecret: WEBHOOK_SECRET,
      timezone: 'America/New_York',
      senderNumber: '+14155550100',
      supportContact: 'help@bench-shop.test',
      flow: { abandonAfterSeconds: ABANDON_AFTER_S, optInTimeoutSeconds: 86400, steps: [{ afterSeconds: 0, template: DEFAULT_FLOW_TEMPLATES[0] }] },
    }),
  });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) throw new Error(`merchant not created: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}

async function runPhase(
  label: string,
  service: ServiceProcess,
  watch: Watch,
  checkouts: PreparedCheckout[],
  load: (send: (i: number) => Promise<number>, progress: LoadProgress) => Promise<import('./lib/http-load.js').Sample[]>,
  merchantId: string,
  rss: { peak: number | null },
  meter: ReturnType<typeof cpuMeter>,
): Promise<PhaseResult> {
  const client = createClient(service.url);
  const sentAt = new Map<string, number>();
  const path = `/webhooks/shopify/${merchantId}`;
  const send = (i: number) => {
    const c = checkouts[i] as PreparedCheckout;
    const now = Date.now();
    sentAt.set(c.phone, now);
    return client.post(path, { ...c.headers, 'x-shopify-triggered-at': new Date(now).toISOString() }, c.body);
  };
  const progress: LoadProgress = { started: 0, done: 0, ok: 0, failed: 0, inFlight: 0 };
  const phones = new Set(checkouts.map((c) => c.phone));
  const received = () => [...watch.firstAt.keys()].filter((p) => phones.has(p)).length;
  const t0 = Date.now();
  const report = (what: string) => {
    watch.poll();
    const rssNow = service.rssMb();
    if (rssNow !== null) rss.peak = Math.max(rss.peak ?? 0, rssNow);
    log(`[${label}] ${what} t=${Math.round((Date.now() - t0) / 1000)}s sent=${progress.started} ok=${progress.ok} failed=${progress.failed} inflight=${progress.inFlight} opt-ins=${received()}/${checkouts.length} rss=${rssNow?.toFixed(0) ?? '-'}MB`);
  };
  const ticker = setInterval(() => report('webhooks'), 1000);
  meter.reset();
  const serverBefore = await serverAnswers(service.url);
  const stallRecorder = recordLoopStalls();
  const loadStart = Date.now();
  const samples = await load(send, progress).finally(() => clearInterval(ticker));
  const loadEnd = Date.now();
  const benchStalls = summariseStalls(samples, stallRecorder.stop(), TARGETS.p99Ms);
  const serverSide = answersOver(serverBefore, await serverAnswers(service.url), TARGETS.p99Ms / 1000);
  const cpuWebhooks = meter.read();
  const group = groupOf(service);
  const webPauses = (group?.web ?? service).gcPauses();
  const gc = {
    web: summariseGc(webPauses, loadStart, loadEnd),
    workers: group ? summariseGc(group.workers.flatMap((w) => w.gcPauses()), loadStart, loadEnd) : null,
    slowAnswers: slowAnswersDuringGc(samples, webPauses, performance.timeOrigin, TARGETS.p99Ms),
  };
  client.close();
  const summary = summarise(samples);
  if (process.env.BENCH_DUMP_SLOW) {
    const first = samples[0]?.scheduledAt ?? 0;
    const slow = samples.filter((x) => x.endedAt - x.startedAt > TARGETS.p99Ms).map((x) => `${((x.startedAt - first) / 1000).toFixed(2)}s:${Math.round(x.endedAt - x.startedAt)}`);
    log(`[${label}] slow answers (start:ms, from ${new Date(performance.timeOrigin + first).toISOString()}): ${slow.join(' ')}`);
    // Texts reaching the provider per 100 ms over the phase's first seconds, against the webhooks sent.
    const firstSent = Math.min(...sentAt.values());
    const texts = new Array<number>(60).fill(0);
    for (const phone of phones) {
      const at = watch.firstAt.get(phone);
      const slot = at === undefined ? -1 : Math.floor((at - firstSent) / 100);
      if (slot >= 0 && slot < texts.length) texts[slot] = (texts[slot] ?? 0) + 1;
    }
    log(`[${label}] texts per 100 ms from the first webhook: ${texts.join(' ')}`);
  }
  log(`[${label}] webhooks done: ${summary.ok} ok, ${summary.non2xx} non-2xx, p99 ${summary.ms.p99} ms; waiting for the provider`);
  // Wait until every accepted checkout has reached the provider, or nothing moved for --stall seconds.
  let last = received();
  let lastMove = Date.now();
  while (received() < summary.ok && Date.now() - lastMove < args.stallS * 1000 && !service.exited()) {
    await sleep(1000);
    watch.poll();
    report('provider');
    const now = received();
    if (now !== last) [last, lastMove] = [now, Date.now()];
  }
  return { ...summary, endToEnd: endToEnd(checkouts, sentAt, watch, ABANDON_AFTER_S), cpu: { webhooks: cpuWebhooks, wholePhase: meter.read() }, gc, serverSide, benchStalls };
}

async function runMode(mode: Mode, batches: { warmup: PreparedCheckout[]; latency: PreparedCheckout[]; throughput: PreparedCheckout[] }): Promise<ModeResult> {
  const environment = await prepareMode(mode, log, { redisDb: args.redisDb, redisSocket: args.redisSocket });
  const result: ModeResult = {
    mode,
    setup: environment.describe,
    rssMb: { afterStart: null, beforePhase1: null, afterPhase1: null, peak: null, afterSettle: null, growth: null },
    afterGc: { beforePhase1: null, afterSettle: null },
    providerRefused: 0,
    serviceWarnings: {},
  };
  const twilio = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  const diagDir = join(ROOT, 'bench', 'results', `diag-${mode}-${Date.now()}`);
  let service: ServiceProcess | null = null;
  let meter: ReturnType<typeof cpuMeter> | null = null;
  let stopping = false;
  const interrupted = async () => {
    stopping = true;
    await service?.stop(20_000);
    await twilio.close();
    await environment.cleanup();
  };
  cleanups.add(interrupted);
  try {
    result.code = codeVersion();
    log(`[${mode}] starting the service (code ${result.code.commit}${result.code.dirty.length > 0 ? '+uncommitted' : ''}): ${environment.describe}`);
    const split = mode === 'redis' && args.workers > 0;
    const databaseUrl = environment.env.DATABASE_URL;
    const start = (role: 'all' | 'web' | 'worker') =>
      startServiceProcess({
      cwd: ROOT,
      nodeArgs: ['--expose-gc', ...args.nodeFlags, ...(args.cpuProf ? ['--cpu-prof', '--cpu-prof-dir', diagDir] : [])],
      preload: ['./bench/lib/service-preload.ts'],
      onExit: (info) => {
        if (!stopping) log(`[${mode}] the service (${role}) exited on its own during the run: ${JSON.stringify(info)}`);
      },
      env: {
        ...environment.env,
        ...(databaseUrl && args.pgSocket && mode === 'redis' ? { DATABASE_URL: viaSocket(databaseUrl, args.pgSocket) } : {}),
        ROLE: role,
        PORT: '0',
        HOST: '127.0.0.1',
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_API_BASE_URL: twilio.url,
        PUBLIC_BASE_URL: 'https://cartrescue-bench.example.test',
        LOG_LEVEL: args.logLevel,
        SMS_MAX_PER_SECOND: String(args.smsPerSecond),
        BENCH_PARENT_PID: String(process.pid),
        ...(args.heapSnapshot ? { BENCH_HEAP_SNAPSHOT_DIR: diagDir } : {}),
      },
    });
    if (split) {
      const web = await start('web');
      const workers: ServiceProcess[] = [];
      for (let i = 0; i < args.workers; i++) {
        const worker = await start('worker');
        if (args.workerNice) setPriority(worker.pid, args.workerNice);
        workers.push(worker);
      }
      service = serviceGroup(web, workers);
    } else {
      service = await start('all');
    }
    result.rssMb.afterStart = service.rssMb();
    const merchantId = await createMerchant(service.url, environment.adminToken);
    const watch = providerWatch(twilio);
    meter = cpuMeter(groupOf(service)?.pids ?? [service.pid], environment.databaseName);
    if (args.heapSnapshot) mkdirSync(diagDir, { recursive: true });
    // The last seconds of the warm-up come after the full-GC memory probe, so that phase 1 does not meet
    // what a forced full GC leaves behind: a shrunk young generation and heap pages to fault in again.
    const rewarm = batches.warmup.length > 0 ? Math.min(Math.floor(batches.warmup.length / 2), args.rate * REWARM_S) : 0;
    const [firstWarmup, lastWarmup] = [batches.warmup.slice(0, batches.warmup.length - rewarm), batches.warmup.slice(batches.warmup.length - rewarm)];
    if (firstWarmup.length > 0) {
      // JIT, connection pools, prepared statements and caches fill during the first seconds; the phases measure the steady state.
      log(`[${mode}] warm-up: ${batches.warmup.length} checkouts at ${args.rate}/s (not counted)`);
      const warm = await runPhase(`${mode} warm-up`, service, watch, firstWarmup, (send, p) => openLoop(firstWarmup.length, args.rate, send, p), merchantId, { peak: null }, meter);
      result.warmup = { count: warm.ok, p50Ms: warm.ms.p50, p99Ms: warm.ms.p99 };
      // A database in service is never a minute old: statistics as autovacuum would have them, so the
      // plans the service prepares from here on are made for tables with rows, not for empty ones.
      // The embedded database too: the phases come within its first minute, before autovacuum's first visit.
      await analyze(environment.databaseUrl);
      await sleep(3000);
    }
    // As is first, then after a full GC, in the same order as after the settle: both figures compare like with like.
    result.rssMb.beforePhase1 = service.rssMb();
    result.afterGc.beforePhase1 = await service.probeMemory();
    if (lastWarmup.length > 0) {
      const warm = await runPhase(`${mode} warm-up, last part`, service, watch, lastWarmup, (send, p) => openLoop(lastWarmup.length, args.rate, send, p), merchantId, { peak: null }, meter);
      if (result.warmup) result.warmup.count += warm.ok;
    }
    log(`[${mode}] service pid ${service.pid} at ${service.url}, rss ${result.rssMb.beforePhase1?.toFixed(1)} MB; phase 1: ${batches.latency.length} checkouts at ${args.rate}/s`);
    result.phase1 = await runPhase(`${mode} p1`, service, watch, batches.latency, (send, p) => openLoop(batches.latency.length, args.rate, send, p), merchantId, result.rssMb, meter);
    result.rssMb.afterPhase1 = service.rssMb();
    if (batches.throughput.length > 0 && !service.exited()) {
      log(`[${mode}] phase 2: ${batches.throughput.length} checkouts, ${args.concurrency} in flight`);
      result.phase2 = await runPhase(`${mode} p2`, service, watch, batches.throughput, (send, p) => closedLoop(batches.throughput.length, args.concurrency, send, p), merchantId, result.rssMb, meter);
    }
    log(`[${mode}] settling ${args.settleS}s`);
    await sleep(args.settleS * 1000);
    result.rssMb.afterSettle = service.rssMb();
    result.afterGc.afterSettle = await service.probeMemory();
    if (result.rssMb.afterSettle !== null && result.rssMb.beforePhase1 !== null) {
      result.rssMb.growth = r1(result.rssMb.afterSettle - result.rssMb.beforePhase1);
    }
    watch.poll();
    result.providerRefused = watch.refused;
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`[${mode}] FAILED: ${result.error}${service ? `\n--- service output ---\n${service.tail()}` : ''}`);
  } finally {
    meter?.stop();
    cleanups.delete(interrupted);
    if (service) {
      stopping = true;
      const unexpected = service.exited();
      const stopped = await service.stop();
      if (unexpected) result.error ??= `the service exited during the run (${JSON.stringify(stopped)}); last output:\n${service.tail()}`;
      result.serviceWarnings = service.logCounts();
      result.serviceWarningExamples = service.logExamples();
      result.serviceStop = stopped;
      if (stopped.forced || stopped.code !== 0) log(`[${mode}] service stop on SIGTERM: ${JSON.stringify(stopped)} (expected a clean exit 0)`);
    }
    await twilio.close();
    await environment.cleanup().catch((error: unknown) => log(`[${mode}] cleanup failed: ${String(error)}`));
  }
  if (args.cpuProf) {
    const file = readdirSync(diagDir, { withFileTypes: true }).find((f) => f.name.endsWith('.cpuprofile'));
    if (file) result.profile = summariseProfile(join(diagDir, file.name));
  }
  for (const key of Object.keys(result.rssMb) as Array<keyof ModeResult['rssMb']>) {
    const value = result.rssMb[key];
    if (typeof value === 'number') result.rssMb[key] = r1(value);
  }
  return result;
}

const gcCell = (g: GcSummary | null | undefined) =>
  g ? `${g.major.count} / ${g.major.totalMs} / ${g.major.maxMs}; ${g.minor.count} / ${g.minor.totalMs} / ${g.minor.maxMs}` : undefined;

const cpuCell = (c: CpuShares | undefined) => c && [c.service, c.postgres, c.redis, c.bench, c.others].map((n) => n.toFixed(2)).join('/');

function printTable(results: ModeResult[]): void {
  const rows: Array<[string, ...string[]]> = [['metric', ...results.map((r) => r.mode), 'target']];
  const cell = (f: (r: ModeResult) => string | number | undefined) => results.map((r) => (r.error && !r.phase1 ? 'error' : String(f(r) ?? '-')));
  const p1 = (r: ModeResult) => r.phase1;
  const p2 = (r: ModeResult) => r.phase2;
  rows.push(
    ['warm-up (not counted): checkouts, answer ms p50 / p99', ...cell((r) => r.warmup && `${r.warmup.count}, ${r.warmup.p50Ms} / ${r.warmup.p99Ms}`), ''],
    [`P1 webhooks accepted/s (open loop ${args.rate}/s)`, ...cell((r) => p1(r)?.acceptedPerS), ''],
    ['P1 answer ms p50 / p95 / p99 / max', ...cell((r) => p1(r) && `${p1(r)?.ms.p50} / ${p1(r)?.ms.p95} / ${p1(r)?.ms.p99} / ${p1(r)?.ms.max}`), `p99 < ${TARGETS.p99Ms}`],
    ['P1 p99 from schedule ms', ...cell((r) => p1(r)?.fromScheduleMs.p99), ''],
    ['P1 non-2xx', ...cell((r) => p1(r)?.non2xx), '0'],
    ['P1 CPU cores service/pg/redis/bench/others', ...cell((r) => p1(r) && cpuCell(p1(r)?.cpu.wholePhase)), ''],
    ['P1 web GC pauses, full-GC n / total / max ms; young n / total / max ms', ...cell((r) => gcCell(p1(r)?.gc.web)), ''],
    ['P1 worker GC pauses, full-GC n / total / max ms; young n / total / max ms', ...cell((r) => gcCell(p1(r)?.gc.workers)), ''],
    [`P1 answers over ${TARGETS.p99Ms} ms / during a full-GC pause of web / during a young one only`, ...cell((r) => p1(r) && `${p1(r)?.gc.slowAnswers.slow} / ${p1(r)?.gc.slowAnswers.duringFullGc} / ${p1(r)?.gc.slowAnswers.duringYoungGcOnly}`), ''],
    [`P1 answers over ${TARGETS.p99Ms} ms as the service measured them / answers`, ...cell((r) => (p1(r)?.serverSide ? `${p1(r)?.serverSide?.over} / ${p1(r)?.serverSide?.answers}` : undefined)), ''],
    ['P1 bench event-loop stalls over 20 ms: n / total / max ms; slow answers during one', ...cell((r) => { const b = p1(r)?.benchStalls; return b ? `${b.count} / ${b.totalMs} / ${b.maxMs}; ${b.slowDuringStall} of ${b.slowAnswers}` : undefined; }), ''],
    ['P1 e2e conv/s steady / overall', ...cell((r) => p1(r) && `${p1(r)?.endToEnd.steadyPerS} / ${p1(r)?.endToEnd.overallPerS}`), ''],
    ['P1 e2e ms p50 / p99 (incl. 1 s abandon)', ...cell((r) => p1(r) && `${p1(r)?.endToEnd.latencyMs.p50} / ${p1(r)?.endToEnd.latencyMs.p99}`), ''],
    [`P2 webhooks accepted/s (${args.concurrency} in flight)`, ...cell((r) => p2(r)?.acceptedPerS), ''],
    ['P2 answer ms p50 / p99', ...cell((r) => p2(r) && `${p2(r)?.ms.p50} / ${p2(r)?.ms.p99}`), ''],
    ['P2 e2e conv/s steady / overall', ...cell((r) => p2(r) && `${p2(r)?.endToEnd.steadyPerS} / ${p2(r)?.endToEnd.overallPerS}`), `overall >= ${TARGETS.redisConversationsPerS} (redis)`],
    ['P2 CPU cores service/pg/redis/bench/others', ...cell((r) => p2(r) && cpuCell(p2(r)?.cpu.wholePhase)), ''],
    ['P2 provider peak texts in 1 s', ...cell((r) => p2(r)?.endToEnd.peakSecond), ''],
    ['conversations completed / missing', ...cell((r) => `${(p1(r)?.endToEnd.conversations ?? 0) + (p2(r)?.endToEnd.conversations ?? 0)} / ${(p1(r)?.endToEnd.missing ?? 0) + (p2(r)?.endToEnd.missing ?? 0)}`), ''],
    ['RSS MB before P1 / peak / after settle', ...cell((r) => `${r.rssMb.beforePhase1} / ${r.rssMb.peak} / ${r.rssMb.afterSettle}`), ''],
    ['RSS growth MB', ...cell((r) => r.rssMb.growth ?? undefined), `< ${TARGETS.rssGrowthMb}`],
    ['after full GC: RSS MB before P1 / after', ...cell((r) => `${r.afterGc.beforePhase1?.rssMb ?? '-'} / ${r.afterGc.afterSettle?.rssMb ?? '-'}`), ''],
    ['after full GC: V8 heap used MB before P1 / after', ...cell((r) => `${r.afterGc.beforePhase1?.heapUsedMb ?? '-'} / ${r.afterGc.afterSettle?.heapUsedMb ?? '-'}`), ''],
  );
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  for (const row of rows) process.stdout.write(row.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ') + '\n');
}

function verdicts(results: ModeResult[]) {
  const out: Record<string, { value: number | null; target: string; pass: boolean }> = {};
  for (const r of results) {
    const p99 = r.phase1?.ms.p99 ?? null;
    out[`${r.mode}.webhookP99Ms@${args.rate}/s`] = { value: p99, target: `< ${TARGETS.p99Ms} ms`, pass: p99 !== null && p99 < TARGETS.p99Ms && r.phase1?.non2xx === 0 };
    if (r.mode === 'redis') {
      // Overall, not steady: where texts wait for a burst of webhooks to pass, the middle of the arrivals is the catch-up alone.
      const rate = r.phase2?.endToEnd.overallPerS ?? null;
      out['redis.conversationsPerS'] = { value: rate, target: `>= ${TARGETS.redisConversationsPerS}/s`, pass: rate !== null && rate >= TARGETS.redisConversationsPerS };
    }
    out[`${r.mode}.rssGrowthMb`] = { value: r.rssMb.growth, target: `< ${TARGETS.rssGrowthMb} MB`, pass: r.rssMb.growth !== null && r.rssMb.growth < TARGETS.rssGrowthMb };
    const [before, after] = [r.afterGc.beforePhase1?.rssMb, r.afterGc.afterSettle?.rssMb];
    const gcGrowth = before !== undefined && after !== undefined ? r1(after - before) : null;
    out[`${r.mode}.rssGrowthAfterFullGcMb`] = { value: gcGrowth, target: `< ${TARGETS.rssGrowthMb} MB`, pass: gcGrowth !== null && gcGrowth < TARGETS.rssGrowthMb };
  }
  return out;
}

/** The code under test: other people edit the tree while benches run, so say exactly what ran. */
function codeVersion(): { commit: string; dirty: string[] } {
  try {
    const git = (...a: string[]) => execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), dirty: git('status', '--porcelain', '--', 'src', 'migrations').split('\n').filter(Boolean) };
  } catch {
    return { commit: 'unknown', dirty: [] };
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const code = codeVersion();
  log(`code under test: ${code.commit}${code.dirty.length > 0 ? ` with uncommitted changes in ${code.dirty.length} file(s) of src/ or migrations/` : ''}`);
  // Distinct shoppers, reachable for the next 90 minutes; the same numbers serve every mode (each has its own database).
  const { base, recipients } = distinctRecipients(args.warmup + args.count + args.e2eCount, 10_000, 90);
  log(`preparing ${recipients.length} signed checkouts for shoppers like ${base.phone} (${base.zones.join(', ')})`);
  const all = prepareCheckouts(recipients, WEBHOOK_SECRET);
  const batches = { warmup: all.slice(0, args.warmup), latency: all.slice(args.warmup, args.warmup + args.count), throughput: all.slice(args.warmup + args.count) };
  const results: ModeResult[] = [];
  for (const mode of modes) results.push(await runMode(mode, batches));

  const codeAfter = codeVersion();
  const changed = codeAfter.commit !== code.commit || codeAfter.dirty.join() !== code.dirty.join();
  // Embedded mode always runs one process; the shape flags apply to Redis mode alone.
  const redisShape = `${args.workers > 0 ? `web + ${args.workers} worker process(es)` : 'one process'}${args.pgSocket ? ', PostgreSQL over its Unix socket' : ''}${args.redisSocket ? ', Redis over its Unix socket' : ''}`;
  const shape = modes.map((mode) => (mode === 'redis' ? `Redis mode: ${redisShape}` : 'embedded mode: one process')).join('; ');
  process.stdout.write(`\nCartRescue webhook benchmark, ${startedAt.toISOString()}, code ${code.commit}${code.dirty.length > 0 ? '+uncommitted' : ''}${changed ? ` (CHANGED during the run, now ${codeAfter.commit})` : ''}, ${cpus().length} CPU(s), node ${process.version}, SMS_MAX_PER_SECOND=${args.smsPerSecond}, ${shape}\n`);
  printTable(results);
  const checks = verdicts(results);
  for (const [name, v] of Object.entries(checks)) process.stdout.write(`${v.pass ? 'PASS' : 'FAIL'}  ${name} = ${v.value ?? '-'} (target ${v.target})\n`);
  for (const r of results) {
    if (r.error) process.stdout.write(`ERROR ${r.mode}: ${r.error.split('\n')[0]}\n`);
    if (Object.keys(r.serviceWarnings).length > 0) process.stdout.write(`${r.mode} service warnings/errors: ${JSON.stringify(r.serviceWarnings)} e.g. ${JSON.stringify(r.serviceWarningExamples)}\n`);
    if (r.serviceStop && (r.serviceStop.code !== 0 || r.serviceStop.forced)) process.stdout.write(`${r.mode}: service did not exit cleanly on SIGTERM: ${JSON.stringify(r.serviceStop)}\n`);
    if (r.providerRefused > 0) process.stdout.write(`${r.mode}: the fake provider refused ${r.providerRefused} request(s)\n`);
    if (r.afterGc.afterSettle?.snapshot) process.stdout.write(`${r.mode} heap snapshots: ${r.afterGc.beforePhase1?.snapshot} ${r.afterGc.afterSettle.snapshot}\n`);
    if (r.profile) {
      process.stdout.write(`${r.mode} CPU profile (${r.profile.wallS}s, main thread busy ${r.profile.busyPct}%): ${r.profile.byPackage.slice(0, 10).map((g) => `${g.name} ${g.pct}%`).join(', ')}\n`);
    }
  }
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version };
  writeFileSync(file, JSON.stringify({ startedAt, code, codeAfter, args, machine, targets: TARGETS, recipientBase: base, checks, results }, null, 2));
  process.stdout.write(`results: ${file}\n`);
  process.exitCode = results.some((r) => r.error) ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
