import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

type Constructor = (...args: unknown[]) => void;

/**
 * The HTTP server for an Express app, whose requests and responses are born
 * with the app's own prototypes (`app.request`, `app.response`).
 *
 * Express otherwise gives every request and response its prototype with
 * `Object.setPrototypeOf` as it starts handling them. V8 then keeps what
 * those objects reach alive through every young-generation collection until
 * the next full one: on the webhook path that was about a third of what the
 * web process promoted to the old generation, freed only by full GCs, whose
 * pauses hold up the answers in flight. Created with the right prototype,
 * Express's call changes nothing and that garbage dies young.
 */
export function createHttpServer(app: Express): Server {
  function Request(this: IncomingMessage, socket: Socket): void {
    Reflect.apply(IncomingMessage as unknown as Constructor, this, [socket]);
  }
  Request.prototype = app.request;
  function Response(this: ServerResponse, req: IncomingMessage, options?: unknown): void {
    Reflect.apply(ServerResponse as unknown as Constructor, this, [req, options]);
  }
  Response.prototype = app.response;
  return createServer(
    {
      IncomingMessage: Request as unknown as typeof IncomingMessage,
      ServerResponse: Response as unknown as typeof ServerResponse,
    },
    app,
  );
}
