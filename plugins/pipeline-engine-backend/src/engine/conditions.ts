/** Status of the enclosing stage (for steps) or pipeline (for stages) so far. */
export type StatusSoFar = 'Success' | 'Failure';

/**
 * Whether a node runs given `when.stageStatus`/`when.pipelineStatus`.
 * Without `when`, Harness runs a node only while everything before it succeeded.
 */
export function statusAllows(
  required: 'Success' | 'Failure' | 'All' | undefined,
  soFar: StatusSoFar,
): boolean {
  const want = required ?? 'Success';
  return want === 'All' || want === soFar;
}
