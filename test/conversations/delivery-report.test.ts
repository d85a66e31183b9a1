import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { ACCOUNT_SID, checkoutFor, eventually, startHarness, type Harness, type TestMerchant } from '../support/harness.js';
import { reachableRecipient } from '../support/reachable-recipient.js';

/**
 * A delivery report can reach us before the provider's answer to the send
 * does (Twilio answers the API call and posts the callback on their own
 * schedules): the report names our row through the callback URL, and the
 * row ends where the report says, whichever write lands last.
 */
describe('delivery reports that overtake the send', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let variant = 520;
  const nextRecipient = () => reachableRecipient(new Date(), 30, variant++);

  before(async () => {
    h = await startHarness({ label: 'delivery_report' });
    merchant = await h.createMerchant({
      flow: { abandonAfterSeconds: 1, optInTimeoutSeconds: 600, steps: [{ afterSeconds: 0, template: '{{shopName}}' }] },
    });
  });
  beforeEach(() => {
    h.twilio.delayMs = 0;
  });
  after(async () => h?.close());

  /** The opt-in request as the provider received it: its sid, and our row id from the callback URL. */
  async function optInRequestTo(phone: string) {
    const request = await eventually(async () => h.twilio.requests.find((r) => r.form.To === phone && r.sid !== null), 15_000, 'the opt-in request');
    const callback = new URL(request.form.StatusCallback ?? '');
    const messageId = callback.searchParams.get('message');
    assert.ok(messageId, 'the callback URL names the message');
    return { sid: request.sid as string, messageId };
  }

  const report = (sid: string, status: string, extra: Record<string, string> = {}) => ({
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: ACCOUNT_SID,
    MessageStatus: status,
    SmsStatus: status,
    ApiVersion: '2010-04-01',
    ...extra,
  });

  const row = (id: string) => h.service.deps.db.models.Message.findByPk(id);

  test('"delivered" that arrives while the send call is still out is kept when the send is recorded', async () => {
    h.twilio.delayMs = 1500;
    const recipient = nextRecipient();
    await h.postCheckout(merchant, checkoutFor(recipient));
    const { sid, messageId } = await optInRequestTo(recipient.phone);

    const answered = await h.postStatus(report(sid, 'delivered'), `message=${messageId}`);
    assert.equal(answered.status, 200);
    const early = await row(messageId);
    assert.equal(early?.status, 'delivered', 'the report found the row before the provider id was written');

    const settled = await eventually(async () => {
      const message = await row(messageId);
      return message?.sentAt ? message : null;
    }, 10_000, 'the send recorded');
    assert.equal(settled.status, 'delivered', 'the later record of the send does not move it back');
    assert.equal(settled.providerMessageId, sid);
    assert.ok(settled.deliveredAt);
  });

  test('a report proves an unknown outcome: the row the timed-out call left unknown becomes delivered', async () => {
    h.twilio.delayMs = 5_000; // past the provider timeout (3 s in the harness)
    const recipient = nextRecipient();
    await h.postCheckout(merchant, checkoutFor(recipient));
    const { sid, messageId } = await optInRequestTo(recipient.phone);
    await eventually(async () => (await row(messageId))?.status === 'unknown', 10_000, 'the send outcome unknown');

    assert.equal((await h.postStatus(report(sid, 'delivered'), `message=${messageId}`)).status, 200);
    const message = await row(messageId);
    assert.equal(message?.status, 'delivered');
    assert.equal(message?.providerMessageId, sid);
  });

  test("a report naming a row that already has another provider id, or not ours at all, changes nothing", async () => {
    const recipient = nextRecipient();
    await h.postCheckout(merchant, checkoutFor(recipient));
    const { sid, messageId } = await optInRequestTo(recipient.phone);
    await eventually(async () => (await row(messageId))?.status === 'sent', 10_000, 'the send recorded');

    const stranger = 'SM' + 'ab'.repeat(16);
    assert.equal((await h.postStatus(report(stranger, 'failed', { ErrorCode: '30003' }), `message=${messageId}`)).status, 200);
    assert.equal((await h.postStatus(report(stranger, 'failed'), 'message=not-a-uuid')).status, 200);
    const message = await row(messageId);
    assert.equal(message?.status, 'sent');
    assert.equal(message?.providerMessageId, sid);
  });
});
