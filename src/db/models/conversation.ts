import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export class ConversationRow extends Model<InferAttributes<ConversationRow>, InferCreationAttributes<ConversationRow>> {
  declare id: string;
  declare merchantId: string;
  declare customerId: string;
  declare phone: string;
  declare state: string;
  /** The machine's persisted snapshot (XState `getPersistedSnapshot`). */
  declare snapshot: unknown;
  declare version: CreationOptional<number>;
  declare currentCartId: string | null;
  declare needsAgent: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initConversation(sequelize: Sequelize): typeof ConversationRow {
  return ConversationRow.init(
    {
      id: { type: DataTypes.UUID, primaryKey: true },
      merchantId: { type: DataTypes.UUID, allowNull: false },
      customerId: { type: DataTypes.UUID, allowNull: false },
      phone: { type: DataTypes.TEXT, allowNull: false },
      state: { type: DataTypes.TEXT, allowNull: false },
      snapshot: { type: DataTypes.JSONB, allowNull: false },
      version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      currentCartId: { type: DataTypes.UUID, allowNull: true },
      needsAgent: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'conversations', underscored: true },
  );
}
