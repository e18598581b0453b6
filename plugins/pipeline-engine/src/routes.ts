import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/**
 * The pipelines list, mounted at `/pipelines` by default.
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'pipeline-engine' });

/**
 * A pipeline's page: YAML, run form, input sets, triggers and run history.
 * @public
 */
export const pipelineRouteRef = createSubRouteRef({
  id: 'pipeline-engine/pipeline',
  parent: rootRouteRef,
  path: '/:org/:project/:pipelineId',
});

/**
 * An execution's page: step tree, logs, inputs/outputs, abort and re-run.
 * @public
 */
export const executionRouteRef = createSubRouteRef({
  id: 'pipeline-engine/execution',
  parent: rootRouteRef,
  path: '/executions/:executionId',
});

/**
 * The approvals the signed-in user may act on.
 * @public
 */
export const approvalsRouteRef = createSubRouteRef({
  id: 'pipeline-engine/approvals',
  parent: rootRouteRef,
  path: '/approvals',
});
