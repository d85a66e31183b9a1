import { Router } from 'express';
import { QueryTypes } from 'sequelize';
import type { ConversationDeps } from '../../conversations/deps.js';
import { merchantOf } from '../auth.js';

/**
 * The privacy requests a platform sent for this merchant and what was done
 * about each (counts only), newest first: what the merchant shows a shopper
 * or an authority that a request was honoured.
 */
export function privacyRequestRoutes(deps: Pick<ConversationDeps, 'db'>) {
  const router = Router();
  router.get('/privacy-requests', async (_req, res) => {
    const merchant = merchantOf(res);
    const requests = await deps.db.sequelize.query(
      `SELECT id, platform, event_id AS "eventId", kind, outcome, summary, received_at AS "receivedAt", completed_at AS "completedAt"
       FROM privacy_requests WHERE merchant_id = :merchantId ORDER BY received_at DESC, id LIMIT 500`,
      { replacements: { merchantId: merchant.id }, type: QueryTypes.SELECT },
    );
    res.json({ requests });
  });
  return router;
}
