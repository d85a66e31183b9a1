import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBackgroundPacer, DEFAULT_PACER_SETTINGS, webhookFirst, type PacerSettings } from '../../src/queue/background-pacer.js';

const settings: PacerSettings = { ...DEFAULT_PACER_SETTINGS, targetMs: 10, windowMs: 100, minPerSecond: 2, maxPerSecond: 400, initialPerSecond: 10 };

/** Webhooks every `everyMs` from `from` to `to`, each answered in `answerMs`, window by window. */
function traffic(pacer: ReturnType<typeof createBackgroundPacer>, from: number, to: number, answerMs: number, everyMs = 5): void {
  for (let t = from; t < to; t += everyMs) {
    pacer.webhookStarted(t);
    pacer.webhookFinished(t + answerMs, answerMs);
  }
}

/** How many starts `tryStart` grants over [from, to) when asked every millisecond. */
function startsGranted(pacer: ReturnType<typeof createBackgroundPacer>, from: number, to: number): number {
  let granted = 0;
  for (let t = from; t < to; t++) if (pacer.tryStart(t) === 0) granted += 1;
  return granted;
}

describe('background pacer: webhooks first', () => {
  it('holds nothing back while no webhooks are being answered', () => {
    const pacer = createBackgroundPacer(settings);
    for (let i = 0; i < 1000; i++) assert.equal(pacer.tryStart(1000), 0);
    assert.equal(pacer.state(1000).perSecond, null);
  });

  it('while webhooks come, spreads starts at its rate: the second start at the same instant waits', () => {
    const pacer = createBackgroundPacer(settings);
    pacer.webhookStarted(0);
    assert.equal(pacer.tryStart(1), 0, 'the first start goes at once');
    const wait = pacer.tryStart(1);
    assert.ok(wait >= 90 && wait <= 100, `at 10/s the next start is ~100 ms away, got ${wait}`);
    assert.equal(pacer.tryStart(1 + wait), 0, 'and goes once that time has passed');
  });

  it('slow answers halve the rate window by window, down to the floor and never to zero', () => {
    const pacer = createBackgroundPacer(settings);
    traffic(pacer, 0, 100, 40);
    assert.equal(pacer.state(100).perSecond, 5, 'one slow window: 10/s → 5/s');
    traffic(pacer, 100, 2000, 40);
    assert.equal(pacer.state(2000).perSecond, settings.minPerSecond);
    // Still moving at the floor: over three seconds of slow answers, about six starts.
    let granted = 0;
    for (let t = 2000; t < 5000; t += 10) {
      pacer.webhookStarted(t);
      pacer.webhookFinished(t + 40, 40);
      if (pacer.tryStart(t) === 0) granted += 1;
    }
    assert.ok(granted >= 5 && granted <= 8, `at the floor of 2/s, 3 s give ~6 starts, got ${granted}`);
  });

  it('by default, a window of answers at 20 ms counts as slow and halves the rate', () => {
    // At a 30 ms target, answers settled where the 99th percentile was about 70 ms (bench/README.md).
    const pacer = createBackgroundPacer();
    traffic(pacer, 0, 100, 20);
    assert.equal(pacer.state(100).perSecond, DEFAULT_PACER_SETTINGS.initialPerSecond / 2);
  });

  it('answers well within the target let the rate climb until pacing holds nothing back', () => {
    const pacer = createBackgroundPacer(settings);
    traffic(pacer, 0, 100, 40);
    assert.equal(pacer.state(100).perSecond, 5);
    traffic(pacer, 100, 3000, 2);
    assert.equal(pacer.state(3000).perSecond, settings.maxPerSecond);
  });

  it('answers near the target (above half of it) add a little each window, no more', () => {
    const pacer = createBackgroundPacer(settings);
    traffic(pacer, 0, 1000, 8);
    // Ten windows at +0.5/s each.
    assert.equal(pacer.state(1000).perSecond, 10 + 10 * settings.increasePerWindow);
  });

  it('too many webhooks in flight count as slow before any of them is answered', () => {
    const pacer = createBackgroundPacer(settings);
    for (let i = 0; i < settings.maxWebhooksInFlight + 1; i++) pacer.webhookStarted(i);
    assert.equal(pacer.state(150).perSecond, 5);
  });

  it('stops pacing a quiet spell after the last answer, and resumes from the last rate, doubled per quiet second', () => {
    const pacer = createBackgroundPacer(settings);
    traffic(pacer, 0, 2000, 40);
    const lastAnswer = 1995 + 40;
    assert.equal(pacer.state(lastAnswer).perSecond, settings.minPerSecond);
    assert.equal(pacer.state(lastAnswer + settings.quietMs).perSecond, null, 'a quiet spell after the last answer: not paced');
    assert.equal(pacer.tryStart(lastAnswer + settings.quietMs + 500), 0);
    // Two quiet seconds beyond the quiet spell: 2/s × 2² = 8/s.
    pacer.webhookStarted(lastAnswer + settings.quietMs + 2000);
    assert.equal(pacer.state(lastAnswer + settings.quietMs + 2000).perSecond, 8);
  });

  it('after a long quiet spell pacing resumes no faster than its resume ceiling, then climbs while answers are fast', () => {
    const pacer = createBackgroundPacer(settings);
    traffic(pacer, 0, 3000, 2);
    assert.equal(pacer.state(3000).perSecond, settings.maxPerSecond);
    pacer.webhookStarted(60_000);
    assert.equal(pacer.state(60_000).perSecond, settings.resumeMaxPerSecond, 'a burst after a quiet minute meets a moderate pace');
    traffic(pacer, 60_000, 62_000, 2);
    assert.equal(pacer.state(62_000).perSecond, settings.maxPerSecond);
  });

  it('stops pacing while background work runs later than its limit, and paces again once it is back under half of it', () => {
    const pacer = createBackgroundPacer(settings);
    traffic(pacer, 0, 1000, 40);
    assert.equal(pacer.state(1000).perSecond, settings.minPerSecond);
    pacer.backgroundLag(settings.maxLagMs + 1);
    assert.equal(pacer.state(1000).behind, true);
    assert.equal(pacer.state(1000).perSecond, null, 'texts a minute late: the answers take their share of the wait');
    assert.equal(startsGranted(pacer, 1000, 1050), 50, 'nothing held back while behind, webhooks or not');
    pacer.backgroundLag(settings.maxLagMs * 0.75);
    assert.equal(pacer.state(1050).behind, true, 'between half the limit and the limit it stays as it was');
    pacer.backgroundLag(settings.maxLagMs / 2 - 1);
    traffic(pacer, 1050, 1200, 40);
    assert.equal(pacer.state(1200).behind, false);
    assert.equal(pacer.state(1200).perSecond, settings.minPerSecond, 'caught up: paced again');
  });

  it('a webhook still in flight keeps the pacing on, however long it takes', () => {
    const pacer = createBackgroundPacer(settings);
    pacer.webhookStarted(0);
    assert.notEqual(pacer.state(5000).perSecond, null);
    pacer.webhookFinished(5000, 5000);
    assert.equal(pacer.state(5000 + settings.quietMs).perSecond, null);
  });

  it('counts what it grants: over a second at a steady rate, about that many starts', () => {
    const pacer = createBackgroundPacer({ ...settings, initialPerSecond: 50, increasePerWindow: 0 });
    let granted = 0;
    for (let t = 0; t < 1000; t++) {
      // Answers between half the target and the target: the rate holds at 50/s.
      if (t % 5 === 0) {
        pacer.webhookStarted(t);
        pacer.webhookFinished(t, 7);
      }
      if (pacer.tryStart(t) === 0) granted += 1;
    }
    assert.ok(granted >= 49 && granted <= 52, `50/s over one second, got ${granted}`);
    assert.equal(startsGranted(pacer, 5000, 5100), 100, 'long after the traffic: nothing held back');
  });

  it('waitForStart resolves once a start is granted, on the clock it is given', async () => {
    let now = 0;
    const pacer = webhookFirst(createBackgroundPacer(settings), () => now);
    pacer.webhookStarted();
    await pacer.waitForStart();
    let resolved = false;
    const waiting = pacer.waitForStart().then(() => {
      resolved = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(resolved, false, 'at 10/s the second start waits while the clock stands still');
    now = 200;
    await waiting;
    assert.equal(resolved, true);
  });
});
