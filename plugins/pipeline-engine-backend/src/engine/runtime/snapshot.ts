import type { ExpressionSnapshot } from '@idp-pipelines/plugin-pipeline-engine-common';

type Tree = Record<string, unknown>;

/**
 * Writes `patch` into the expression snapshot at a node's fully-qualified
 * name. The snapshot mirrors FQNs (`pipeline.stages.S.spec.execution.steps.X`),
 * so a node's outputs become readable by later expressions right away.
 */
export function setAtFqn(
  snapshot: ExpressionSnapshot,
  fqn: string,
  patch: Tree,
): void {
  const segments = fqn.split('.');
  if (segments[0] !== 'pipeline') return;
  let node: Tree = snapshot.pipeline as Tree;
  for (const segment of segments.slice(1)) {
    const next = node[segment];
    if (next && typeof next === 'object' && !Array.isArray(next)) {
      node = next as Tree;
    } else {
      const created: Tree = {};
      node[segment] = created;
      node = created;
    }
  }
  Object.assign(node, patch);
}

/**
 * The output-variables patch for a node. A HarnessApproval step's outputs
 * are its approver inputs, read as `output.approverInputs.NAME` in Harness.
 */
export function outputsPatch(
  outputs: Record<string, unknown>,
  stepType?: string,
): Tree {
  return {
    output: {
      outputVariables: { ...outputs },
      ...(stepType === 'HarnessApproval'
        ? { approverInputs: { ...outputs } }
        : {}),
    },
  };
}
