import { z } from 'zod';
import { flag, integer, orExpression, text } from './fields';
import type { StepSpecDefinition } from './registry';
import type { YamlValue } from '../model/types';

/*
 * HarnessApproval (Custom and IDP stages), as Harness writes it. The engine
 * checks the resolved values again when the step runs.
 */

const approvalSpec = z.object({
  approvalMessage: text.optional(),
  includePipelineExecutionHistory: flag.optional(),
  approvers: z.object({
    userGroups: orExpression(
      z.array(z.string().min(1)).min(1, 'name at least one user group'),
    ),
    minimumCount: integer.optional(),
    disallowPipelineExecutor: flag.optional(),
  }),
  approverInputs: z
    .array(
      z
        .object({ name: z.string(), defaultValue: text.optional() })
        .passthrough(),
    )
    .optional(),
  isAutoRejectEnabled: flag.optional(),
  autoApproval: z.unknown().optional(),
});

/** The approver input names: the step's outputs (`output.approverInputs.NAME`). */
function approverInputNames(
  spec: Record<string, YamlValue>,
): string[] | undefined {
  const list = spec.approverInputs;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  return list.flatMap(item =>
    item &&
    typeof item === 'object' &&
    !Array.isArray(item) &&
    typeof item.name === 'string'
      ? [item.name]
      : [],
  );
}

/** HarnessApproval. */
export const approvalStepSpecs: StepSpecDefinition[] = [
  {
    type: 'HarnessApproval',
    description: 'waits for approval by members of user groups',
    spec: approvalSpec,
    outputs: approverInputNames,
  },
];
