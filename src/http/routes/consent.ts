import { Router } from 'express';
import type { ConversationDeps } from '../../conversations/deps.js';
import { consentHistory } from '../../conversations/consent-ledger.js';
import { merchantOf } from '../auth.js';
import { phoneFromQuery } from './conversations.js';

const CSV_COLUMNS = ['id', 'at', 'phone', 'change', 'source', 'evidence', 'prevHash', 'hash'] as const;

function csvCell(value: unknown): string {
  // No value (the first entry's link, or the link of one not sealed yet) is an empty cell.
  if (value === null || value === undefined) return '""';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : JSON.stringify(value);
  // Quote everything; a leading = + - @ is defused so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** A phone's whole consent history at one merchant: for support, and as exportable evidence in a dispute. */
export function consentRoutes(deps: Pick<ConversationDeps, 'db'>) {
  const router = Router();
  router.get('/consent', async (req, res) => {
    const merchant = merchantOf(res);
    const phone = phoneFromQuery(req.query);
    // An entry not sealed yet shows no link; the sealer adds it moments after the commit.
    const entries = await consentHistory(deps, null, merchant.id, phone);
    const wantsCsv = req.query.format === 'csv' || (req.accepts(['application/json', 'text/csv']) === 'text/csv' && req.query.format !== 'json');
    if (wantsCsv) {
      const lines = [CSV_COLUMNS.join(','), ...entries.map((entry) => CSV_COLUMNS.map((column) => csvCell(entry[column])).join(','))];
      res
        .type('text/csv')
        .attachment(`consent-${phone.replace('+', '')}.csv`)
        .send(`${lines.join('\r\n')}\r\n`);
      return;
    }
    const current = await deps.db.models.Customer.findOne({ where: { merchantId: merchant.id, phone } });
    res.json({ phone, status: current?.consentStatus ?? 'none', entries });
  });
  return router;
}
