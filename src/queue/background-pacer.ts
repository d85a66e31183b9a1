/**
 * Webhooks first: where one process both answers webhooks and runs the
 * workers (one machine, one database), background work is paced so that the
 * answers stay fast when the machine is full.
 *
 * A platform waits for our answer and gives up on us after a few seconds;
 * a text that goes out a few seconds later loses nothing. When webhooks
 * arrive faster than the machine can both answer them and work through the
 * texts they cause, every batch of background work competes with the answers
 * for the same CPUs and the same database, and the answers slow down by a
 * factor of ten (measured at 200/s on two cores: a median answer of 100 ms
 * and more, against 10 ms with the background paced, for as many texts sent).
 *
 * So each unit of background work (a batch of timers or sends, a reconcile
 * step) asks for a start. Starts are spread at a rate that follows the
 * answers, as a congestion window follows a network: each window of time in
 * which webhooks were answered slower than the target halves the rate; each
 * window within it raises the rate a little. The rate never drops below a
 * floor, so background work is slowed, never starved. With no webhooks
 * being answered there is no pacing at all; when they come again, pacing
 * resumes from a moderate rate and climbs fast while the answers stay fast.
 * Nor is there pacing once background work runs more than a minute late:
 * a burst is absorbed by texts going out a little later, but a load the
 * machine cannot carry for long must not leave the texts ever further behind.
 *
 * The target is a 95th percentile of 15 ms per window. With no background
 * work at all the answers' p99 is about 20 ms at 200/s on two cores; the
 * background is what the target holds back. At 30 ms the p99 settled near
 * 70 ms, at 20 ms near 55, at 15 ms near 42, while at 100/s the texts still
 * go out as fast as the checkouts come (bench/README.md). A first try at
 * 15 ms, when each text cost more work, left the texts behind at 100/s.
 *
 * Pure logic: time comes in as an argument, from a monotonic clock.
 */
export interface PacerSettings {
  /** Webhook answers slower than this, at the 95th percentile of a window, halve the rate. */
  targetMs: number;
  /** How long one window of answers is, over which the rate is judged. */
  windowMs: number;
  /** The lowest rate of starts per second: background work always moves. */
  minPerSecond: number;
  /** The highest rate: at this rate pacing no longer holds anything back. */
  maxPerSecond: number;
  /** The rate when the process starts. */
  initialPerSecond: number;
  /**
   * After a quiet spell, pacing resumes from the last rate, doubled for each
   * second of quiet, but no higher than this: the background had the machine
   * to itself, and a burst of webhooks would otherwise meet it at full speed.
   */
  resumeMaxPerSecond: number;
  /** Starts per second added after each window within the target (and the rate grows by a quarter when well within it). */
  increasePerWindow: number;
  /** Webhooks in flight beyond this count as slow at once, before their answers are known. */
  maxWebhooksInFlight: number;
  /** Pacing stops this long after the last webhook was answered. */
  quietMs: number;
  /**
   * How late background work may run for the answers' sake. Past it, pacing
   * stops until the lateness is back under half of it: under a sustained
   * load the machine cannot carry, texts would otherwise fall ever further
   * behind, while answers a little slower still reach the platform in time.
   */
  maxLagMs: number;
}

export const DEFAULT_PACER_SETTINGS: PacerSettings = {
  targetMs: 15,
  windowMs: 100,
  minPerSecond: 2,
  maxPerSecond: 400,
  initialPerSecond: 10,
  resumeMaxPerSecond: 20,
  increasePerWindow: 0.5,
  maxWebhooksInFlight: 8,
  quietMs: 1000,
  maxLagMs: 60_000,
};

export interface PacerState {
  /** Starts allowed per second now; null when nothing is paced (no webhooks lately, or the background too late). */
  perSecond: number | null;
  webhooksInFlight: number;
  /** The background runs later than `maxLagMs` (until back under half of it): not paced. */
  behind: boolean;
}

export interface BackgroundPacer {
  /** A webhook came in. */
  webhookStarted(now: number): void;
  /** A webhook was answered (or its connection closed) after `ms`. */
  webhookFinished(now: number, ms: number): void;
  /** A job of the background started `lagMs` after it was due. */
  backgroundLag(lagMs: number): void;
  /** 0: a unit of background work may start now, and is counted; otherwise how many ms to wait before asking again. */
  tryStart(now: number): number;
  state(now: number): PacerState;
}

