import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { appendConsent, verifyLedger } from '../../src/conversations/consent-ledger.js';
import { writeBatch } from '../../src/db/write-batch.js';
import { checkoutFor, eventually, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

const SEAL_INTERVAL_MS = 100;

describe('consent ledger: chained, exportable, tamper-evident', () => {
  let h: Harness;
  let merchant: TestMerchant;
  const recipient = reachableRecipient(new Date(), 30, 91);

  before(async () => {
    h = await startHarness({ label: 'consent_ledger', env: { LEDGER_SEAL_INTERVAL_MS: String(SEAL_INTERVAL_MS) } });
    merchant = await h.createMerchant({
      flow: { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}} {{recoveryUrl}}' }] },
    });
    await h.postCheckout(merchant, checkoutFor(recipient));
    await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
    await h.postInbound(merchant, recipient.phone, 'YES');
    await h.postInbound(merchant, recipient.phone, 'STOP');
    await eventually(async () => (await h.conversation(merchant, recipient.phone))?.consent === 'revoked');
  });
  after(async () => h?.close());

  test("a phone's history lists every change with its evidence, the disclosure it agreed to included", async () => {
    await h.service.sealLedgerNow();
    const response = await h.request('GET', `/api/v1/consent?phone=${encodeURIComponent(recipient.phone)}`, { token: merchant.apiKey });
    assert.equal(response.status, 200);
    assert.equal(response.body.status, 'revoked');
    assert.deepEqual(response.body.entries.map((e: any) => e.change), ['requested', 'confirmed', 'revoked']);
    const [requested, confirmed, revoked] = response.body.entries;
    assert.match(requested.evidence.disclosure, /reply YES/);
    assert.ok(requested.evidence.disclosureVersion);
    assert.equal(requested.evidence.checkoutConsent.buyer_accepts_sms_marketing, true);
    assert.equal(confirmed.evidence.inboundText, 'YES');
    assert.equal(revoked.evidence.inboundText, 'STOP');
    assert.equal(requested.prevHash, null);
    assert.match(requested.hash, /^[0-9a-f]{64}$/);
    assert.equal(confirmed.prevHash, requested.hash);
    assert.equal(revoked.prevHash, confirmed.hash);
  });

  test('the same history exports as CSV for a dispute', async () => {
    const response = await fetch(`${h.service.url}/api/v1/consent?phone=${encodeURIComponent(recipient.phone)}&format=csv`, {
      headers: { authorization: `Bearer ${merchant.apiKey}` },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/csv/);
    const lines = (await response.text()).trim().split('\r\n');
    assert.equal(lines[0], 'id,at,phone,change,source,evidence,prevHash,hash');
    assert.equal(lines.length, 4);
    assert.match(lines[3]!, /"revoked","keyword"/);
  });

  test('another merchant sees none of it', async () => {
    const other = await h.createMerchant({ name: 'Other' });
    const response = await h.request('GET', `/api/v1/consent?phone=${encodeURIComponent(recipient.phone)}`, { token: other.apiKey });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.entries, []);
  });

  test("the workers seal new entries on their own within a few intervals, in one chain after the ones before", async () => {
    const { db } = h.service.deps;
    const before = await verifyLedger({ db }, merchant.id);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.sequelize.transaction(async (transaction) => {
          const sql = writeBatch(transaction);
          await appendConsent(sql, [
            {
              merchantId: merchant.id,
              customerId: null,
              phone: `+1212555${String(1000 + i)}`,
              change: 'revoked',
              source: 'api',
              evidence: { i },
              at: new Date(),
            },
          ]);
          await sql.flush();
        }),
      ),
    );
    const sealed = await eventually(
      async () => {
        const verdict = await verifyLedger({ db }, merchant.id);
        return verdict.pending === 0 && verdict.entries === before.entries + before.pending + 20 ? verdict : null;
      },
      20 * SEAL_INTERVAL_MS,
      'the workers to seal the new entries',
    );
    assert.deepEqual(sealed, { ok: true, entries: 23, pending: 0 });
  });

  test('rewriting a sealed entry behind the database trigger is detected, naming the first broken entry', async () => {
    const { db } = h.service.deps;
    await h.service.sealLedgerNow();
    const entries = await db.models.ConsentEvent.findAll({ where: { merchantId: merchant.id }, order: [['id', 'ASC']] });
    const target = entries[1]!;
    await assert.rejects(db.sequelize.query(`UPDATE consent_events SET source = 'api' WHERE id = ${target.id}`), /append-only/);
    await db.sequelize.query(`
      ALTER TABLE consent_events DISABLE TRIGGER consent_events_no_update;
      UPDATE consent_events SET evidence = '{"inboundText":"NO"}' WHERE id = ${target.id};
      ALTER TABLE consent_events ENABLE TRIGGER consent_events_no_update;`);
    const verdict = await verifyLedger({ db }, merchant.id);
    assert.deepEqual(verdict, { ok: false, entries: 23, pending: 0, brokenAt: String(target.id), reason: 'content_changed' });
  });
});
