import { Op } from 'sequelize';
import type { DeliveryReport } from '../domain/sms.js';
import { isUuid } from '../domain/uuid.js';
import { markProviderOptOut } from './deliver-message.js';
import type { ConversationDeps } from './deps.js';

// `unknown` (a call that timed out) is below everything: a report of whatever kind proves the provider has the message.
const RANK: Record<string, number> = { unknown: 0, sending: 1, sent: 2, delivered: 4, undelivered: 3, failed: 3 };

/** Provider states mapped to ours; the rest (queued, accepted…) say nothing new. */
function ourStatus(report: DeliveryReport): 'sent' | 'delivered' | 'undelivered' | 'failed' | null {
  switch (report.status) {
    case 'sent':
    case 'delivered':
    case 'undelivered':
    case 'failed':
      return report.status;
    default:
      return null;
  }
}

export type StatusOutcome = 'updated' | 'unchanged' | 'unknown_message';

/**
 * The message a report is about: by the provider's id; else by our own row id
 * from the callback URL (a report that overtook the write of the provider's
 * id), when that row has no provider id yet or has this one.
 */
async function reportedMessage(deps: ConversationDeps, report: DeliveryReport, messageId: string | null) {
  const { models } = deps.db;
  const byProviderId = await models.Message.findOne({ where: { providerMessageId: report.providerMessageId, direction: 'outbound' } });
  if (byProviderId || !messageId || !isUuid(messageId)) return byProviderId;
  return models.Message.findOne({
    where: {
      id: messageId,
      direction: 'outbound',
      [Op.or]: [{ providerMessageId: null }, { providerMessageId: report.providerMessageId }],
    },
  });
}

/**
 * A delivery report: moves the message forward (never back) and honours a
 * carrier opt-out. `messageId` is our row's id, as the callback URL we gave
 * the provider carries it.
 */
export async function receiveDeliveryReport(deps: ConversationDeps, report: DeliveryReport, messageId: string | null = null): Promise<StatusOutcome> {
  const { models } = deps.db;
  const message = await reportedMessage(deps, report, messageId);
  if (!message) return 'unknown_message';
  const status = ourStatus(report);
  let outcome: StatusOutcome = 'unchanged';
  if (status && (RANK[status] ?? 0) > (RANK[message.status] ?? 0)) {
    const [count] = await models.Message.update(
      {
        status,
        errorCode: report.errorCode ?? message.errorCode,
        deliveredAt: status === 'delivered' ? deps.clock.now() : message.deliveredAt,
        providerMessageId: report.providerMessageId,
      },
      { where: { id: message.id, status: { [Op.in]: Object.keys(RANK).filter((s) => (RANK[s] ?? 0) < (RANK[status] ?? 0)) } } },
    );
    if (count > 0) outcome = 'updated';
    if (status === 'failed' || status === 'undelivered') deps.metrics.messages.inc({ outcome: status, kind: message.kind });
  }
  if (report.errorCode === '21610') {
    const merchant = await models.Merchant.findByPk(message.merchantId);
    if (merchant) await markProviderOptOut(deps, message.conversationId, merchant, report.errorCode, message.id);
  }
  return outcome;
}
