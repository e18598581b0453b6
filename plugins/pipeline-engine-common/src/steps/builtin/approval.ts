import { z } from 'zod';
import { defineStep, type StepDefinition } from '../defineStep';

const booleanish = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform(v => v === 'true'),
]);

/** Harness's `HarnessApproval` spec (`autoApproval` is accepted and not acted on). */
const approvalSpec = z.object({
  approvalMessage: z.string().optional(),
  includePipelineExecutionHistory: booleanish.optional(),
  approvers: z.object({
    userGroups: z.union([
      z.array(z.string().min(1)).min(1, 'name at least one user group'),
      z
        .string()
        .min(1)
        .transform(g => g.split(',').map(s => s.trim())),
    ]),
    minimumCount: z.coerce.number().int().min(1).default(1),
    disallowPipelineExecutor: booleanish.default(false),
  }),
  approverInputs: z
    .array(
      z.object({
        name: z
          .string()
          .regex(
            /^[a-zA-Z_][\w]*$/,
            'an input name is a letter or _ then letters, digits or _',
          ),
        defaultValue: z.coerce.string().optional(),
      }),
    )
    .optional(),
  isAutoRejectEnabled: booleanish.optional(),
  autoApproval: z.unknown().optional(),
});

/** Resolved spec of {@link harnessApprovalStepDefinition}. @public */
export interface HarnessApprovalStepSpec {
  approvalMessage?: string;
  includePipelineExecutionHistory?: boolean;
  approvers: {
    userGroups: string[];
    minimumCount: number;
    disallowPipelineExecutor: boolean;
  };
  approverInputs?: Array<{ name: string; defaultValue?: string }>;
  isAutoRejectEnabled?: boolean;
  autoApproval?: unknown;
}

/**
 * `HarnessApproval` (Custom and IDP stages), as Harness writes it: the
 * execution waits, without a worker slot, until enough members of the user
 * groups approve. Approver inputs become outputs
 * (`output.approverInputs.NAME`).
 *
 * @public
 */
export const harnessApprovalStepDefinition: StepDefinition<HarnessApprovalStepSpec> =
  defineStep({
    type: 'HarnessApproval',
    description: 'waits for approval by members of catalog groups',
    idempotent: true,
    spec: approvalSpec,
    outputs: spec =>
      Array.isArray(spec.approverInputs)
        ? spec.approverInputs.flatMap(input =>
            input &&
            typeof input === 'object' &&
            !Array.isArray(input) &&
            'name' in input
              ? [String(input.name)]
              : [],
          )
        : undefined,
  });
