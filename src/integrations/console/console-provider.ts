import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { OutgoingSms, SmsProvider, SmsReceipt } from '../../domain/sms.js';

export interface ConsoleProviderOptions {
  logger: Logger;
  /** Prefix of the ids it hands out; `CONSOLE` unless set. */
  idPrefix?: string;
}

// GSM 03.38 default alphabet, and the extension table whose characters take two septets.
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

/** Segments a carrier would bill for this text (GSM-7: 160/153 septets, else UCS-2: 70/67 code units). */
function countSegments(text: string): number {
  if (text.length === 0) return 1;
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7_BASIC.has(ch)) septets += 1;
    else if (GSM7_EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = text.length; // UTF-16 code units
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

/** Development provider: writes each text to the log and sends nothing anywhere. */
export function createConsoleProvider(opts: ConsoleProviderOptions): SmsProvider {
  const prefix = opts.idPrefix ?? 'CONSOLE';
  const log = opts.logger.child({ provider: 'console' });
  return {
    name: 'console',
    async send(message: OutgoingSms): Promise<SmsReceipt> {
      const segments = countSegments(message.body);
      const id = prefix + randomUUID().replace(/-/g, '');
      log.info(
        {
          id,
          to: message.to,
          from: message.from,
          messagingServiceSid: message.messagingServiceSid,
          body: message.body,
          segments,
        },
        'sms (console provider, not sent)',
      );
      return { providerMessageId: id, status: 'sent', segments };
    },
  };
}
