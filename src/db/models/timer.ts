import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

export type TimerKind = 'abandon' | 'opt_in_timeout' | 'step';
export type TimerStatus = 'pending' | 'fired' | 'cancelled';

export class TimerRow extends Model<InferAttributes<TimerRow>, InferCreationAttributes<TimerRow>> {
  declare id: string;
  declare merchantId: string;
  declare conversationId: string;
  declare cartId: string | null;
  declare kind: TimerKind;
  declare stepIndex: number | null;
  declare dueAt: Date;
  /** Bumped on every reschedule, so a job for an older due time does nothing. */
  declare revision: CreationOptional<number>;
  declare status: TimerStatus;
  declare firedAt: Date | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initTimer(sequelize: Sequelize): typeof TimerRow {
  return TimerRow.init(
    {
      id: { type: DataTypes.UUID, primaryKey: true },
      merchantId: { type: DataTypes.UUID, allowNull: false },
      conversationId: { type: DataTypes.UUID, allowNull: false },
      cartId: { type: DataTypes.UUID, allowNull: true },
      kind: { type: DataTypes.TEXT, allowNull: false },
      stepIndex: { type: DataTypes.INTEGER, allowNull: true },
      dueAt: { type: DataTypes.DATE, allowNull: false },
      revision: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
      status: { type: DataTypes.TEXT, allowNull: false },
      firedAt: { type: DataTypes.DATE, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'timers', underscored: true },
  );
}
