/**
 * A local stand-in for Twilio's Messages API, speaking its wire format:
 * `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded body,
 * HTTP basic auth (account SID : auth token), 201 with a JSON message
 * resource, and Twilio's JSON error shape `{code, message, more_info, status}`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  path: string;
  /** Basic-auth user name (the account SID the client sent), null without basic auth. */
  authUser: string | null;
  /** True when user and password matched the configured account. */
  authOk: boolean;
  /** Form fields (last value wins for a repeated field). */
  form: Record<string, string>;
  rawBody: string;
  headers: Record<string, string | string[] | undefined>;
  receivedAt: Date;
  /** HTTP status the fake decided to answer with (it is written after `delayMs`). */
  status: number;
  /** Sid of the created message; null when the request was refused. */
  sid: string | null;
  /** Twilio error code when refused. */
  errorCode: number | null;
}

export interface FailOptions {
  /** Only requests to this number fail; any number when unset. */
  to?: string;
  /** How many requests fail (default 1). */
  times?: number;
  message?: string;
}

export interface FakeTwilio {
  /** Base URL to use instead of `https://api.twilio.com`. */
  url: string;
  accountSid: string;
  /** Every request received, refused ones included, in arrival order. */
  requests: RecordedRequest[];
  /** Numbers answered with error 21610 (recipient replied STOP). Mutable. */
  optedOut: Set<string>;
  /** Delay before each answer. Mutable; the message is created on arrival, as on the real API. */
  delayMs: number;
  /** Accepted messages (201) to a number. */
  messagesTo(phone: string): RecordedRequest[];
  /** Resolves once `count` messages (to `to`, when set) have been accepted. */
  waitForMessages(count: number, opts?: { to?: string; timeoutMs?: number }): Promise<RecordedRequest[]>;
  /** Answers the next request(s) with a Twilio error. */
  failNext(code: number, status: number, opts?: FailOptions): void;
  close(): Promise<void>;
}

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  delayMs?: number;
  optedOut?: Iterable<string>;
}

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const E164 = /^\+[1-9]\d{6,14}$/;

const ERROR_MESSAGES: Record<number, string> = {
  20003: 'Authenticate',
  20404: 'The requested resource was not found',
  21211: "Invalid 'To' Phone Number",
  21602: 'Message body is required.',
  21603: "A 'From' phone number is required.",
  21604: "A 'To' phone number is required.",
  21610: 'Attempt to send to unsubscribed recipient',
  30001: 'Queue overflow',
};

