import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { createConsoleProvider } from '../../../src/integrations/console/console-provider.js';
import type { OutgoingSms } from '../../../src/domain/sms.js';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

const message: OutgoingSms = {
  to: '+15024592181',
  from: '+14155550100',
  messagingServiceSid: null,
  body: 'Your cart is waiting: https://shop.example/r/abc',
  statusCallbackUrl: null,
};

test('console provider logs the text at info and returns a sent receipt with a CONSOLE id', async () => {
  const { logger, lines } = capturingLogger();
  const provider = createConsoleProvider({ logger });
  assert.equal(provider.name, 'console');
  const receipt = await provider.send(message);

  assert.match(receipt.providerMessageId, /^CONSOLE[0-9a-f]{32}$/);
  assert.equal(receipt.status, 'sent');
  assert.equal(receipt.segments, 1);
  assert.equal(lines.length, 1);
  const line = lines[0]!;
  assert.equal(line.level, 30);
  assert.equal(line.to, message.to);
  assert.equal(line.body, message.body);
  assert.equal(line.segments, 1);
  assert.equal(line.id, receipt.providerMessageId);
});

test('console provider hands out a fresh id per message, with the configured prefix', async () => {
  const { logger } = capturingLogger();
  const provider = createConsoleProvider({ logger, idPrefix: 'DEV' });
  const a = await provider.send(message);
  const b = await provider.send(message);
  assert.match(a.providerMessageId, /^DEV[0-9a-f]{32}$/);
  assert.notEqual(a.providerMessageId, b.providerMessageId);
});

test('console provider counts segments as a carrier would bill them', async () => {
  const { logger } = capturingLogger();
  const provider = createConsoleProvider({ logger });
  assert.equal((await provider.send({ ...message, body: 'a'.repeat(160) })).segments, 1);
  assert.equal((await provider.send({ ...message, body: 'a'.repeat(161) })).segments, 2);
  // One non-GSM character switches the whole text to UCS-2 (70 per single segment, 67 per part).
  assert.equal((await provider.send({ ...message, body: 'é'.repeat(70) })).segments, 1); // é is GSM-7
  assert.equal((await provider.send({ ...message, body: '🛒' + 'a'.repeat(68) })).segments, 1);
  assert.equal((await provider.send({ ...message, body: '🛒' + 'a'.repeat(69) })).segments, 2);
  // Extension characters take two septets.
  assert.equal((await provider.send({ ...message, body: '€'.repeat(80) })).segments, 1);
  assert.equal((await provider.send({ ...message, body: '€'.repeat(81) })).segments, 2);
});
