import { AppError } from '../errors.js';

/**
 * A template the merchant cannot save, with where the problem is (1-based),
 * when known. Its own file so the checker and `render.ts` can both throw it
 * without importing each other.
 */
export class TemplateError extends AppError {
  declare readonly code: 'invalid_template';
  constructor(message: string, readonly line: number | null = null, readonly column: number | null = null) {
    super('invalid_template', message, 400, { line, column });
  }
}
