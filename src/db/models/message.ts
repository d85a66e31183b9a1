import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export type MessageDirection = 'outbound' | 'inbound';
export type MessageStatus =
  | 'pending'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'deferred'
  | 'cancelled'
  | 'refused'
  | 'unknown'
  | 'received';

/**
 * `marketing` kinds obey consent and quiet hours; the rest answer the shopper
 * and go at once.
 */
export type MessageKind = 'opt_in_request' | 'reminder' | 'stop_confirmation' | 'start_confirmation' | 'help' | 'reply';

/**
 * The send gate's decision as stored on the message (JSON: times as ISO
 * strings). `rules` lists every rule that shaped it, the ones that held or
 * refused the message first.
 */
export interface StoredDecision {
  verdict: 'send' | 'defer' | 'refuse';
  until?: string;
  rules: Array<{ id: string; citation: string; reason: string }>;
  rulesetVersion?: string;
  decidedAt: string;
}

export class MessageRow extends Model<InferAttributes<MessageRow>, InferCreationAttributes<MessageRow>> {
  declare id: string;
  declare merchantId: string;
  declare conversationId: string;
  declare cartId: string | null;
  declare direction: MessageDirection;
  declare kind: MessageKind;
  declare body: string;
  declare toPhone: string;
  declare fromPhone: string | null;
  declare messagingServiceSid: string | null;
  declare stepIndex: number | null;
  declare provider: string | null;
  declare providerMessageId: string | null;
  declare status: MessageStatus;
  declare statusReason: string | null;
  declare errorCode: string | null;
  declare encoding: string | null;
  declare segments: number | null;
  declare sendAfter: Date | null;
  declare decision: StoredDecision | null;
  declare attempts: CreationOptional<number>;
  declare sentAt: Date | null;
  declare deliveredAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initMessage(sequelize: Sequelize): typeof MessageRow {
  return MessageRow.init(
    {
      id: { type: DataTypes.UUID, primaryKey: true },
      merchantId: { type: DataTypes.UUID, allowNull: false },
      conversationId: { type: DataTypes.UUID, allowNull: false },
      cartId: { type: DataTypes.UUID, allowNull: true },
      direction: { type: DataTypes.TEXT, allowNull: false },
      kind: { type: DataTypes.TEXT, allowNull: false },
      body: { type: DataTypes.TEXT, allowNull: false },
      toPhone: { type: DataTypes.TEXT, allowNull: false },
      fromPhone: { type: DataTypes.TEXT, allowNull: true },
      messagingServiceSid: { type: DataTypes.TEXT, allowNull: true },
      stepIndex: { type: DataTypes.INTEGER, allowNull: true },
      provider: { type: DataTypes.TEXT, allowNull: true },
      providerMessageId: { type: DataTypes.TEXT, allowNull: true },
      status: { type: DataTypes.TEXT, allowNull: false },
      statusReason: { type: DataTypes.TEXT, allowNull: true },
      errorCode: { type: DataTypes.TEXT, allowNull: true },
      encoding: { type: DataTypes.TEXT, allowNull: true },
      segments: { type: DataTypes.INTEGER, allowNull: true },
      sendAfter: { type: DataTypes.DATE, allowNull: true },
      decision: { type: DataTypes.JSONB, allowNull: true },
      attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      sentAt: { type: DataTypes.DATE, allowNull: true },
      deliveredAt: { type: DataTypes.DATE, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'messages', underscored: true },
  );
}