function twilioError(code: number, status: number, message?: string) {
  return {
    code,
    message: message ?? ERROR_MESSAGES[code] ?? `Error ${code}`,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  };
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Twilio's date format: RFC 2822, e.g. "Tue, 26 Jul 2016 12:50:07 +0000". */
function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

// Segment count Twilio reports for a number sender: GSM-7 160/153, otherwise UCS-2 70/67.
const GSM7 = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXT = new Set('^{}\\[~]|€\f');
function segmentsOf(body: string): number {
  let septets = 0;
  for (const ch of body) {
    if (GSM7.has(ch)) septets += 1;
    else if (GSM7_EXT.has(ch)) septets += 2;
    else return body.length <= 70 ? 1 : Math.ceil(body.length / 67);
  }
  return septets <= 160 ? 1 : Math.ceil(septets / 153);
}

function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  if (!header || !/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeTwilio(opts: FakeTwilioOptions): Promise<FakeTwilio> {
  const requests: RecordedRequest[] = [];
  const failures: { code: number; status: number; to: string | null; remaining: number; message?: string }[] = [];
  const events = new EventEmitter();
  const pending = new Set<NodeJS.Timeout>();

  const fake: FakeTwilio = {
    url: '',
    accountSid: opts.accountSid,
    requests,
    optedOut: new Set(opts.optedOut ?? []),
    delayMs: opts.delayMs ?? 0,
    messagesTo(phone) {
      return requests.filter((r) => r.status === 201 && r.form.To === phone);
    },
    waitForMessages(count, waitOpts = {}) {
      const { to, timeoutMs = 2000 } = waitOpts;
      const matching = () => requests.filter((r) => r.status === 201 && (to === undefined || r.form.To === to));
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = matching();
          if (found.length >= count) {
            cleanup();
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `fake Twilio: expected ${count} message(s)${to ? ` to ${to}` : ''} within ${timeoutMs} ms, got ${matching().length} (${requests.length} request(s) in all)`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          events.off('request', check);
        };
        events.on('request', check);
        check();
      });
    },
    failNext(code, status, failOpts = {}) {
      failures.push({ code, status, to: failOpts.to ?? null, remaining: failOpts.times ?? 1, message: failOpts.message });
    },
    async close() {
      for (const t of pending) clearTimeout(t);
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };

  function decide(req: IncomingMessage, form: Record<string, string>, auth: ReturnType<typeof parseBasicAuth>) {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const match = MESSAGES_PATH.exec(path);
    const authOk = auth !== null && auth.user === opts.accountSid && auth.password === opts.authToken;
    if (!authOk) return { authOk, status: 401, body: twilioError(20003, 401) };
    if (!match || req.method !== 'POST' || match[1] !== opts.accountSid) {
      return { authOk, status: 404, body: twilioError(20404, 404, `The requested resource ${path} was not found`) };
    }
    const to = form.To;
    if (!to) return { authOk, status: 400, body: twilioError(21604, 400) };
    if (!form.From && !form.MessagingServiceSid) return { authOk, status: 400, body: twilioError(21603, 400) };
    if (!E164.test(to)) return { authOk, status: 400, body: twilioError(21211, 400, `The 'To' number ${to} is not a valid phone number.`) };
    if (!form.Body && !form.MediaUrl && !form.ContentSid) return { authOk, status: 400, body: twilioError(21602, 400) };

    const failure = failures.find((f) => f.remaining > 0 && (f.to === null || f.to === to));
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining === 0) failures.splice(failures.indexOf(failure), 1);
      return { authOk, status: failure.status, body: twilioError(failure.code, failure.status, failure.message) };
    }
    if (fake.optedOut.has(to)) return { authOk, status: 400, body: twilioError(21610, 400) };

    const sid = `SM${hex(16)}`;
    const now = rfc2822(new Date());
    const viaService = Boolean(form.MessagingServiceSid);
    const uri = `/2010-04-01/Accounts/${opts.accountSid}/Messages/${sid}.json`;
    const resource = {
      account_sid: opts.accountSid,
      api_version: '2010-04-01',
      body: form.Body ?? '',
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: form.From ?? null,
      messaging_service_sid: form.MessagingServiceSid ?? null,
      num_media: '0',
      // With a Messaging Service, Twilio answers "accepted" and "0" segments until it has picked a sender.
      num_segments: viaService ? '0' : String(segmentsOf(form.Body ?? '')),
      price: null,
      price_unit: 'USD',
      sid,
      status: viaService ? 'accepted' : 'queued',
      subresource_uris: {
        media: `/2010-04-01/Accounts/${opts.accountSid}/Messages/${sid}/Media.json`,
        feedback: `/2010-04-01/Accounts/${opts.accountSid}/Messages/${sid}/Feedback.json`,
      },
      to,
      uri,
    };
    return { authOk, status: 201, body: resource, sid };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const form: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawBody)) form[k] = v;
    const auth = parseBasicAuth(req.headers.authorization);
    const decision = decide(req, form, auth);
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      authUser: auth?.user ?? null,
      authOk: decision.authOk,
      form,
      rawBody,
      headers: { ...req.headers },
      receivedAt: new Date(),
      status: decision.status,
      sid: 'sid' in decision && typeof decision.sid === 'string' ? decision.sid : null,
      errorCode: decision.status >= 400 ? (decision.body as { code: number }).code : null,
    };
    requests.push(record);
    events.emit('request', record);

    const answer = () => {
      const payload = JSON.stringify(decision.body);
      res.writeHead(decision.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(payload),
        'twilio-request-id': `RQ${hex(16)}`,
        ...(decision.status === 401 ? { 'www-authenticate': 'Basic realm="Twilio API"' } : {}),
      });
      res.end(payload);
    };
    const delay = fake.delayMs;
    if (delay > 0) {
      const t = setTimeout(() => {
        pending.delete(t);
        if (!res.destroyed) answer();
      }, delay);
      pending.add(t);
    } else {
      answer();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(twilioError(20500, 500, err instanceof Error ? err.message : 'internal error')));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  return fake;
}
