import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { pino } from 'pino';
import { ConnectionAcquireTimeoutError } from 'sequelize';
import { errorHandler } from '../../src/http/errors.js';

describe('error handler', () => {
  let url: string;
  let close: () => void;

  before(async () => {
    const app = express();
    app.get('/busy', () => {
      throw new ConnectionAcquireTimeoutError(new Error('Operation timeout'));
    });
    app.get('/bug', () => {
      throw new Error('a bug of ours');
    });
    app.use(errorHandler(pino({ level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  after(() => close?.());

  it('answers 503 busy with Retry-After when no database connection could be had, so the platform retries later', async () => {
    const response = await fetch(`${url}/busy`);
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
    assert.deepEqual(await response.json(), { error: { code: 'busy', message: 'the service is busy; retry shortly' } });
  });

  it('answers 500 internal for anything else, without the error’s text', async () => {
    const response = await fetch(`${url}/bug`);
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { error: { code: 'internal', message: 'internal error' } });
  });
});
