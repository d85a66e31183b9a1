import { pino, type Logger } from 'pino';

/** Paths that may hold secrets; pino replaces them before anything is written. */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-shopify-hmac-sha256"]',
  'req.headers["x-twilio-signature"]',
  '*.webhookSecret',
  '*.authToken',
  '*.apiKey',
  '*.adminToken',
  '*.secretsKey',
  'webhookSecret',
  'apiKey',
  'authToken',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'cartrescue' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? process.stdout,
  );
}

export type { Logger };
