import { Router } from 'express';
import { z } from 'zod';
import { conversationView, findConversation, findConversationByPhone } from '../../conversations/conversation-view.js';
import type { ConversationDeps } from '../../conversations/deps.js';
import { toE164 } from '../../domain/phone.js';
import { isUuid } from '../../domain/uuid.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { merchantOf } from '../auth.js';

const PhoneQuery = z.object({ phone: z.string().min(1, 'phone is required') });

/** The `phone` query parameter as E.164. A bare '+' in a query string arrives as a space: "?phone=+1502…" reads " 1502…". */
export function phoneFromQuery(query: unknown): string {
  const { phone: raw } = PhoneQuery.parse(query);
  const trimmed = raw.trim();
  const phone = toE164(/^\d+$/.test(trimmed) ? `+${trimmed}` : trimmed, null);
  if (!phone) throw new ValidationError('phone must be an E.164 number such as +15024592181');
  return phone;
}

export function conversationRoutes(deps: Pick<ConversationDeps, 'db'>) {
  const router = Router();
  router.get('/conversations', async (req, res) => {
    const merchant = merchantOf(res);
    const phone = phoneFromQuery(req.query);
    const conversation = await findConversationByPhone(deps, merchant.id, phone);
    if (!conversation) throw new NotFoundError('conversation');
    res.json(await conversationView(deps, conversation));
  });
  router.get('/conversations/:id', async (req, res) => {
    const merchant = merchantOf(res);
    const conversation = isUuid(req.params.id) ? await findConversation(deps, merchant.id, req.params.id) : null;
    if (!conversation) throw new NotFoundError('conversation');
    res.json(await conversationView(deps, conversation));
  });
  return router;
}
