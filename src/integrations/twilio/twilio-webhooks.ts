import twilio from 'twilio';
import { z } from 'zod';
import type { DeliveryReport, DeliveryState, InboundSms } from '../../domain/sms.js';
import { isE164 } from '../../domain/phone.js';
import { AppError } from '../../errors.js';

/** A Twilio webhook body that does not have the shape Twilio sends. */
export class TwilioPayloadError extends AppError {
  constructor(message: string, details?: unknown) {
    super('invalid_payload', message, 400, details);
  }
}

const messageSid = z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'expected a message SID');
const e164 = z.string().refine(isE164, 'expected an E.164 phone number');
/** Twilio sends empty strings for unknown values (`ToCity: ""`). */
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));

/** Form body Twilio POSTs to the inbound-message webhook. Extra fields are kept. */
export const twilioInboundSchema = z.looseObject({
  MessageSid: messageSid,
  AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'expected an account SID'),
  From: e164,
  To: e164,
  Body: z.string(),
  MessagingServiceSid: optionalText,
  OptOutType: optionalText,
  FromState: optionalText,
  FromCountry: optionalText,
});
export type TwilioInboundBody = z.infer<typeof twilioInboundSchema>;

const deliveryStates = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'accepted',
  'scheduled',
  'read',
  'canceled',
  'receiving',
  'received',
] as const satisfies readonly DeliveryState[];

/** Form body Twilio POSTs to a message's StatusCallback URL. Extra fields are kept. */
export const twilioStatusSchema = z
  .looseObject({
    MessageSid: messageSid,
    AccountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'expected an account SID'),
    /** Current name of the field; `SmsStatus` is the legacy duplicate. */
    MessageStatus: z.enum(deliveryStates).optional(),
    SmsStatus: z.enum(deliveryStates).optional(),
    ErrorCode: optionalText.pipe(z.string().regex(/^\d+$/, 'expected a numeric error code').nullable()),
  })
  .refine((b) => b.MessageStatus !== undefined || b.SmsStatus !== undefined, {
    message: 'MessageStatus is required',
    path: ['MessageStatus'],
  });
export type TwilioStatusBody = z.infer<typeof twilioStatusSchema>;

function describe(error: z.ZodError): { path: string; message: string }[] {
  // Paths and messages only: the values are phone numbers and message text.
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Only Twilio's three advanced opt-out types; anything else is ignored. */
function optOutType(value: string | null): InboundSms['optOutType'] {
  const upper = value?.toUpperCase();
  return upper === 'STOP' || upper === 'START' || upper === 'HELP' ? upper : null;
}

export function parseInbound(params: Record<string, string>): InboundSms {
  const parsed = twilioInboundSchema.safeParse(params);
  if (!parsed.success) {
    throw new TwilioPayloadError('invalid Twilio inbound message', describe(parsed.error));
  }
  const b = parsed.data;
  return {
    providerMessageId: b.MessageSid,
    from: b.From,
    to: b.To,
    messagingServiceSid: b.MessagingServiceSid,
    body: b.Body,
    optOutType: optOutType(b.OptOutType),
    fromState: b.FromState?.toUpperCase() ?? null,
    fromCountry: b.FromCountry?.toUpperCase() ?? null,
    raw: { ...params },
  };
}

export function parseStatus(params: Record<string, string>): DeliveryReport {
  const parsed = twilioStatusSchema.safeParse(params);
  if (!parsed.success) {
    throw new TwilioPayloadError('invalid Twilio status callback', describe(parsed.error));
  }
  const b = parsed.data;
  const status = b.MessageStatus ?? b.SmsStatus;
  if (status === undefined) throw new TwilioPayloadError('invalid Twilio status callback'); // unreachable: refined above
  return {
    providerMessageId: b.MessageSid,
    status,
    errorCode: b.ErrorCode,
    raw: { ...params },
  };
}

const EMPTY_TWIML = new twilio.twiml.MessagingResponse().toString();

/**
 * The TwiML answer that tells Twilio not to reply. This is the SDK's own
 * output for an empty MessagingResponse:
 * `<?xml version="1.0" encoding="UTF-8"?><Response/>`.
 */
export function emptyTwiml(): string {
  return EMPTY_TWIML;
}
