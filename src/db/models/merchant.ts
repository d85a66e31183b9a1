import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { Flow } from '../../domain/flow.js';

export interface MerchantSettings {
  /** A narrower local sending window than the law's, e.g. "09:00-20:00". */
  sendingWindow?: string;
  /**
   * `standard`: the multi-step flow. `strict`: one cart-recovery text per
   * abandonment, as carriers' and Shopify's marketing guidelines expect.
   * Absent means standard.
   */
  complianceProfile?: 'standard' | 'strict';
  /** Sending windows for recipients outside the US, by ISO country code, e.g. { "GB": "09:00-20:00" }. */
  countryWindows?: Record<string, string>;
}

export class MerchantRow extends Model<InferAttributes<MerchantRow>, InferCreationAttributes<MerchantRow>> {
  declare id: string;
  declare name: string;
  declare platform: string;
  declare shopDomain: string;
  /** Encrypted with the configured secrets key; see `secret-box.ts`. */
  declare webhookSecretEnc: string;
  declare timezone: string;
  declare senderNumber: string | null;
  declare messagingServiceSid: string | null;
  declare supportContact: string | null;
  declare flow: Flow;
  declare settings: MerchantSettings;
  declare apiKeyHash: string;
  declare apiKeyPrefix: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initMerchant(sequelize: Sequelize): typeof MerchantRow {
  return MerchantRow.init(
    {
      id: { type: DataTypes.UUID, primaryKey: true },
      name: { type: DataTypes.TEXT, allowNull: false },
      platform: { type: DataTypes.TEXT, allowNull: false },
      shopDomain: { type: DataTypes.TEXT, allowNull: false },
      webhookSecretEnc: { type: DataTypes.TEXT, allowNull: false },
      timezone: { type: DataTypes.TEXT, allowNull: false },
      senderNumber: { type: DataTypes.TEXT, allowNull: true },
      messagingServiceSid: { type: DataTypes.TEXT, allowNull: true },
      supportContact: { type: DataTypes.TEXT, allowNull: true },
      flow: { type: DataTypes.JSONB, allowNull: false },
      settings: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
      apiKeyHash: { type: DataTypes.TEXT, allowNull: false },
      apiKeyPrefix: { type: DataTypes.TEXT, allowNull: false },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'merchants', underscored: true },
  );
}
