import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { ConsentStatus } from '../../compliance/consent.js';

export class CustomerRow extends Model<InferAttributes<CustomerRow>, InferCreationAttributes<CustomerRow>> {
  declare id: string;
  declare merchantId: string;
  declare phone: string;
  declare firstName: string | null;
  declare consentStatus: CreationOptional<ConsentStatus>;
  declare consentUpdatedAt: Date | null;
  declare timezoneCandidates: CreationOptional<string[]>;
  /** Where the SMS provider last placed the shopper (Twilio's FromCountry / FromState). */
  declare providerCountry: CreationOptional<string | null>;
  declare providerState: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initCustomer(sequelize: Sequelize): typeof CustomerRow {
  return CustomerRow.init(
    {
      id: { type: DataTypes.UUID, primaryKey: true },
      merchantId: { type: DataTypes.UUID, allowNull: false },
      phone: { type: DataTypes.TEXT, allowNull: false },
      firstName: { type: DataTypes.TEXT, allowNull: true },
      consentStatus: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'none' },
      consentUpdatedAt: { type: DataTypes.DATE, allowNull: true },
      timezoneCandidates: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
      providerCountry: { type: DataTypes.TEXT, allowNull: true },
      providerState: { type: DataTypes.TEXT, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'customers', underscored: true },
  );
}
