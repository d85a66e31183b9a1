import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import { verifyLedger } from '../../src/conversations/consent-ledger.js';
import { applyRetention, EXPIRED_BODY } from '../../src/conversations/retention.js';
import { checkoutFor, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

const DAY_MS = 86_400_000;

describe('retention job', () => {
  let h: Harness;
  let merchant: TestMerchant;

  before(async () => {
    h = await startHarness({ label: 'retention' });
    merchant = await h.createMerchant({ flow: { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}}: {{recoveryUrl}}' }] } });
    const recipient = reachableRecipient(new Date(), 30, 5);
    assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
  });
  after(async () => h?.close());

  const rows = <T extends object>(sql: string) => h.service.deps.db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
  /** The service's own dependencies, with the clock moved `days` ahead. */
  const laterBy = (days: number) => ({ ...h.service.deps, clock: { now: () => new Date(Date.now() + days * DAY_MS) } });

  test('data younger than the retention period is left alone', async () => {
    const report = await applyRetention(h.service.deps, 730);
    assert.deepEqual([report.messages, report.carts, report.customers], [0, 0, 0]);
    const [message] = await rows<{ body: string }>(`SELECT body FROM messages WHERE direction = 'outbound'`);
    assert.notEqual(message?.body, EXPIRED_BODY);
  });

  test('past the retention period bodies, cart contents and names are trimmed; totals, statuses and the consent ledger stay', async () => {
    await h.service.sealLedgerNow();
    const ledger = () =>
      rows<{ id: string; evidence: unknown; seq: string; hash: string; sealedAt: Date }>(
        `SELECT e.id, e.evidence, c.seq, c.hash, c.sealed_at AS "sealedAt" FROM consent_events e JOIN consent_chain c ON c.event_id = e.id ORDER BY e.id`,
      );
    const ledgerBefore = await ledger();
    assert.ok(ledgerBefore.length > 0, 'the opt-in request is in the ledger, sealed');
    const report = await applyRetention(laterBy(731), 730);
    assert.equal(report.messages, 1);
    assert.equal(report.carts, 1);
    assert.equal(report.customers, 1);

    const [message] = await rows<{ body: string; status: string }>(`SELECT body, status FROM messages WHERE direction = 'outbound'`);
    assert.equal(message?.body, EXPIRED_BODY);
    assert.equal(message?.status, 'sent');
    const [cart] = await rows<{ line_items: unknown[]; first_name: string | null; recovery_url: string | null; total_minor: string; currency: string }>(
      `SELECT line_items, first_name, recovery_url, total_minor, currency FROM abandoned_carts`,
    );
    assert.deepEqual(cart?.line_items, []);
    assert.equal(cart?.first_name, null);
    assert.equal(cart?.recovery_url, null);
    assert.ok(Number(cart?.total_minor) > 0, 'the total stays for the merchant’s figures');
    assert.equal(cart?.currency, 'USD');
    const [customer] = await rows<{ first_name: string | null }>(`SELECT first_name FROM customers`);
    assert.equal(customer?.first_name, null);

    assert.deepEqual(await ledger(), ledgerBefore);
    assert.deepEqual(await verifyLedger(h.service.deps, merchant.id), { ok: true, entries: ledgerBefore.length, pending: 0 });
  });

  test('a second pass finds nothing left to trim', async () => {
    const report = await applyRetention(laterBy(731), 730);
    assert.deepEqual([report.messages, report.carts, report.customers], [0, 0, 0]);
  });
});
