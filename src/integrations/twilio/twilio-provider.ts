import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as SdkResponse from 'twilio/lib/http/response.js';
import type { MessageInstance } from 'twilio/lib/rest/api/v2010/account/message.js';
import type { Logger } from 'pino';
import { Agent, request, type Dispatcher } from 'undici';
import { SmsSendError, type OutgoingSms, type SmsProvider, type SmsReceipt } from '../../domain/sms.js';

export interface TwilioProviderOptions {
  accountSid: string;
  authToken: string;
  /** Replaces `https://api.twilio.com` (tests point the SDK at a local server). Null: the real API. */
  apiBaseUrl: string | null;
  /** Per-request timeout handed to the SDK's RequestClient. */
  timeoutMs: number;
  logger?: Logger;
}

/** Any Twilio REST host the SDK may build (`api.twilio.com`, or with edge/region from TWILIO_EDGE / TWILIO_REGION). */
const TWILIO_API_ORIGIN = /^https:\/\/api(?:\.[a-z0-9-]+)*\.twilio\.com(?=[/?#]|$)/i;

/** Form and query values the SDK hands over: scalars, or arrays sent as repeated keys (its `arrayFormat: "repeat"`). */
function formEncode(fields: object): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) form.append(name, String(item));
    }
  }
  return form.toString();
}

/**
 * The transport under the official SDK. The SDK still builds every request
 * (path, form fields, headers) and reads every answer (it parses the JSON body
 * and raises RestException); this client only carries the bytes, on undici's
 * keep-alive pool instead of the SDK's axios stack, which cost a sender more
 * CPU than the rest of a delivery. Two more changes from the SDK's own client:
 * the API origin is rewritten when `apiBaseUrl` is set, and the SDK's console
 * debug logging (TWILIO_LOG_LEVEL=debug) is never switched on.
 */
class TwilioHttpClient extends twilio.RequestClient {
  readonly #baseUrl: string | null;
  readonly #timeoutMs: number;
  readonly #agent: Agent;

