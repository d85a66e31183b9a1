import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ConnectionAcquireTimeoutError } from 'sequelize';
import { ZodError } from 'zod';
import type { Logger } from 'pino';
import { AppError, NotFoundError } from '../errors.js';

const BUSY_RETRY_AFTER_S = 5;

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function zodDetails(error: ZodError) {
  return error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

export const notFound: RequestHandler = (req, _res, next) => next(new NotFoundError(`route ${req.method} ${req.path}`));

/** Every error becomes `{"error":{"code","message"}}`; only our own bugs are 500s, and they are logged. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof AppError) {
      res.status(error.status).json(errorBody(error.code, error.message, error.details));
      return;
    }
    if (error instanceof ZodError) {
      res.status(400).json(errorBody('validation_failed', 'request does not match the schema', zodDetails(error)));
      return;
    }
    const parserError = error as { type?: string; status?: number; message?: string };
    if (parserError.type === 'entity.parse.failed') {
      res.status(400).json(errorBody('malformed_json', 'request body is not valid JSON'));
      return;
    }
    if (parserError.type === 'entity.too.large') {
      res.status(413).json(errorBody('payload_too_large', 'request body is too large'));
      return;
    }
    if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      res.status(parserError.status).json(errorBody('bad_request', parserError.message ?? 'bad request'));
      return;
    }
    if (error instanceof ConnectionAcquireTimeoutError) {
      // Overloaded, not broken: every connection is busy. Platforms retry a 503, and Retry-After says when.
      logger.warn({ method: req.method, path: req.path }, 'database busy; request refused with 503');
      res.set('Retry-After', String(BUSY_RETRY_AFTER_S));
      res.status(503).json(errorBody('busy', 'the service is busy; retry shortly'));
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json(errorBody('internal', 'internal error'));
  };
}
