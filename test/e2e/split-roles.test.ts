import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { startService, type Service } from '../../src/service.js';
import { checkoutFor, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

/**
 * Production may run web and worker processes apart (ROLE=web / ROLE=worker)
 * on one database and one Redis: the web process answers and enqueues, the
 * worker fires timers and sends. Proven here with two services side by side.
 */
describe('split web and worker roles', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let worker: Service | null = null;

  before(async () => {
    h = await startHarness({ label: 'split_roles', env: { ROLE: 'web' } });
    merchant = await h.createMerchant({ flow: { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}}: {{recoveryUrl}}' }] } });
  });
  after(async () => {
    await worker?.close();
    await h?.close();
  });

  test('a web process alone accepts the checkout and sends nothing; a worker process then sends the opt-in request once', async () => {
    const recipient = reachableRecipient(new Date(), 30, 3);
    assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
    // Well past the 1 s abandonment: with no worker running, the timer is due and still pending.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 0);
    const timers = await h.service.deps.db.sequelize.query<{ status: string; due: boolean }>(
      `SELECT status, due_at <= now() AS due FROM timers`,
      { type: QueryTypes.SELECT },
    );
    assert.deepEqual(timers, [{ status: 'pending', due: true }]);

    worker = await startService({ ...h.config, role: 'worker', port: 0 }, { queueNamespace: `cr-${h.database.name}` });
    const [optIn] = await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
    assert.match(optIn!.form.Body ?? '', /reply YES/i);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(h.twilio.messagesTo(recipient.phone).length, 1, 'exactly one opt-in request');
  });

  test('a worker process answers health checks but serves no API or webhooks', async () => {
    worker ??= await startService({ ...h.config, role: 'worker', port: 0 }, { queueNamespace: `cr-${h.database.name}` });
    const health = await fetch(`${worker.url}/healthz`);
    assert.equal(health.status, 200);
    const api = await fetch(`${worker.url}/api/v1/merchants/${merchant.id}`, { headers: { authorization: `Bearer ${merchant.apiKey}` } });
    assert.equal(api.status, 404);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'not_found');
    const webhook = await fetch(`${worker.url}/webhooks/shopify/${merchant.id}`, { method: 'POST', body: '{}' });
    assert.equal(webhook.status, 404);
  });
});
