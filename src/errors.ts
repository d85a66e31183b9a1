/**
 * Errors that cross a boundary carry a stable `code` (part of the API) and the
 * HTTP status they map to. Anything else is a bug and becomes a 500.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super('validation_failed', message, 400, details);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', `${what} not found`, 404);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'missing or invalid credentials') {
    super('unauthorized', message, 401);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'not allowed') {
    super('forbidden', message, 403);
  }
}

export class InvalidSignatureError extends AppError {
  constructor(status: 401 | 403, message = 'signature does not match') {
    super('invalid_signature', message, status);
  }
}
