import express, { Router, type Request } from 'express';
import type { ConversationDeps } from '../../conversations/deps.js';
import { recordUnappliedDelivery } from '../../conversations/deliveries.js';
import { receiveDeliveryReport } from '../../conversations/delivery-report.js';
import { findMerchantForInbound, receiveSms } from '../../conversations/inbound-sms.js';
import { InvalidSignatureError } from '../../errors.js';
import { verifyTwilioSignature } from '../../integrations/twilio/twilio-signature.js';
import { emptyTwiml, parseInbound, parseStatus } from '../../integrations/twilio/twilio-webhooks.js';

export interface TwilioWebhookDeps extends ConversationDeps {
  authToken: string | null;
  /** Our URL as Twilio calls it; signatures are computed over it. */
  publicBaseUrl: string | null;
}

function formParams(body: unknown): Record<string, string> {
  const params: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value === 'string') params[key] = value;
      else if (Array.isArray(value) && typeof value[0] === 'string') params[key] = value[0];
    }
  }
  return params;
}

export function twilioWebhookRoutes(deps: TwilioWebhookDeps) {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '100kb' }));

  function verified(req: Request): Record<string, string> {
    const params = formParams(req.body);
    const base = deps.publicBaseUrl ?? `${req.protocol}://${req.get('host')}`;
    const ok =
      deps.authToken !== null &&
      verifyTwilioSignature({ authToken: deps.authToken, url: base + req.originalUrl, params, signature: req.get('x-twilio-signature') });
    if (!ok) {
      deps.metrics.webhooksRefused.inc({ platform: 'twilio', reason: 'invalid_signature' });
      deps.logger.warn({ path: req.path }, 'twilio webhook with a bad signature refused');
      throw new InvalidSignatureError(403);
    }
    return params;
  }

  router.post('/inbound', async (req, res) => {
    const inbound = parseInbound(verified(req));
    const merchant = await findMerchantForInbound(deps, inbound);
    if (!merchant) {
      // Answered 200 so the provider does not retry a text no merchant owns; kept in the log.
      deps.metrics.webhooksRefused.inc({ platform: 'twilio', reason: 'unknown_recipient' });
      deps.logger.warn({ to: inbound.to, providerMessageId: inbound.providerMessageId }, 'inbound text for no known sender');
      await recordUnappliedDelivery(
        deps,
        null,
        { platform: 'twilio', eventId: inbound.providerMessageId, topic: 'inbound' },
        'rejected',
        'unknown_recipient',
      );
    } else {
      const outcome = await receiveSms(deps, merchant, inbound);
      deps.metrics.webhooksReceived.inc({ platform: 'twilio', topic: 'inbound' });
      deps.logger.info(
        {
          merchantId: merchant.id,
          conversationId: outcome.status === 'applied' ? outcome.conversationId : undefined,
          outcome: outcome.status,
          providerMessageId: inbound.providerMessageId,
        },
        'inbound text applied',
      );
    }
    res.type('text/xml').send(emptyTwiml());
  });

  router.post('/status', async (req, res) => {
    const report = parseStatus(verified(req));
    const messageId = typeof req.query.message === 'string' ? req.query.message : null;
    const outcome = await receiveDeliveryReport(deps, report, messageId);
    deps.metrics.webhooksReceived.inc({ platform: 'twilio', topic: 'status' });
    deps.logger.info({ providerMessageId: report.providerMessageId, messageId, status: report.status, outcome }, 'delivery report');
    res.type('text/xml').send(emptyTwiml());
  });
  return router;
}
