/**
 * A process can die at any line and a restart loses nothing (DESIGN.md, "The
 * core idea"): the real service runs as a child process, is killed with
 * SIGKILL in the middle of a reminder sequence and started again on the same
 * database, queue, port and secrets. Every text still goes out exactly once
 * (and C, which the frequency cap refuses, is decided exactly once).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueueMode } from '../support/harness.js';
import { sleep, withScenario } from './scenario.js';

const MODES: QueueMode[] = ['redis', 'postgres'];
const TEST_TIMEOUT_MS = 90_000;

// Every scenario has its own database, Redis, fake Twilio and port: they run side by side.
describe('kill -9 and restart', { concurrency: true }, () => {
  for (const mode of MODES) {
    it(`${mode} queue: after step A, a quick restart still sends B and decides C exactly once`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withScenario(t, 'crash', mode, async (s) => {
        await s.runUntilStepASent();
        const killed = await s.service.kill9();
        assert.equal(killed.signal, 'SIGKILL');
        assert.equal(s.count('B'), 0, 'B went out before the kill; this run proves nothing');
        await sleep(300);
        await s.service.start();

        await s.waitForText('B', 20_000);
        await s.waitForStepCRefused(20_000);
        await s.assertExactlyOnce();
      });
    });

    it(`${mode} queue: killed while B's timer is pending, restarted after B was due: B goes out once`, { timeout: TEST_TIMEOUT_MS }, async (t) => {
      await withScenario(t, 'overdue', mode, async (s) => {
        await s.runUntilStepASent();
        const before = await s.conversation();
        const timerB = before?.pendingTimers.find((timer) => timer.kind === 'step' && timer.stepIndex === 1);
        assert.ok(timerB, `B's timer should be pending: ${JSON.stringify(before?.pendingTimers)}`);
        const dueB = Date.parse(timerB.dueAt);

        await s.service.kill9();
        assert.equal(s.count('B'), 0, 'B went out before the kill; this run proves nothing');

        // Stay down until B is overdue.
        await sleep(dueB - Date.now() + 1000);
        assert.equal(s.count('B'), 0, 'nothing may be sent while the service is down');
        const restartedAt = Date.now();
        await s.service.start();

        const b = await s.waitForText('B', 20_000);
        assert.ok(b.receivedAt.getTime() >= restartedAt, 'B arrived after the restart');
        await s.waitForStepCRefused(20_000);
        await s.assertExactlyOnce();
      });
    });
  }
});
