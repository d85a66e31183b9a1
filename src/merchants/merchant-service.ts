import { UniqueConstraintError } from 'sequelize';
import type { Clock, IdGenerator } from '../clock.js';
import type { Database } from '../db/database.js';
import type { MerchantRow } from '../db/models/index.js';
import { AppError } from '../errors.js';
import { generateApiKey, hashApiKey } from '../security/api-keys.js';
import type { SecretBox } from '../security/secret-box.js';
import { defaultFlow, type MerchantInput } from './merchant-input.js';
import { complianceProfile } from './merchant-settings.js';

export interface MerchantDeps {
  db: Database;
  ids: IdGenerator;
  clock: Clock;
  secrets: SecretBox;
}

export interface CreatedMerchant {
  merchant: MerchantRow;
  /** Shown once; only its hash is kept. */
  apiKey: string;
}

export async function createMerchant(deps: MerchantDeps, input: MerchantInput): Promise<CreatedMerchant> {
  const key = generateApiKey();
  try {
    const merchant = await deps.db.models.Merchant.create({
      id: deps.ids(),
      name: input.name,
      platform: input.platform,
      shopDomain: input.shopDomain,
      webhookSecretEnc: deps.secrets.seal(input.webhookSecret),
      timezone: input.timezone,
      senderNumber: input.senderNumber ?? null,
      messagingServiceSid: input.messagingServiceSid ?? null,
      supportContact: input.supportContact ?? null,
      flow: input.flow ?? defaultFlow(),
      settings: {
        ...(input.sendingWindow ? { sendingWindow: input.sendingWindow } : {}),
        ...(input.countryWindows ? { countryWindows: input.countryWindows } : {}),
        complianceProfile: input.complianceProfile,
      },
      apiKeyHash: key.hash,
      apiKeyPrefix: key.prefix,
    });
    return { merchant, apiKey: key.key };
  } catch (error) {
    if (error instanceof UniqueConstraintError) {
      // Replies are routed to a merchant by the number or messaging service they reached: neither may be shared.
      const what = error.fields && 'messaging_service_sid' in error.fields ? 'messaging service' : 'sender number';
      throw new AppError('conflict', `another merchant already uses this ${what}`, 409);
    }
    throw error;
  }
}

export async function findMerchantByApiKey(deps: Pick<MerchantDeps, 'db'>, apiKey: string): Promise<MerchantRow | null> {
  return deps.db.models.Merchant.findOne({ where: { apiKeyHash: hashApiKey(apiKey) } });
}

/** What the API shows of a merchant: never a secret, never a key. */
export function merchantView(merchant: MerchantRow, webhookUrl: string) {
  return {
    id: merchant.id,
    name: merchant.name,
    platform: merchant.platform,
    shopDomain: merchant.shopDomain,
    timezone: merchant.timezone,
    senderNumber: merchant.senderNumber,
    messagingServiceSid: merchant.messagingServiceSid,
    supportContact: merchant.supportContact,
    sendingWindow: merchant.settings.sendingWindow ?? null,
    complianceProfile: complianceProfile(merchant.settings),
    countryWindows: merchant.settings.countryWindows ?? {},
    flow: merchant.flow,
    apiKeyPrefix: merchant.apiKeyPrefix,
    webhookUrl,
    createdAt: merchant.createdAt,
  };
}
