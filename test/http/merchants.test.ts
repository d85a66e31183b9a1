import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_FLOW_TEMPLATES } from '../../src/templates/system-messages.js';
import { PUBLIC_BASE_URL, startHarness, type Harness } from '../support/harness.js';

/**
 * `POST /api/v1/merchants` (operator only) and `GET /api/v1/merchants/:id`
 * (operator, or the merchant's own key): validation, scoping, and secrets
 * that never come back out.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let senderCounter = 1000 + Math.floor(Math.random() * 8000);
const nextSender = () => `+1312555${String(senderCounter++ % 10000).padStart(4, '0')}`;

function validInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Contract Shop',
    platform: 'shopify',
    shopDomain: 'contract-shop.myshopify.com',
    webhookSecret: `whsec-${randomBytes(12).toString('hex')}`,
    timezone: 'America/Chicago',
    senderNumber: nextSender(),
    supportContact: 'help@contract-shop.test',
    ...overrides,
  };
}

const FLOW = {
  abandonAfterSeconds: 60,
  optInTimeoutSeconds: 3600,
  steps: [
    { afterSeconds: 0, template: '{{shopName}}: {{firstName}}, your cart is waiting: {{recoveryUrl}}' },
    { afterSeconds: 3600, template: '{{shopName}}: {{itemCount}} items, {{cartTotal}}. Code {{discountCode}}', discountCode: 'SAVE5' },
  ],
};

function assertErrorEnvelope(response: { status: number; body: any; text: string }, status: number, code: string) {
  assert.equal(response.status, status, response.text);
  assert.equal(typeof response.body?.error, 'object', response.text);
  assert.equal(response.body.error.code, code, response.text);
  assert.equal(typeof response.body.error.message, 'string');
}

/** Paths of the validation issues a 400 reports, e.g. "flow.steps.1.afterSeconds". */
const issuePaths = (body: any): string[] => (body?.error?.details ?? []).map((d: { path: string }) => d.path);

