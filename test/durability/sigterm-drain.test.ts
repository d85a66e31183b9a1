/**
 * SIGTERM drains (src/main.ts, src/service.ts `close()`): the service stops
 * taking jobs, lets a running send finish, closes its connections and exits 0.
 * Here B is in flight at the provider (which answers slowly) and C's timer is
 * pending when SIGTERM arrives: B must be recorded as sent, not left
 * `sending` (which a restart would turn into `unknown`), and after a restart C
 * is still decided exactly once (refused by the frequency cap, never sent).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QueueMode } from '../support/harness.js';
import { kindOf, withScenario } from './scenario.js';

const MODES: QueueMode[] = ['redis', 'postgres'];
/** How long the fake Twilio holds its answer to B: SIGTERM lands while the send is in flight. */
const PROVIDER_DELAY_MS = 1500;
/** "Within a few seconds": the in-flight send plus closing connections. */
const EXIT_WITHIN_MS = 8000;

describe('SIGTERM drain', { concurrency: true }, () => {
  for (const mode of MODES) {
    it(`${mode} queue: exits 0 after the send in flight, and the pending work completes once after a restart`, { timeout: 90_000 }, async (t) => {
      await withScenario(t, 'sigterm', mode, async (s) => {
        await s.runUntilStepASent();
        s.twilio.delayMs = PROVIDER_DELAY_MS;

        // B reaches the provider; its answer is still on the way.
        const arrived = await s.twilio.waitForMessages(3, { to: s.recipient.phone, timeoutMs: 20_000 });
        const b = arrived[2]!;
        assert.equal(kindOf(b.form.Body ?? ''), 'B', `third text: ${b.form.Body}`);
        const signalledAt = Date.now();
        assert.ok(signalledAt - b.receivedAt.getTime() < PROVIDER_DELAY_MS, 'SIGTERM must land while B is in flight');
        const code = await s.service.sigterm(EXIT_WITHIN_MS + 5000);
        const tookMs = Date.now() - signalledAt;
        assert.equal(code, 0, `exit code after SIGTERM (exited after ${tookMs} ms)`);
        assert.ok(tookMs < EXIT_WITHIN_MS, `exited ${tookMs} ms after SIGTERM`);
        assert.equal(await s.stepCQueued(), false, 'C was not due yet');

        s.twilio.delayMs = 0;
        await s.service.start();
        await s.waitForStepCRefused(20_000);
        // B `sent` (not `unknown`): the drain waited for the provider's answer.
        await s.assertExactlyOnce();
      });
    });
  }
});
