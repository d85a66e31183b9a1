import type { Sequelize } from 'sequelize';
import { initCart } from './cart.js';
import { initConversation } from './conversation.js';
import { initCustomer } from './customer.js';
import { initConsentEvent, initConversationEvent, initWebhookEvent } from './ledger.js';
import { initMerchant } from './merchant.js';
import { initMessage } from './message.js';
import { initTimer } from './timer.js';

/**
 * Sequelize binds a model class to one connection, so a process holds one
 * database. Tests get isolation from a database per test file, not from
 * several connections in one process.
 */
export function initModels(sequelize: Sequelize) {
  return {
    Merchant: initMerchant(sequelize),
    Customer: initCustomer(sequelize),
    Conversation: initConversation(sequelize),
    Cart: initCart(sequelize),
    Message: initMessage(sequelize),
    Timer: initTimer(sequelize),
    ConsentEvent: initConsentEvent(sequelize),
    WebhookEvent: initWebhookEvent(sequelize),
    ConversationEvent: initConversationEvent(sequelize),
  };
}

export type Models = ReturnType<typeof initModels>;
export { CartRow } from './cart.js';
export { ConversationRow } from './conversation.js';
export { CustomerRow } from './customer.js';
export { ConsentEventRow, ConversationEventRow, WebhookEventRow } from './ledger.js';
export { MerchantRow } from './merchant.js';
export { MessageRow } from './message.js';
export { TimerRow } from './timer.js';
