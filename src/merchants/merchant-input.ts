import { z } from 'zod';
import { isE164 } from '../domain/phone.js';
import { FlowSchema, type Flow } from '../domain/flow.js';
import { compileTemplate, TemplateError } from '../templates/render.js';
import { parseWindow } from '../compliance/quiet-hours.js';
import { publicShortenerLinks, templateNamesShop } from '../templates/content-policy.js';
import { DEFAULT_FLOW_TEMPLATES } from '../templates/system-messages.js';

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Steps' templates must compile now, not fail at 9 a.m. when the first
 * reminder is due, and must not link through a public URL shortener.
 */
const CheckedFlowSchema = FlowSchema.superRefine((flow, ctx) => {
  flow.steps.forEach((step, index) => {
    const path = ['steps', index, 'template'];
    try {
      compileTemplate(step.template);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      ctx.addIssue({ code: 'custom', path, message: error.message });
    }
    const shorteners = publicShortenerLinks(step.template);
    if (shorteners.length > 0) {
      const message = `step ${index + 1} links through a public URL shortener (${shorteners.join(', ')}); carriers filter them: link to the shop's own domain, or use {{recoveryUrl}}`;
      ctx.addIssue({ code: 'custom', path, message, params: { reason: 'public_url_shortener', step: index + 1 } });
    }
  });
});

/** Every marketing text identifies the merchant: each step prints {{shopName}} or holds the shop's name. */
function checkShopNamed(input: { name: string; flow?: Flow | undefined }, ctx: z.RefinementCtx): void {
  input.flow?.steps.forEach((step, index) => {
    let used: readonly string[];
    try {
      used = compileTemplate(step.template).variables;
    } catch {
      return; // already reported by the flow's own check
    }
    if (templateNamesShop(step.template, used, input.name)) return;
    ctx.addIssue({
      code: 'custom',
      path: ['flow', 'steps', index, 'template'],
      message: `step ${index + 1} does not identify the shop: start it with {{shopName}} (or the shop's name, ${JSON.stringify(input.name)})`,
      params: { reason: 'shop_not_identified', step: index + 1 },
    });
  });
}

export const MerchantInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    platform: z.literal('shopify'),
    shopDomain: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/, 'must be a domain such as example.myshopify.com'),
    webhookSecret: z.string().min(8).max(512),
    timezone: z.string().refine(isIanaZone, 'must be an IANA time zone such as America/New_York'),
    senderNumber: z.string().refine(isE164, 'must be an E.164 number such as +14155550100').optional(),
    messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must be a Twilio messaging service SID (MG…)').optional(),
    supportContact: z.string().trim().min(1).max(120).optional(),
    sendingWindow: z.string().refine(isWindow, 'must look like 09:00-20:00').optional(),
    /** Recipients outside the US: the window per country (ISO 3166 alpha-2); unlisted countries get 08:00–21:00. */
    countryWindows: z
      .record(
        z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code such as GB'),
        z.string().refine(isWindow, 'must look like 09:00-20:00'),
      )
      .refine((windows) => !('US' in windows), 'US recipients follow the federal and state rules; use sendingWindow to narrow them')
      .optional(),
    flow: CheckedFlowSchema.optional(),
    /** `strict`: one cart-recovery text per abandonment; `standard`: the multi-step flow. */
    complianceProfile: z.enum(['standard', 'strict']).default('standard'),
  })
  .strict()
  .refine((input) => input.senderNumber !== undefined || input.messagingServiceSid !== undefined, {
    message: 'senderNumber or messagingServiceSid is required',
    path: ['senderNumber'],
  })
  .superRefine(checkShopNamed);

export type MerchantInput = z.infer<typeof MerchantInputSchema>;

/** Minutes later, a day later, a last nudge with a discount: the sequence a new merchant starts with. */
export function defaultFlow(): Flow {
  const [first, second, third] = DEFAULT_FLOW_TEMPLATES;
  return {
    abandonAfterSeconds: 900,
    optInTimeoutSeconds: 86400,
    steps: [
      { afterSeconds: 0, template: first ?? '' },
      { afterSeconds: 86400, template: second ?? '' },
      { afterSeconds: 172800, template: third ?? '', discountCode: 'COMEBACK10' },
    ],
  };
}

function isWindow(value: string): boolean {
  try {
    parseWindow(value);
    return true;
  } catch {
    return false;
  }
}
