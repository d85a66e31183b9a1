import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { createHttpServer } from '../../src/http/http-server.js';

describe('the HTTP server: requests are born Express requests', () => {
  const app = express();
  app.use(express.json());
  app.post('/echo/:id', (req, res) => {
    res.status(201).json({ id: req.params.id, header: req.get('x-probe'), body: req.body as unknown });
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: { code: 'internal', message: error.message } });
  });
  const server = createHttpServer(app);
  const prototypesSeen: Array<[object | null, object | null]> = [];
  server.prependListener('request', (req: IncomingMessage, res) => prototypesSeen.push([Object.getPrototypeOf(req), Object.getPrototypeOf(res)]));
  let base = '';

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("request and response already have the app's prototypes before Express sees them, so it never swaps them", async () => {
    prototypesSeen.length = 0;
    const response = await fetch(`${base}/echo/a1`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await response.arrayBuffer();
    assert.equal(prototypesSeen.length, 1);
    assert.equal(prototypesSeen[0]?.[0], app.request);
    assert.equal(prototypesSeen[0]?.[1], app.response);
  });

  test('routing, params, headers, body parsing and JSON answers work as with app.listen', async () => {
    const response = await fetch(`${base}/echo/a2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-probe': 'yes' },
      body: JSON.stringify({ n: 1 }),
    });
    assert.equal(response.status, 201);
    assert.deepEqual(await response.json(), { id: 'a2', header: 'yes', body: { n: 1 } });
  });

  test('errors reach the error handler', async () => {
    const response = await fetch(`${base}/boom`);
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { error: { code: 'internal', message: 'boom' } });
  });
});
