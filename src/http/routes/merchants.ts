import { Router, type Request } from 'express';
import { isUuid } from '../../domain/uuid.js';
import { NotFoundError } from '../../errors.js';
import { MerchantInputSchema } from '../../merchants/merchant-input.js';
import { createMerchant, merchantView, type MerchantDeps } from '../../merchants/merchant-service.js';
import { principalOf, requireOperator } from '../auth.js';

/** The address Shopify is told to call: the configured public URL, else the one the operator reached us at. */
export type WebhookUrlFor = (merchantId: string, req: Request) => string;

export function merchantRoutes(deps: MerchantDeps & { webhookUrl: WebhookUrlFor }) {
  const router = Router();
  router.post('/merchants', requireOperator, async (req, res) => {
    const input = MerchantInputSchema.parse(req.body ?? {});
    const { merchant, apiKey } = await createMerchant(deps, input);
    res.status(201).json({ id: merchant.id, apiKey, webhookUrl: deps.webhookUrl(merchant.id, req) });
  });
  router.get('/merchants/:id', async (req, res) => {
    const principal = principalOf(res);
    const id = req.params.id.toLowerCase();
    // A merchant's key reaches only that merchant; anything else looks like it does not exist.
    if (principal.kind === 'merchant' && principal.merchant.id !== id) throw new NotFoundError('merchant');
    const merchant = isUuid(id) ? await deps.db.models.Merchant.findByPk(id) : null;
    if (!merchant) throw new NotFoundError('merchant');
    res.json(merchantView(merchant, deps.webhookUrl(merchant.id, req)));
  });
  return router;
}
