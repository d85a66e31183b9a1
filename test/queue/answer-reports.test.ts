import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { answerFeed, answerReporter, AnswerReportSchema, MAX_ANSWERS_PER_REPORT, type AnswerReport } from '../../src/queue/answer-reports.js';
import { createBackgroundPacer, DEFAULT_PACER_SETTINGS, webhookFirst } from '../../src/queue/background-pacer.js';

/** A reporter whose interval never fires within a test (a minute): each test flushes by hand. */
function reporterInto(sent: AnswerReport[], source = 'web-1') {
  return answerReporter({ source, windowMs: 60_000, publish: (message) => sent.push(AnswerReportSchema.parse(JSON.parse(message))) });
}

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: Array<{ msg: string; level: number }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { msg: string; level: number });
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

describe('answer reports: the web process side', () => {
  it('says nothing while no webhook is in flight or answered', () => {
    const sent: AnswerReport[] = [];
    const reporter = reporterInto(sent);
    reporter.flush();
    reporter.close();
    assert.deepEqual(sent, []);
  });

  it('reports the answer times of its window once, with the webhooks still in flight', () => {
    const sent: AnswerReport[] = [];
    const reporter = reporterInto(sent);
    for (let i = 0; i < 3; i++) reporter.webhookStarted();
    reporter.webhookFinished(4.26);
    reporter.webhookFinished(31);
    reporter.flush();
    assert.deepEqual(sent, [{ source: 'web-1', answersMs: [4.3, 31], inFlight: 1 }]);
    reporter.flush();
    assert.deepEqual(sent[1], { source: 'web-1', answersMs: [], inFlight: 1 }, 'a webhook still in flight is reported every window, answered or not');
    reporter.webhookFinished(900);
    reporter.close();
    assert.deepEqual(sent[2], { source: 'web-1', answersMs: [900], inFlight: 0 }, 'closing sends what is left');
  });

  it('keeps a report within its bound: past it, later answers take the place of earlier ones', () => {
    const sent: AnswerReport[] = [];
    const reporter = reporterInto(sent);
    for (let i = 0; i < MAX_ANSWERS_PER_REPORT + 5; i++) {
      reporter.webhookStarted();
      reporter.webhookFinished(i < MAX_ANSWERS_PER_REPORT ? 1 : 99);
    }
    reporter.close();
    assert.equal(sent[0]?.answersMs.length, MAX_ANSWERS_PER_REPORT);
    assert.deepEqual(sent[0]?.answersMs.slice(0, 6), [99, 99, 99, 99, 99, 1]);
  });
});

describe('answer reports: the worker side', () => {
  function pacedFeed() {
    let now = 0;
    const pacer = webhookFirst(createBackgroundPacer(), () => now);
    const { logger, lines } = capturedLogger();
    const feed = answerFeed(pacer, { quietMs: DEFAULT_PACER_SETTINGS.quietMs, now: () => now, logger });
    const report = (source: string, answersMs: number[], inFlight: number) => feed.receive(JSON.stringify({ source, answersMs, inFlight }));
    return { pacer, feed, report, lines, at: (ms: number) => (now = ms) };
  }

  it('a report paces the worker; the webhooks in flight of every web process heard lately add up', () => {
    const { pacer, report, at } = pacedFeed();
    assert.equal(pacer.state().perSecond, null);
    report('web-1', [3, 4], 2);
    report('web-2', [], 5);
    assert.equal(pacer.state().webhooksInFlight, 7);
    assert.equal(pacer.state().perSecond, DEFAULT_PACER_SETTINGS.initialPerSecond);
    at(600);
    report('web-1', [], 1);
    assert.equal(pacer.state().webhooksInFlight, 6, 'each web process counts with its latest report');
    at(1100);
    report('web-1', [], 1);
    assert.equal(pacer.state().webhooksInFlight, 1, 'web-2, silent for the quiet spell, no longer counts');
  });

  it('slow answers reported by a web process slow the worker down', () => {
    const { pacer, report, at } = pacedFeed();
    report('web-1', [80, 90, 120], 0);
    at(DEFAULT_PACER_SETTINGS.windowMs);
    report('web-1', [70], 0);
    assert.equal(pacer.state().perSecond, DEFAULT_PACER_SETTINGS.initialPerSecond / 2);
  });

  it('ignores what is not a report, and says so once a minute rather than per message', () => {
    const { pacer, feed, lines, at } = pacedFeed();
    for (const message of ['not json', '{"source":"web-1"}', JSON.stringify({ source: 'web-1', answersMs: [-1], inFlight: 0 }), JSON.stringify({ source: '', answersMs: [], inFlight: 0 })]) {
      feed.receive(message);
    }
    assert.equal(pacer.state().perSecond, null, 'nothing paced on the strength of a bad message');
    const warnings = () => lines.filter((line) => line.msg === 'an answer report that is not one was ignored');
    assert.equal(warnings().length, 1);
    at(60_000);
    feed.receive('still not json');
    assert.equal(warnings().length, 2);
  });
});
