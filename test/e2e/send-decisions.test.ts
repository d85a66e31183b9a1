import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { QueryTypes } from 'sequelize';
import type { Clock } from '../../src/clock.js';
import { checkoutFor, eventually, startHarness, type Harness, type QueueMode, type TestMerchant } from '../support/harness.js';

/**
 * The send gate's decisions over HTTP, on a service whose clock is set to a
 * Texas Sunday morning (so the test is the same at any real hour): a text
 * the federal window allows is deferred by a state rule, stored with the
 * rule that held it, re-enqueued for the moment it may go and sent then; and
 * the provider's `FromState` on an inbound text places the shopper for the
 * rules too.
 */
const FLOW = { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}}: your cart is waiting {{recoveryUrl}}' }] };

/** Sunday 2026-06-14, 12:00 MDT: Texas allows marketing texts on Sundays from noon, in El Paso too. */
const TEXAS_SUNDAY_NOON_EL_PASO = Date.parse('2026-06-14T18:00:00.000Z');
/** Where the service's clock starts: 11:59:35 in El Paso, 12:59:35 in Austin. */
const CLOCK_START = TEXAS_SUNDAY_NOON_EL_PASO - 25_000;

for (const mode of (process.env.E2E_MODES?.split(',') ?? ['redis', 'postgres']) as QueueMode[]) {
  describe(`send decisions end to end (clock on a Texas Sunday, ${mode} queue)`, () => {
    let h: Harness;
    let merchant: TestMerchant;
    /** The service's clock runs at real speed from CLOCK_START once the tests begin. */
    let offsetMs = 0;
    const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

    before(async () => {
      h = await startHarness({ label: `e2e_send_decisions_${mode}`, queue: mode, service: { clock } });
      merchant = await h.createMerchant({ flow: FLOW, name: 'Lone Star Shop', timezone: 'America/Chicago' });
      offsetMs = CLOCK_START - Date.now();
    });
    after(async () => h?.close());

    const messagesOf = async (phone: string) => (await h.conversation(merchant, phone))?.messages ?? [];

    test('a Texas shopper on Sunday before noon: the opt-in request is deferred under the Texas rule, stored with it, and goes at noon', async () => {
      // An Austin number with Texas addresses: Central time by the number, Central or Mountain by the addresses.
      const recipient = { phone: '+15125550143', countryCode: 'US', provinceCode: 'TX', zones: ['America/Chicago', 'America/Denver'] };
      assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);

      // The federal window (08:00–21:00) lets the machine queue it; the gate holds it.
      const deferred = await eventually(
        async () => (await messagesOf(recipient.phone)).find((m: any) => m.kind === 'opt_in_request' && m.status === 'deferred'),
        15_000,
        'the opt-in request deferred by the send gate',
      );
      assert.ok(clock.now().getTime() < TEXAS_SUNDAY_NOON_EL_PASO, 'the deferral was seen before noon; otherwise this run proves nothing');
      assert.equal(h.twilio.messagesTo(recipient.phone).length, 0);
      assert.equal(deferred.statusReason, 'quiet_hours');
      assert.equal(Date.parse(deferred.sendAfter), TEXAS_SUNDAY_NOON_EL_PASO);
      const decision = deferred.decision;
      assert.equal(decision.verdict, 'defer');
      assert.equal(Date.parse(decision.until), TEXAS_SUNDAY_NOON_EL_PASO);
      assert.ok(Date.parse(decision.decidedAt) < TEXAS_SUNDAY_NOON_EL_PASO);
      const [held] = decision.rules;
      assert.equal(held.id, 'us-tx');
      assert.match(held.citation, /Tex\. Bus\. & Com\. Code § 301\.051/);
      assert.match(held.reason, /^blocks: Sun 2026-06-14 11:59 America\/Denver \(address, US-TX\)/);
      assert.ok(decision.rules.some((rule: any) => rule.id === 'us-federal' && /^allows/.test(rule.reason)), 'the federal window allowed it');

      // Re-enqueued for `until`: it goes at noon, once, with the decision that let it go.
      const [text] = await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 45_000 });
      assert.match(text!.form.Body ?? '', /^Lone Star Shop: reply YES/);
      const sent = await eventually(
        async () => (await messagesOf(recipient.phone)).find((m: any) => m.kind === 'opt_in_request' && m.status === 'sent'),
        10_000,
        'the opt-in request recorded as sent',
      );
      assert.equal(sent.id, deferred.id);
      assert.ok(Date.parse(sent.sentAt) >= TEXAS_SUNDAY_NOON_EL_PASO, `sent at ${sent.sentAt}`);
      assert.equal(sent.decision.verdict, 'send');
      assert.ok(Date.parse(sent.decision.decidedAt) >= TEXAS_SUNDAY_NOON_EL_PASO);
      assert.ok(sent.decision.rules.some((rule: any) => rule.id === 'us-tx' && /^allows/.test(rule.reason)));
      assert.equal(h.twilio.messagesTo(recipient.phone).length, 1);
    });

    test("a New York shopper who texts YES from Louisiana (Twilio's FromState): the first reminder waits for Monday", async () => {
      const recipient = { phone: '+12125550143', countryCode: 'US', provinceCode: 'NY', zones: ['America/New_York'] };
      assert.equal((await h.postCheckout(merchant, checkoutFor(recipient))).status, 200);
      // Sunday afternoon in New York: nothing but the federal window applies, and the opt-in request goes.
      await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
      assert.equal((await h.postInbound(merchant, recipient.phone, 'YES', { FromState: 'LA', FromCountry: 'US' })).status, 200);

      const [customer] = await h.service.deps.db.sequelize.query<{ provider_state: string; provider_country: string }>(
        `SELECT provider_state, provider_country FROM customers WHERE merchant_id = :merchantId AND phone = :phone`,
        { replacements: { merchantId: merchant.id, phone: recipient.phone }, type: QueryTypes.SELECT },
      );
      assert.deepEqual(customer, { provider_state: 'LA', provider_country: 'US' });

      const reminder = await eventually(
        async () => (await messagesOf(recipient.phone)).find((m: any) => m.kind === 'reminder' && m.status === 'deferred'),
        15_000,
        'the first reminder deferred',
      );
      // Louisiana allows no marketing texts on Sundays: Monday 08:00 in Louisiana (09:00 in New York).
      assert.equal(reminder.decision.until, '2026-06-15T13:00:00.000Z');
      assert.equal(reminder.decision.rules[0].id, 'us-la');
      assert.match(reminder.decision.rules[0].reason, /Sunday.*\(provider, US-LA\)|\(provider, US-LA\).*Sunday/);
      assert.equal(h.twilio.messagesTo(recipient.phone).length, 1, 'only the opt-in request went');
    });

    test('under the strict profile the first reminder goes and the second of the same abandonment is refused, with its reason', async () => {
      const strict = await h.createMerchant({
        name: 'Strict Shop',
        complianceProfile: 'strict',
        flow: { ...FLOW, steps: [FLOW.steps[0]!, { afterSeconds: 2, template: '{{shopName}}: still there? {{recoveryUrl}}' }] },
      });
      const recipient = { phone: '+12125550187', countryCode: 'US', provinceCode: 'NY', zones: ['America/New_York'] };
      assert.equal((await h.postCheckout(strict, checkoutFor(recipient))).status, 200);
      await h.twilio.waitForMessages(1, { to: recipient.phone, timeoutMs: 15_000 });
      assert.equal((await h.postInbound(strict, recipient.phone, 'YES')).status, 200);
      const messages = await eventually(
        async () => {
          const c = await h.conversation(strict, recipient.phone);
          const reminders = c?.messages.filter((m: any) => m.kind === 'reminder') ?? [];
          return reminders.length === 2 && reminders[1].status === 'refused' ? c.messages : undefined;
        },
        15_000,
        'the second reminder refused',
      );
      const [first, second] = messages.filter((m: any) => m.kind === 'reminder');
      assert.equal(first.status, 'sent');
      assert.equal(second.statusReason, 'strict_profile');
      assert.equal(second.decision.verdict, 'refuse');
      assert.equal(second.decision.rules[0].id, 'profile-strict');
      assert.match(second.decision.rules[0].reason, /^1 marketing text\(s\) already sent for this cart/);
      assert.equal(h.twilio.messagesTo(recipient.phone).length, 2, 'the opt-in request and one reminder');
    });
  });
}
