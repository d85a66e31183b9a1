import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { ConsentChange, ConsentSource } from '../../compliance/consent.js';

/** Append-only: the table refuses UPDATE and DELETE. Its chain lives in `consent_chain`, written by the sealer. */
export class ConsentEventRow extends Model<InferAttributes<ConsentEventRow>, InferCreationAttributes<ConsentEventRow>> {
  declare id: CreationOptional<string>;
  declare merchantId: string;
  declare customerId: string | null;
  declare phone: string;
  declare change: ConsentChange;
  declare source: ConsentSource;
  declare evidence: Record<string, unknown>;
  declare at: Date;
  declare createdAt: CreationOptional<Date>;
}

export function initConsentEvent(sequelize: Sequelize): typeof ConsentEventRow {
  return ConsentEventRow.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      merchantId: { type: DataTypes.UUID, allowNull: false },
      customerId: { type: DataTypes.UUID, allowNull: true },
      phone: { type: DataTypes.TEXT, allowNull: false },
      change: { type: DataTypes.TEXT, allowNull: false },
      source: { type: DataTypes.TEXT, allowNull: false },
      evidence: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
      at: { type: DataTypes.DATE, allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'consent_events', underscored: true, updatedAt: false },
  );
}

export class WebhookEventRow extends Model<InferAttributes<WebhookEventRow>, InferCreationAttributes<WebhookEventRow>> {
  declare id: string;
  declare merchantId: string | null;
  declare platform: string;
  declare eventId: string;
  declare topic: string;
  declare status: 'processed' | 'ignored' | 'rejected';
  declare reason: string | null;
  declare receivedAt: Date;
}

export function initWebhookEvent(sequelize: Sequelize): typeof WebhookEventRow {
  return WebhookEventRow.init(
    {
      id: { type: DataTypes.UUID, primaryKey: true },
      merchantId: { type: DataTypes.UUID, allowNull: true },
      platform: { type: DataTypes.TEXT, allowNull: false },
      eventId: { type: DataTypes.TEXT, allowNull: false },
      topic: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.TEXT, allowNull: false },
      reason: { type: DataTypes.TEXT, allowNull: true },
      receivedAt: { type: DataTypes.DATE, allowNull: false },
    },
    { sequelize, tableName: 'webhook_events', underscored: true, timestamps: false },
  );
}

export class ConversationEventRow extends Model<InferAttributes<ConversationEventRow>, InferCreationAttributes<ConversationEventRow>> {
  declare id: CreationOptional<string>;
  declare merchantId: string;
  declare conversationId: string;
  declare type: string;
  declare source: string;
  declare at: Date;
  declare refs: Record<string, unknown>;
  declare stateBefore: string | null;
  declare stateAfter: string;
  declare createdAt: CreationOptional<Date>;
}

export function initConversationEvent(sequelize: Sequelize): typeof ConversationEventRow {
  return ConversationEventRow.init(
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      merchantId: { type: DataTypes.UUID, allowNull: false },
      conversationId: { type: DataTypes.UUID, allowNull: false },
      type: { type: DataTypes.TEXT, allowNull: false },
      source: { type: DataTypes.TEXT, allowNull: false },
      at: { type: DataTypes.DATE, allowNull: false },
      refs: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
      stateBefore: { type: DataTypes.TEXT, allowNull: true },
      stateAfter: { type: DataTypes.TEXT, allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'conversation_events', underscored: true, updatedAt: false },
  );
}
