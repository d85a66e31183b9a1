import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answersTheShopper } from '../../src/conversations/answer-kinds.js';

describe('which texts answer the shopper (not marketing; queued ahead of campaign texts)', () => {
  it('the STOP, START and HELP replies answer the shopper', () => {
    for (const kind of ['stop_confirmation', 'start_confirmation', 'help'] as const) assert.equal(answersTheShopper(kind), true, kind);
  });

  it('opt-in requests and reminders are campaign texts', () => {
    for (const kind of ['opt_in_request', 'reminder'] as const) assert.equal(answersTheShopper(kind), false, kind);
  });
});
