import express, { Router } from 'express';
import type { ConversationDeps } from '../../conversations/deps.js';
import { ingestCartUpdated } from '../../conversations/cart-intake.js';
import { recordUnappliedDelivery } from '../../conversations/deliveries.js';
import { ingestOrderPlaced } from '../../conversations/order-intake.js';
import { handlePrivacyRequest } from '../../conversations/privacy-requests.js';
import { AppError, NotFoundError } from '../../errors.js';
import { parseShopifyWebhook } from '../../integrations/shopify/shopify-webhook.js';
import { isUuid } from '../../domain/uuid.js';
import type { SecretBox } from '../../security/secret-box.js';

/**
 * Shopify expects an answer within 5 seconds and retries anything but a 2xx:
 * we verify, record and apply in one transaction and answer; texts go later
 * from the outbox. Privacy webhooks (data requests and erasures) arrive here
 * too, signed the same way.
 */
export function shopifyWebhookRoutes(deps: ConversationDeps & { secrets: SecretBox }) {
  const router = Router();
  router.post('/shopify/:merchantId', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const { metrics, logger } = deps;
    const merchantId = req.params.merchantId;
    const merchant = isUuid(merchantId) ? await deps.merchants.byId(merchantId) : null;
    if (!merchant || merchant.platform !== 'shopify') {
      metrics.webhooksRefused.inc({ platform: 'shopify', reason: 'unknown_merchant' });
      throw new NotFoundError('merchant');
    }
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let parsed;
    try {
      parsed = parseShopifyWebhook({
        rawBody,
        headers: req.headers,
        secret: deps.secrets.open(merchant.webhookSecretEnc),
        receivedAt: deps.clock.now(),
      });
    } catch (error) {
      const reason = error instanceof AppError ? error.code : 'error';
      metrics.webhooksRefused.inc({ platform: 'shopify', reason });
      logger.warn({ merchantId: merchant.id, reason, topic: req.get('x-shopify-topic') }, 'shopify webhook refused');
      throw error;
    }
    const receipt = { platform: 'shopify', eventId: parsed.eventId, topic: parsed.topic };
    if (parsed.kind === 'privacy') {
      const outcome = await handlePrivacyRequest(deps, merchant, parsed.request, receipt);
      metrics.webhooksReceived.inc({ platform: 'shopify', topic: parsed.topic });
      logger.info({ merchantId: merchant.id, topic: parsed.topic, eventId: parsed.eventId, outcome: outcome.status }, 'shopify privacy webhook processed');
      res.status(200).json(outcome);
      return;
    }
    if (parsed.kind === 'ignored') {
      const { reason } = parsed;
      await recordUnappliedDelivery(deps, merchant.id, receipt, 'ignored', reason);
      metrics.webhooksRefused.inc({ platform: 'shopify', reason });
      logger.info({ merchantId: merchant.id, topic: parsed.topic, eventId: parsed.eventId, reason }, 'shopify webhook ignored');
      res.status(200).json({ status: 'ignored', reason });
      return;
    }
    const outcome =
      parsed.event.type === 'cart.updated'
        ? await ingestCartUpdated(deps, merchant, parsed.event, receipt)
        : await ingestOrderPlaced(deps, merchant, parsed.event, receipt);
    metrics.webhooksReceived.inc({ platform: 'shopify', topic: parsed.topic });
    logger.info(
      {
        merchantId: merchant.id,
        topic: parsed.topic,
        eventId: parsed.eventId,
        conversationId: outcome.status === 'processed' ? outcome.conversationId : undefined,
        outcome: outcome.status,
        reason: outcome.status === 'processed' ? outcome.reason : undefined,
      },
      'shopify webhook processed',
    );
    res.status(200).json(outcome);
  });
  return router;
}
