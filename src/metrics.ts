import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per service instance, so tests that start several do not collide. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let backgroundPace: (() => number | null) | null = null;
  return {
    registry,
    /** Where the pacing of background work is read from at each scrape (see `background-pacer.ts`). */
    reportBackgroundPace(source: () => number | null) {
      backgroundPace = source;
    },
    backgroundPace: new Gauge({
      name: 'cartrescue_background_starts_per_second',
      help: 'Batches of background work allowed to start per second while webhooks are being answered (+Inf: not paced)',
      registers: [registry],
      collect() {
        this.set(backgroundPace?.() ?? Infinity);
      },
    }),
    webhooksReceived: new Counter({
      name: 'cartrescue_webhooks_received_total',
      help: 'Webhooks accepted, by platform and topic',
      labelNames: ['platform', 'topic'] as const,
      registers: [registry],
    }),
    webhooksRefused: new Counter({
      name: 'cartrescue_webhooks_refused_total',
      help: 'Webhooks refused or ignored, by platform and reason',
      labelNames: ['platform', 'reason'] as const,
      registers: [registry],
    }),
    messages: new Counter({
      name: 'cartrescue_messages_total',
      help: 'Outgoing messages by outcome (sent, deferred, refused, failed, unknown, cancelled)',
      labelNames: ['outcome', 'kind'] as const,
      registers: [registry],
    }),
    queueLag: new Histogram({
      name: 'cartrescue_queue_lag_seconds',
      help: 'Delay between when a job was due and when a worker started it',
      labelNames: ['queue'] as const,
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
    timersOverdue: new Gauge({
      name: 'cartrescue_timers_overdue',
      help: 'Timers due for more than a minute and not yet fired (as of the last reconcile)',
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'cartrescue_http_request_duration_seconds',
      help: 'HTTP answer time by route and status',
      labelNames: ['route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
