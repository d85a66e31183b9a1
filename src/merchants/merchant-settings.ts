import { parseWindow, type SendingWindow } from '../compliance/quiet-hours.js';
import type { SendDecisionInput } from '../compliance/send-decision.js';
import type { MerchantSettings } from '../db/models/merchant.js';

/** `standard`: the multi-step flow. `strict`: one cart-recovery text per abandonment. */
export type ComplianceProfile = SendDecisionInput['profile'];

/**
 * The merchant's compliance profile. Settings are stored JSON, and merchants
 * created before profiles existed have none: anything but "strict" is the
 * standard flow.
 */
export function complianceProfile(settings: MerchantSettings): ComplianceProfile {
  return settings.complianceProfile === 'strict' ? 'strict' : 'standard';
}

/** The merchant's windows for recipients outside the US, by country; unlisted countries get the default. */
export function countryWindows(settings: MerchantSettings): Record<string, SendingWindow> {
  return Object.fromEntries(Object.entries(settings.countryWindows ?? {}).map(([country, text]) => [country, parseWindow(text)]));
}

/** The merchant's own sending window, or null; it can only narrow the law's. */
export function merchantWindow(settings: MerchantSettings): SendingWindow | null {
  return settings.sendingWindow ? parseWindow(settings.sendingWindow) : null;
}
