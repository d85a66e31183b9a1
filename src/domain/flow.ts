import { z } from 'zod';

/**
 * A merchant's recovery sequence. `afterSeconds` counts from the moment the
 * cart is judged abandoned, so steps are absolute offsets, not gaps.
 */
export const FlowStepSchema = z.object({
  afterSeconds: z.number().int().min(0),
  template: z.string().min(1).max(1600),
  discountCode: z.string().min(1).max(64).optional(),
});

export const FlowSchema = z
  .object({
    abandonAfterSeconds: z.number().int().min(1).max(30 * 86400).default(900),
    optInTimeoutSeconds: z.number().int().min(1).max(30 * 86400).default(86400),
    steps: z.array(FlowStepSchema).min(1, 'a flow needs at least one step').max(10),
  })
  .superRefine((flow, ctx) => {
    flow.steps.forEach((step, index) => {
      const previous = flow.steps[index - 1];
      if (previous && step.afterSeconds <= previous.afterSeconds) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'afterSeconds'],
          message: 'steps must be in ascending order of afterSeconds',
        });
      }
    });
  });

export type FlowStep = z.infer<typeof FlowStepSchema>;
export type Flow = z.infer<typeof FlowSchema>;
