/** Provider-neutral SMS types: what crosses the edge to and from an SMS provider. */

export interface OutgoingSms {
  to: string;
  /** Exactly one of `from` and `messagingServiceSid` is set. */
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  /** Where the provider should report delivery, when it supports callbacks. */
  statusCallbackUrl: string | null;
}

export interface SmsReceipt {
  providerMessageId: string;
  status: string;
  segments: number | null;
}

export interface SmsProvider {
  readonly name: string;
  /** Hands one message to the provider. Rejects with `SmsSendError`. */
  send(message: OutgoingSms): Promise<SmsReceipt>;
  /** Releases kept-alive connections, once no send is running. */
  close?(): Promise<void>;
}

/**
 * `definite` means the provider answered and refused: the message did not go.
 * Otherwise (timeout, connection reset) it may or may not have gone.
 */
export class SmsSendError extends Error {
  readonly code = 'sms_send_failed';
  constructor(
    message: string,
    readonly definite: boolean,
    readonly providerErrorCode: string | null,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

export interface InboundSms {
  providerMessageId: string;
  from: string;
  to: string;
  messagingServiceSid: string | null;
  body: string;
  /** Set when the provider already handled the keyword itself (Twilio advanced opt-out). */
  optOutType: 'STOP' | 'START' | 'HELP' | null;
  /** Two-letter region the provider places the sender in, if known. */
  fromState: string | null;
  fromCountry: string | null;
  raw: Record<string, string>;
}

export type DeliveryState = 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'accepted' | 'scheduled' | 'read' | 'canceled' | 'receiving' | 'received';

export interface DeliveryReport {
  providerMessageId: string;
  status: DeliveryState;
  errorCode: string | null;
  raw: Record<string, string>;
}
