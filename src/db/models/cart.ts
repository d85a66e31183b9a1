import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';
import type { Address, CartLineItem } from '../../domain/cart-event.js';

export type CartStatus = 'open' | 'abandoned' | 'recovered' | 'superseded' | 'not_contacted';

/** bigint columns come back from pg as strings; money fits a JS number here. */
const bigintAsNumber = (field: string) => ({
  type: DataTypes.BIGINT,
  get(this: Model): number | null {
    const raw = this.getDataValue(field) as string | number | null;
    return raw === null || raw === undefined ? null : Number(raw);
  },
});

export class CartRow extends Model<InferAttributes<CartRow>, InferCreationAttributes<CartRow>> {
  declare id: string;
  declare merchantId: string;
  declare customerId: string | null;
  declare conversationId: string | null;
  declare platform: string;
  declare checkoutId: string;
  declare checkoutToken: string;
  declare cartToken: string | null;
  declare phone: string | null;
  declare firstName: string | null;
  declare locale: string | null;
  declare lineItems: CartLineItem[];
  declare addresses: Address[];
  declare totalMinor: number;
  declare currency: string;
  declare recoveryUrl: string | null;
  declare smsConsent: boolean;
  declare consentEvidence: Record<string, unknown>;
  declare status: CreationOptional<CartStatus>;
  declare statusReason: string | null;
  declare lastActivityAt: Date;
  declare abandonedAt: Date | null;
  declare recoveredAt: Date | null;
  declare orderId: string | null;
  declare recoveredRevenueMinor: number | null;
  declare attributedMessageId: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
}

export function initCart(sequelize: Sequelize): typeof CartRow {
  return CartRow.init(
    {
      id: { type: DataTypes.UUID, primaryKey: true },
      merchantId: { type: DataTypes.UUID, allowNull: false },
      customerId: { type: DataTypes.UUID, allowNull: true },
      conversationId: { type: DataTypes.UUID, allowNull: true },
      platform: { type: DataTypes.TEXT, allowNull: false },
      checkoutId: { type: DataTypes.TEXT, allowNull: false },
      checkoutToken: { type: DataTypes.TEXT, allowNull: false },
      cartToken: { type: DataTypes.TEXT, allowNull: true },
      phone: { type: DataTypes.TEXT, allowNull: true },
      firstName: { type: DataTypes.TEXT, allowNull: true },
      locale: { type: DataTypes.TEXT, allowNull: true },
      lineItems: { type: DataTypes.JSONB, allowNull: false },
      addresses: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
      totalMinor: { ...bigintAsNumber('totalMinor'), allowNull: false },
      currency: { type: DataTypes.CHAR(3), allowNull: false },
      recoveryUrl: { type: DataTypes.TEXT, allowNull: true },
      smsConsent: { type: DataTypes.BOOLEAN, allowNull: false },
      consentEvidence: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
      status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'open' },
      statusReason: { type: DataTypes.TEXT, allowNull: true },
      lastActivityAt: { type: DataTypes.DATE, allowNull: false },
      abandonedAt: { type: DataTypes.DATE, allowNull: true },
      recoveredAt: { type: DataTypes.DATE, allowNull: true },
      orderId: { type: DataTypes.TEXT, allowNull: true },
      recoveredRevenueMinor: { ...bigintAsNumber('recoveredRevenueMinor'), allowNull: true },
      attributedMessageId: { type: DataTypes.UUID, allowNull: true },
      createdAt: DataTypes.DATE,
      updatedAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'abandoned_carts', underscored: true },
  );
}
