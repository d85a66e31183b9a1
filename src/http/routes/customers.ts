import { Router } from 'express';
import { exportCustomer } from '../../conversations/customer-export.js';
import type { ConversationDeps } from '../../conversations/deps.js';
import { erasePhone } from '../../conversations/erasure.js';
import { NotFoundError } from '../../errors.js';
import { merchantOf } from '../auth.js';
import { phoneFromQuery } from './conversations.js';

/**
 * A shopper's privacy rights at one merchant, asked for by that merchant:
 * everything held about a phone (access), and its erasure. A merchant key
 * only ever reaches its own merchant's rows.
 */
export function customerRoutes(deps: Pick<ConversationDeps, 'db' | 'clock' | 'logger' | 'suppression'>) {
  const router = Router();
  router.get('/customers/export', async (req, res) => {
    const merchant = merchantOf(res);
    const phone = phoneFromQuery(req.query);
    const data = await exportCustomer(deps, null, merchant.id, phone);
    if (!data) throw new NotFoundError('customer');
    res.json(data);
  });
  // Idempotent: a second call finds the phone erased and suppressed and answers 200 `already_erased`.
  router.delete('/customers', async (req, res) => {
    const merchant = merchantOf(res);
    const phone = phoneFromQuery(req.query);
    const outcome = await deps.db.sequelize.transaction((transaction) =>
      erasePhone(deps, transaction, merchant.id, phone, { source: 'api', evidence: { request: 'api' } }),
    );
    if (outcome.status === 'unknown') throw new NotFoundError('customer');
    res.json(outcome);
  });
  return router;
}