export function createBackgroundPacer(settings: PacerSettings = DEFAULT_PACER_SETTINGS): BackgroundPacer {
  let rate = settings.initialPerSecond;
  let inFlight = 0;
  let answers: number[] = [];
  let windowStart: number | null = null;
  /** When the last webhook came or was answered; null before the first. */
  let lastWebhookAt: number | null = null;
  let credit = 1;
  let creditAt = 0;
  let behind = false;

  const webhooksComing = (now: number) => inFlight > 0 || (lastWebhookAt !== null && now - lastWebhookAt < settings.quietMs);
  const pacing = (now: number) => !behind && webhooksComing(now);

  function judge(window: number[]): void {
    const sorted = [...window].sort((a, b) => a - b);
    const p95 = sorted.length > 0 ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! : 0;
    if (p95 > settings.targetMs || inFlight > settings.maxWebhooksInFlight) rate = Math.max(settings.minPerSecond, rate / 2);
    else if (p95 <= settings.targetMs / 2) rate = Math.min(settings.maxPerSecond, rate * 1.25 + settings.increasePerWindow);
    else rate = Math.min(settings.maxPerSecond, rate + settings.increasePerWindow);
  }

  /** Judges the window that has ended by `now`, if any; the windows after it had no answers and change nothing. */
  function advance(now: number): void {
    if (windowStart === null) {
      windowStart = now;
      return;
    }
    const ended = Math.floor((now - windowStart) / settings.windowMs);
    if (ended <= 0) return;
    if (answers.length > 0 || inFlight > 0) judge(answers);
    answers = [];
    windowStart += ended * settings.windowMs;
  }

  function webhookSeen(now: number): void {
    if (!webhooksComing(now)) {
      // After a quiet spell: the last rate, recovering for each second the background had the machine.
      if (lastWebhookAt !== null) {
        const quietSeconds = Math.max(0, now - lastWebhookAt - settings.quietMs) / 1000;
        rate = Math.min(settings.resumeMaxPerSecond, rate * 2 ** quietSeconds);
      }
      credit = 1;
      creditAt = now;
      answers = [];
      windowStart = now;
    }
    lastWebhookAt = now;
  }

  return {
    webhookStarted(now) {
      advance(now);
      webhookSeen(now);
      inFlight += 1;
    },
    backgroundLag(lagMs) {
      if (lagMs > settings.maxLagMs) behind = true;
      else if (lagMs < settings.maxLagMs / 2) behind = false;
    },
    webhookFinished(now, ms) {
      advance(now);
      inFlight = Math.max(0, inFlight - 1);
      answers.push(ms);
      lastWebhookAt = now;
    },
    tryStart(now) {
      advance(now);
      if (!pacing(now)) return 0;
      credit = Math.min(1, credit + ((now - creditAt) / 1000) * rate);
      creditAt = now;
      if (credit >= 1) {
        credit -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil(((1 - credit) / rate) * 1000));
    },
    state(now) {
      advance(now);
      return { perSecond: pacing(now) ? rate : null, webhooksInFlight: inFlight, behind };
    },
  };
}

/** The pacer on the process's monotonic clock, as the HTTP layer and the workers use it. */
export interface WebhookFirst {
  webhookStarted(): void;
  webhookFinished(ms: number): void;
  backgroundLag(lagMs: number): void;
  /** 0 when a unit of background work may start now (it is counted), else ms to wait. */
  tryStart(): number;
  /** Resolves once a unit of background work may start (and counts it). */
  waitForStart(): Promise<void>;
  state(): PacerState;
}

export function webhookFirst(pacer: BackgroundPacer, now: () => number = () => performance.now()): WebhookFirst {
  const tryStart = () => pacer.tryStart(now());
  return {
    webhookStarted: () => pacer.webhookStarted(now()),
    webhookFinished: (ms) => pacer.webhookFinished(now(), ms),
    backgroundLag: (lagMs) => pacer.backgroundLag(lagMs),
    tryStart,
    async waitForStart() {
      for (let wait = tryStart(); wait > 0; wait = tryStart()) await new Promise((resolve) => setTimeout(resolve, wait));
    },
    state: () => pacer.state(now()),
  };
}
