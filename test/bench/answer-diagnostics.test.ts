import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { summariseStalls } from '../../bench/lib/loop-stalls.js';
import { answersOver, parseServerAnswers } from '../../bench/lib/server-answers.js';

const METRICS = (within50: number, count: number) => `# HELP cartrescue_http_request_duration_seconds HTTP answer time by route and status
# TYPE cartrescue_http_request_duration_seconds histogram
cartrescue_http_request_duration_seconds_bucket{le="0.025",route="/webhooks/shopify/:merchantId",status="200"} ${within50 - 10}
cartrescue_http_request_duration_seconds_bucket{le="0.05",route="/webhooks/shopify/:merchantId",status="200"} ${within50}
cartrescue_http_request_duration_seconds_bucket{le="+Inf",route="/webhooks/shopify/:merchantId",status="200"} ${count}
cartrescue_http_request_duration_seconds_count{route="/webhooks/shopify/:merchantId",status="200"} ${count}
cartrescue_http_request_duration_seconds_bucket{le="0.05",route="/webhooks/shopify/:merchantId",status="401"} 2
cartrescue_http_request_duration_seconds_count{route="/webhooks/shopify/:merchantId",status="401"} 2
cartrescue_http_request_duration_seconds_bucket{le="0.05",route="/healthz",status="200"} 7
cartrescue_http_request_duration_seconds_count{route="/healthz",status="200"} 9
`;

describe('bench: where slow answers come from', () => {
  test("the service's own count of slow webhook answers between two readings, over every status and no other route", () => {
    const before = parseServerAnswers(METRICS(100, 100));
    const after = parseServerAnswers(METRICS(1_080, 1_100));
    assert.deepEqual(answersOver(before, after, 0.05), { answers: 1_000, over: 20 });
    assert.equal(answersOver(before, after, 0.075), null, 'not a bucket bound: unknown rather than wrong');
    assert.equal(answersOver(null, after, 0.05), null);
  });

  test('a slow answer counts against a stall of the bench only when the two overlap', () => {
    const stalls = [
      { from: 1_000, to: 1_040 },
      { from: 2_000, to: 2_025.4 },
    ];
    const samples = [
      { startedAt: 900, endedAt: 1_010 }, // slow, overlaps
      { startedAt: 1_035, endedAt: 1_100 }, // slow, overlaps at its start
      { startedAt: 1_050, endedAt: 1_200 }, // slow, after the stall
      { startedAt: 1_000, endedAt: 1_020 }, // fast
    ];
    assert.deepEqual(summariseStalls(samples, stalls, 50), { count: 2, totalMs: 65, maxMs: 40, slowAnswers: 3, slowDuringStall: 2 });
  });
});
