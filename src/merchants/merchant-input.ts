import { z } from 'zod';
import { isE164 } from '../domain/phone.js';
import { FlowSchema, type Flow } from '../domain/flow.js';
import { compileTemplate, TemplateError } from '../templates/render.js';
import { parseWindow } from '../compliance/quiet-hours.js';
import { DEFAULT_FLOW_TEMPLATES } from '../templates/system-messages.js';

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Steps' templates must compile now, not fail at 9 a.m. when the first reminder is due. */
const CheckedFlowSchema = FlowSchema.superRefine((flow, ctx) => {
  flow.steps.forEach((step, index) => {
    try {
      compileTemplate(step.template);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      ctx.addIssue({ code: 'custom', path: ['steps', index, 'template'], message: error.message });
    }
  });
});

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
    sendingWindow: z
      .string()
      .refine((value) => {
        try {
          parseWindow(value);
          return true;
        } catch {
          return false;
        }
      }, 'must look like 09:00-20:00')
      .optional(),
    flow: CheckedFlowSchema.optional(),
  })
  .strict()
  .refine((input) => input.senderNumber !== undefined || input.messagingServiceSid !== undefined, {
    message: 'senderNumber or messagingServiceSid is required',
    path: ['senderNumber'],
  });

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