  constructor(baseUrl: string | null, timeoutMs: number) {
    super({ timeout: timeoutMs, autoRetry: false });
    this.#baseUrl = baseUrl ? baseUrl.replace(/\/+$/, '') : null;
    this.#timeoutMs = timeoutMs;
    this.#agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<SdkResponse.default<TData>> {
    const url = new URL(this.#baseUrl ? opts.uri.replace(TWILIO_API_ORIGIN, this.#baseUrl) : opts.uri);
    if (opts.params) {
      const query = formEncode(opts.params);
      if (query) url.search = url.search ? `${url.search}&${query}` : query;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(opts.headers ?? {})) {
      if (typeof value === 'string' && name.toLowerCase() !== 'connection') headers[name] = value;
    }
    if (opts.username && opts.password) {
      headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    } else if (opts.authStrategy) {
      headers.Authorization = await opts.authStrategy.getAuthString();
    }
    let body: string | undefined;
    if (opts.data !== undefined && opts.data !== null) {
      const contentType = headers['Content-Type'];
      if (contentType === 'application/x-www-form-urlencoded') body = formEncode(opts.data);
      else if (contentType === 'application/json') body = JSON.stringify(opts.data);
    }
    const timeout = opts.timeout ?? this.#timeoutMs;
    const answer = await request(url, {
      method: opts.method.toUpperCase() as Dispatcher.HttpMethod,
      headers,
      body,
      dispatcher: this.#agent,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    // The SDK parses a string body itself (JSON for records, and its error shapes for a refusal).
    const text = await answer.body.text();
    return { statusCode: answer.statusCode, body: text, headers: answer.headers } as unknown as SdkResponse.default<TData>;
  }

  /** Closes the kept-alive connections. */
  close(): Promise<void> {
    return this.#agent.close();
  }
}

class DeadlineExceeded extends Error {
  readonly code = 'ETIMEDOUT';
}

/** A last guard in case the socket timeout never fires (a server that trickles bytes). */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface ApiErrorLike {
  status: number;
  code?: number | string;
  message: string;
}

/**
 * The SDK throws `RestException` (legacy `{code, message, more_info, status}`
 * bodies) or `TwilioServiceException` (RFC 9457 bodies, not exported from the
 * package root) when Twilio answers with a non-2xx status. Both carry a numeric
 * `status`; transport errors are AxiosErrors (`isAxiosError`, string `code`).
 */
function isApiError(err: unknown): err is ApiErrorLike {
  if (err instanceof twilio.RestException) return true;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { status?: unknown; isAxiosError?: unknown };
  return typeof e.status === 'number' && e.isAxiosError !== true;
}

/**
 * Maps whatever the SDK threw to SmsSendError. Never attaches the original
 * error: an AxiosError carries the request config, whose Authorization header
 * holds the account SID and auth token, and pino would serialize it.
 */
function toSendError(err: unknown): { error: SmsSendError; httpStatus: number | null; transportCode: string | null } {
  if (err instanceof SmsSendError) return { error: err, httpStatus: null, transportCode: null };
  if (isApiError(err)) {
    const code = err.code === undefined || err.code === null ? null : String(err.code);
    const label = `HTTP ${err.status}${code ? `, Twilio error ${code}` : ''}`;
    if (err.status >= 400 && err.status < 500) {
      // Twilio answered and refused: the message was not created.
      return {
        error: new SmsSendError(`Twilio refused the message (${label}): ${err.message}`, true, code),
        httpStatus: err.status,
        transportCode: null,
      };
    }
    // A 5xx (or anything odd) from Twilio's side: it may have queued the message anyway.
    return {
      error: new SmsSendError(`Twilio failed while handling the message (${label}); it may or may not have been sent`, false, code),
      httpStatus: err.status,
      transportCode: null,
    };
  }
  const transportCode =
    typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
      ? (err as { code: string }).code
      : null;
  const reason = transportCode ?? (err instanceof Error ? err.name : 'unknown error');
  return {
    error: new SmsSendError(`no usable answer from Twilio (${reason}); the message may or may not have been sent`, false, null),
    httpStatus: null,
    transportCode,
  };
}

function toReceipt(m: MessageInstance): SmsReceipt {
  if (typeof m.sid !== 'string' || m.sid === '') {
    throw new SmsSendError('Twilio answered without a message sid; the message may or may not have been sent', false, null);
  }
  const segments = Number.parseInt(String(m.numSegments ?? ''), 10);
  return {
    providerMessageId: m.sid,
    status: String(m.status ?? 'queued'),
    // A Messaging Service answers num_segments "0" until it has picked a sender: unknown, not zero.
    segments: Number.isFinite(segments) && segments > 0 ? segments : null,
  };
}

export function createTwilioProvider(opts: TwilioProviderOptions): SmsProvider {
  const httpClient = new TwilioHttpClient(opts.apiBaseUrl, opts.timeoutMs);
  const client = twilio(opts.accountSid, opts.authToken, { httpClient, autoRetry: false });
  const log = opts.logger?.child({ provider: 'twilio' });
  const hardDeadlineMs = opts.timeoutMs + 1000;

  return {
    name: 'twilio',
    async send(message: OutgoingSms): Promise<SmsReceipt> {
      if (!message.from && !message.messagingServiceSid) {
        throw new SmsSendError('message has neither a from number nor a messaging service', true, null);
      }
      const started = Date.now();
      try {
        const created = await withDeadline(
          client.messages.create({
            to: message.to,
            body: message.body,
            ...(message.messagingServiceSid ? { messagingServiceSid: message.messagingServiceSid } : {}),
            ...(message.from ? { from: message.from } : {}),
            ...(message.statusCallbackUrl ? { statusCallback: message.statusCallbackUrl } : {}),
          }),
          hardDeadlineMs,
        );
        const receipt = toReceipt(created);
        log?.info(
          { sid: receipt.providerMessageId, status: receipt.status, segments: receipt.segments, ms: Date.now() - started },
          'sms handed to twilio',
        );
        log?.debug({ sid: receipt.providerMessageId, to: message.to, bodyLength: message.body.length }, 'twilio send detail');
        return receipt;
      } catch (err) {
        const { error, httpStatus, transportCode } = toSendError(err);
        log?.warn(
          {
            definite: error.definite,
            providerErrorCode: error.providerErrorCode,
            httpStatus,
            transportCode,
            ms: Date.now() - started,
          },
          error.definite ? 'twilio refused sms' : 'twilio send outcome unknown',
        );
        throw error;
      }
    },
    close: () => httpClient.close(),
  };
}