describe('merchants API', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness({ label: 'http_merchants' });
  });
  after(async () => h?.close());

  async function create(overrides: Record<string, unknown> = {}) {
    const input = validInput(overrides);
    const response = await h.request('POST', '/api/v1/merchants', { body: input });
    assert.equal(response.status, 201, response.text);
    return { input, created: response.body as { id: string; apiKey: string; webhookUrl: string }, text: response.text };
  }

  test('the operator creates a merchant: 201 with id, a one-time API key and the webhook URL to configure', async () => {
    const { created } = await create({ flow: FLOW });
    assert.match(created.id, UUID);
    assert.equal(typeof created.apiKey, 'string');
    assert.ok(created.apiKey.length >= 20, 'an API key worth the name');
    assert.equal(created.webhookUrl, `${PUBLIC_BASE_URL}/webhooks/shopify/${created.id}`);
    assert.deepEqual(Object.keys(created).sort(), ['apiKey', 'id', 'webhookUrl']);
  });

  test('a messaging service SID may stand in for a sender number', async () => {
    const { created } = await create({ senderNumber: undefined, messagingServiceSid: `MG${randomBytes(16).toString('hex')}` });
    assert.match(created.id, UUID);
  });

  test('neither sender number nor messaging service SID is refused with validation_failed', async () => {
    const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ senderNumber: undefined }) });
    assertErrorEnvelope(response, 400, 'validation_failed');
    assert.ok(issuePaths(response.body).includes('senderNumber'), response.text);
  });

  test('fields that are not what the contract says are refused with validation_failed, one by one', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['sender number not E.164', { senderNumber: '312-555-0100' }, 'senderNumber'],
      ['time zone not IANA', { timezone: 'Mars/Olympus' }, 'timezone'],
      ['time zone as an offset', { timezone: '+05:00' }, 'timezone'],
      ['platform not shopify', { platform: 'magento' }, 'platform'],
      ['shop domain not a domain', { shopDomain: 'not a domain' }, 'shopDomain'],
      ['webhook secret too short', { webhookSecret: 'short' }, 'webhookSecret'],
      ['empty name', { name: '   ' }, 'name'],
      ['messaging service SID malformed', { messagingServiceSid: 'MG123' }, 'messagingServiceSid'],
      ['unknown field', { apiKey: 'let-me-choose' }, ''],
    ];
    for (const [what, overrides, path] of cases) {
      const response = await h.request('POST', '/api/v1/merchants', { body: validInput(overrides) });
      assertErrorEnvelope(response, 400, 'validation_failed');
      if (path) assert.ok(issuePaths(response.body).includes(path), `${what}: ${response.text}`);
    }
    for (const missing of ['name', 'platform', 'shopDomain', 'webhookSecret', 'timezone']) {
      const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ [missing]: undefined }) });
      assertErrorEnvelope(response, 400, 'validation_failed');
      assert.ok(issuePaths(response.body).includes(missing), `${missing} missing: ${response.text}`);
    }
  });

  test('a flow whose steps are not in ascending order is refused', async () => {
    const flow = { ...FLOW, steps: [FLOW.steps[1], FLOW.steps[0]] };
    const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ flow }) });
    assertErrorEnvelope(response, 400, 'validation_failed');
    assert.ok(issuePaths(response.body).includes('flow.steps.1.afterSeconds'), response.text);

    const same = { ...FLOW, steps: [FLOW.steps[0], { ...FLOW.steps[1], afterSeconds: 0 }] };
    assertErrorEnvelope(await h.request('POST', '/api/v1/merchants', { body: validInput({ flow: same }) }), 400, 'validation_failed');
  });

  test('a flow whose template uses an unknown variable ({{firstname}}) is refused when saved', async () => {
    const flow = { ...FLOW, steps: [{ afterSeconds: 0, template: 'Hi {{firstname}}, come back' }] };
    const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ flow }) });
    assertErrorEnvelope(response, 400, 'validation_failed');
    const issue = (response.body.error.details as Array<{ path: string; message: string }>).find((d) => d.path === 'flow.steps.0.template');
    assert.ok(issue, response.text);
    assert.match(issue.message, /firstname/);
  });

  test('a flow whose template does not parse is refused when saved', async () => {
    const flow = { ...FLOW, steps: [{ afterSeconds: 0, template: 'Hi {{#if firstName}}there' }] };
    const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ flow }) });
    assertErrorEnvelope(response, 400, 'validation_failed');
    assert.ok(issuePaths(response.body).includes('flow.steps.0.template'), response.text);
  });

  test('complianceProfile: strict is kept and shown, standard is the default, anything else is 400', async () => {
    const { created: strict } = await create({ complianceProfile: 'strict' });
    const shown = await h.request('GET', `/api/v1/merchants/${strict.id}`, { token: strict.apiKey });
    assert.equal(shown.status, 200, shown.text);
    assert.equal(shown.body.complianceProfile, 'strict');

    const { created: standard } = await create({ complianceProfile: 'standard' });
    assert.equal((await h.request('GET', `/api/v1/merchants/${standard.id}`)).body.complianceProfile, 'standard');
    const { created: unset } = await create();
    assert.equal((await h.request('GET', `/api/v1/merchants/${unset.id}`)).body.complianceProfile, 'standard');

    for (const bad of ['STRICT', 'lenient', '', 1, null]) {
      const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ complianceProfile: bad }) });
      assertErrorEnvelope(response, 400, 'validation_failed');
      assert.ok(issuePaths(response.body).includes('complianceProfile'), `${JSON.stringify(bad)}: ${response.text}`);
    }
  });

  test('countryWindows: windows per country outside the US are kept and shown; bad codes, bad windows and US are 400', async () => {
    const { created } = await create({ countryWindows: { GB: '09:00-20:00', DE: '10:00-19:00' } });
    const shown = await h.request('GET', `/api/v1/merchants/${created.id}`, { token: created.apiKey });
    assert.deepEqual(shown.body.countryWindows, { GB: '09:00-20:00', DE: '10:00-19:00' });
    const { created: unset } = await create();
    assert.deepEqual((await h.request('GET', `/api/v1/merchants/${unset.id}`)).body.countryWindows, {});

    for (const bad of [{ gb: '09:00-20:00' }, { GBR: '09:00-20:00' }, { GB: '20:00-09:00' }, { GB: 'evenings' }, { US: '09:00-20:00' }, ['GB']]) {
      const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ countryWindows: bad }) });
      assertErrorEnvelope(response, 400, 'validation_failed');
      assert.ok(issuePaths(response.body).some((path: string) => path.startsWith('countryWindows')), `${JSON.stringify(bad)}: ${response.text}`);
    }
  });

  test('a flow linking through a public URL shortener is refused, naming the step', async () => {
    for (const link of ['https://bit.ly/3xYz', 'tinyurl.com/abc', 'http://www.t.co/x', 'go.rebrand.ly/cart']) {
      const steps = [FLOW.steps[0], { afterSeconds: 7200, template: `{{shopName}}: your cart is waiting ${link}` }];
      const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ flow: { ...FLOW, steps } }) });
      assertErrorEnvelope(response, 400, 'validation_failed');
      const issue = (response.body.error.details as Array<{ path: string; message: string }>).find((d) => d.path === 'flow.steps.1.template');
      assert.ok(issue, `${link}: ${response.text}`);
      assert.match(issue.message, /^step 2 links through a public URL shortener/);
    }
    // The shop's own domain is fine, and so is a word that merely looks like a shortener's name.
    const own = { ...FLOW, steps: [{ afterSeconds: 0, template: '{{shopName}}: see https://contract-shop.example/cart or bitly.example.com, about.co' }] };
    assert.equal((await h.request('POST', '/api/v1/merchants', { body: validInput({ flow: own }) })).status, 201);
  });

  test('a flow step that does not identify the shop is refused, naming the step; the name written out will do', async () => {
    const steps = [FLOW.steps[0], { afterSeconds: 7200, template: 'Your cart misses you: {{recoveryUrl}}' }];
    const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ flow: { ...FLOW, steps } }) });
    assertErrorEnvelope(response, 400, 'validation_failed');
    const issue = (response.body.error.details as Array<{ path: string; message: string }>).find((d) => d.path === 'flow.steps.1.template');
    assert.ok(issue, response.text);
    assert.match(issue.message, /^step 2 does not identify the shop/);

    const literal = { ...FLOW, steps: [{ afterSeconds: 0, template: 'CONTRACT SHOP: your cart is waiting {{recoveryUrl}}' }] };
    assert.equal((await h.request('POST', '/api/v1/merchants', { body: validInput({ flow: literal }) })).status, 201);
    const viaRoot = { ...FLOW, steps: [{ afterSeconds: 0, template: '{{#each items}}{{title}} {{/each}}from {{@root.shopName}}' }] };
    assert.equal((await h.request('POST', '/api/v1/merchants', { body: validInput({ flow: viaRoot }) })).status, 201);
  });

  test('a flow without any step is refused', async () => {
    const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ flow: { ...FLOW, steps: [] } }) });
    assertErrorEnvelope(response, 400, 'validation_failed');
    assert.ok(issuePaths(response.body).includes('flow.steps'), response.text);
  });

  test('a body that is not JSON is refused with malformed_json', async () => {
    const response = await h.request('POST', '/api/v1/merchants', { body: '{"name": "Broken",' });
    assertErrorEnvelope(response, 400, 'malformed_json');
  });

  test('a sender number another merchant already uses is a 409 conflict', async () => {
    const senderNumber = nextSender();
    await create({ senderNumber });
    const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ senderNumber }) });
    assertErrorEnvelope(response, 409, 'conflict');
    assert.match(response.body.error.message, /sender number/);
  });

  test('a messaging service another merchant already uses is a 409 conflict: replies to it could not be told apart', async () => {
    const messagingServiceSid = `MG${randomBytes(16).toString('hex')}`;
    await create({ senderNumber: undefined, messagingServiceSid });
    const response = await h.request('POST', '/api/v1/merchants', { body: validInput({ senderNumber: undefined, messagingServiceSid }) });
    assertErrorEnvelope(response, 409, 'conflict');
    assert.match(response.body.error.message, /messaging service/);
  });

  test('GET with the operator token or the merchant\'s own key shows the merchant, and never its secret or key', async () => {
    const { input, created } = await create({ flow: FLOW });
    for (const token of [undefined, created.apiKey]) {
      const response = await h.request('GET', `/api/v1/merchants/${created.id}`, { token });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.id, created.id);
      assert.equal(response.body.name, input.name);
      assert.equal(response.body.platform, 'shopify');
      assert.equal(response.body.shopDomain, input.shopDomain);
      assert.equal(response.body.timezone, input.timezone);
      assert.equal(response.body.senderNumber, input.senderNumber);
      assert.equal(response.body.webhookUrl, created.webhookUrl);
      assert.equal(response.body.complianceProfile, 'standard');
      assert.deepEqual(response.body.flow.steps, FLOW.steps);
      assert.ok(!response.text.includes(input.webhookSecret as string), 'the webhook secret is never returned');
      assert.ok(!response.text.includes(created.apiKey), 'the API key is never returned');
      assert.equal(response.body.webhookSecret, undefined);
      assert.equal(response.body.apiKey, undefined);
    }
  });

  test('a merchant created without a flow gets exactly the default flow: 900 s, 86400 s, steps at 0 / 1 / 2 days, COMEBACK10 on the last', async () => {
    const { created } = await create();
    const response = await h.request('GET', `/api/v1/merchants/${created.id}`, { token: created.apiKey });
    assert.equal(response.status, 200, response.text);
    // README "Default flow": the templates are the shipped ones; the timings and the discount code are the contract.
    assert.deepEqual(response.body.flow, {
      abandonAfterSeconds: 900,
      optInTimeoutSeconds: 86400,
      steps: [
        { afterSeconds: 0, template: DEFAULT_FLOW_TEMPLATES[0] },
        { afterSeconds: 86400, template: DEFAULT_FLOW_TEMPLATES[1] },
        { afterSeconds: 172800, template: DEFAULT_FLOW_TEMPLATES[2], discountCode: 'COMEBACK10' },
      ],
    });
    // Every step names the shop, and the last one prints the code it carries.
    for (const step of response.body.flow.steps as Array<{ template: string }>) assert.match(step.template, /\{\{shopName\}\}/);
    assert.match(response.body.flow.steps[2].template, /\{\{discountCode\}\}/);
    // What the conversations read is the stored row, the same flow.
    const stored = await h.service.deps.db.models.Merchant.findByPk(created.id);
    assert.deepEqual(stored?.flow, response.body.flow);
  });

  test("another merchant's key gets 404 for a merchant that exists, as for one that does not", async () => {
    const { created: first } = await create();
    const { created: second } = await create();
    const response = await h.request('GET', `/api/v1/merchants/${first.id}`, { token: second.apiKey });
    assertErrorEnvelope(response, 404, 'not_found');
    assert.ok(!response.text.includes(first.id), 'nothing about the other merchant leaks');
    assertErrorEnvelope(await h.request('GET', `/api/v1/merchants/${randomUUID()}`, { token: second.apiKey }), 404, 'not_found');
  });

  test('the operator gets 404 for an unknown id and for an id that is not a UUID', async () => {
    assertErrorEnvelope(await h.request('GET', `/api/v1/merchants/${randomUUID()}`), 404, 'not_found');
    assertErrorEnvelope(await h.request('GET', '/api/v1/merchants/not-a-uuid'), 404, 'not_found');
    // Thirty-six characters of the right alphabet are not yet a UUID: the database would refuse the cast.
    assertErrorEnvelope(await h.request('GET', `/api/v1/merchants/${'-'.repeat(36)}`), 404, 'not_found');
  });

  test('no token, or a token nobody issued, is 401', async () => {
    const { created } = await create();
    assertErrorEnvelope(await h.request('GET', `/api/v1/merchants/${created.id}`, { token: null }), 401, 'unauthorized');
    assertErrorEnvelope(await h.request('GET', `/api/v1/merchants/${created.id}`, { token: 'cr_live_nobody-issued-this' }), 401, 'unauthorized');
    assertErrorEnvelope(await h.request('POST', '/api/v1/merchants', { body: validInput(), token: null }), 401, 'unauthorized');
    assertErrorEnvelope(
      await h.request('GET', `/api/v1/merchants/${created.id}`, { token: null, headers: { authorization: `Basic ${created.apiKey}` } }),
      401,
      'unauthorized',
    );
  });

  test('a merchant key on POST /merchants is 403 and creates nothing', async () => {
    const { created } = await create();
    const before = await h.service.deps.db.models.Merchant.count();
    const response = await h.request('POST', '/api/v1/merchants', { body: validInput(), token: created.apiKey });
    assertErrorEnvelope(response, 403, 'forbidden');
    assert.equal(await h.service.deps.db.models.Merchant.count(), before);
  });
});
