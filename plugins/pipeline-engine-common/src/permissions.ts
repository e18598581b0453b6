import {
  createPermission,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { PipelineRef } from './api/types';

/*
 * Permissions of the pipeline engine. Everything that acts on an existing
 * pipeline (its executions, input sets and triggers included) is a resource
 * permission on the pipeline, so one conditional policy — e.g. "only in org
 * X" — covers all of it. Creating a pipeline is a basic permission because
 * there is no resource yet to condition on.
 */

/**
 * Resource type of pipelines in the permission framework.
 *
 * @public
 */
export const PIPELINE_RESOURCE_TYPE = 'pipeline-engine-pipeline';

/**
 * Resource type of pipelines in the permission framework.
 *
 * @public
 */
export type PipelineResourceType = typeof PIPELINE_RESOURCE_TYPE;

/**
 * A permission whose resource is a pipeline (`org:project:pipeline` ref).
 *
 * @public
 */
export type PipelineResourcePermission =
  ResourcePermission<PipelineResourceType>;

/**
 * Read a pipeline and its executions, logs, input sets and triggers.
 *
 * @public
 */
export const pipelineReadPermission: PipelineResourcePermission =
  createPermission({
    name: 'pipeline-engine.pipeline.read',
    attributes: { action: 'read' },
    resourceType: PIPELINE_RESOURCE_TYPE,
  });

/**
 * Create a pipeline (the target org/project come from its YAML).
 *
 * @public
 */
export const pipelineCreatePermission: BasicPermission = createPermission({
  name: 'pipeline-engine.pipeline.create',
  attributes: { action: 'create' },
});

/**
 * Change a pipeline's YAML, input sets and triggers.
 *
 * @public
 */
export const pipelineUpdatePermission: PipelineResourcePermission =
  createPermission({
    name: 'pipeline-engine.pipeline.update',
    attributes: { action: 'update' },
    resourceType: PIPELINE_RESOURCE_TYPE,
  });

/**
 * Delete a pipeline with everything that belongs to it.
 *
 * @public
 */
export const pipelineDeletePermission: PipelineResourcePermission =
  createPermission({
    name: 'pipeline-engine.pipeline.delete',
    attributes: { action: 'delete' },
    resourceType: PIPELINE_RESOURCE_TYPE,
  });

/**
 * Start an execution of a pipeline, directly or through a trigger.
 *
 * @public
 */
export const pipelineExecutePermission: PipelineResourcePermission =
  createPermission({
    name: 'pipeline-engine.pipeline.execute',
    // Like scaffolder's action/task permissions: no CRUD action fits a run.
    attributes: {},
    resourceType: PIPELINE_RESOURCE_TYPE,
  });

/**
 * Abort a running execution of a pipeline.
 *
 * @public
 */
export const executionAbortPermission: PipelineResourcePermission =
  createPermission({
    name: 'pipeline-engine.execution.abort',
    attributes: {},
    resourceType: PIPELINE_RESOURCE_TYPE,
  });

/**
 * Approve or reject a HarnessApproval step of an execution of a pipeline
 * (the caller must also be in one of the step's approver groups).
 *
 * @public
 */
export const approvalRespondPermission: PipelineResourcePermission =
  createPermission({
    name: 'pipeline-engine.approval.respond',
    attributes: {},
    resourceType: PIPELINE_RESOURCE_TYPE,
  });

/**
 * Change the step images of the execution-config API. Basic: the settings
 * apply to every pipeline of the installation.
 *
 * @public
 */
export const executionConfigUpdatePermission: BasicPermission =
  createPermission({
    name: 'pipeline-engine.execution-config.update',
    attributes: { action: 'update' },
  });

/**
 * Resource type of secrets (`pipelineEngine.secrets.<id>`) in the permission framework.
 *
 * @public
 */
export const SECRET_RESOURCE_TYPE = 'pipeline-engine-secret';

/**
 * Resource type of secrets in the permission framework.
 *
 * @public
 */
export type SecretResourceType = typeof SECRET_RESOURCE_TYPE;

/**
 * Read a configured secret from a runtime input value the caller supplies
 * (`<+secrets.getValue("id")>` in an input, or the secret id given to a
 * Secret-type variable). The resource ref is the secret id without an
 * `account.`/`org.` prefix. Secrets the pipeline's own YAML or stored input
 * sets read need no such permission: whoever may update the pipeline wrote
 * them. Webhook trigger callers hold no permissions, so they may use none.
 *
 * @public
 */
export const secretUsePermission: ResourcePermission<SecretResourceType> =
  createPermission({
    name: 'pipeline-engine.secret.use',
    attributes: { action: 'read' },
    resourceType: SECRET_RESOURCE_TYPE,
  });

/**
 * Read the step images of the execution-config API. Basic, like
 * {@link executionConfigUpdatePermission}.
 *
 * @public
 */
export const executionConfigReadPermission: BasicPermission = createPermission({
  name: 'pipeline-engine.execution-config.read',
  attributes: { action: 'read' },
});

/**
 * Read templates and their versions. Basic: templates are shared by pipelines of their scope.
 *
 * @public
 */
export const templateReadPermission: BasicPermission = createPermission({
  name: 'pipeline-engine.template.read',
  attributes: { action: 'read' },
});

/**
 * Save a new template version.
 *
 * @public
 */
export const templateCreatePermission: BasicPermission = createPermission({
  name: 'pipeline-engine.template.create',
  attributes: { action: 'create' },
});

/**
 * Change a template version, or which version is stable.
 *
 * @public
 */
export const templateUpdatePermission: BasicPermission = createPermission({
  name: 'pipeline-engine.template.update',
  attributes: { action: 'update' },
});

/**
 * Delete a template version.
 *
 * @public
 */
export const templateDeletePermission: BasicPermission = createPermission({
  name: 'pipeline-engine.template.delete',
  attributes: { action: 'delete' },
});

/**
 * Every permission of the pipeline engine, for the permissions registry.
 *
 * @public
 */
export const pipelineEnginePermissions: Array<
  | BasicPermission
  | ResourcePermission<'pipeline-engine-secret'>
  | PipelineResourcePermission
> = [
  pipelineReadPermission,
  pipelineCreatePermission,
  pipelineUpdatePermission,
  pipelineDeletePermission,
  pipelineExecutePermission,
  executionAbortPermission,
  executionConfigUpdatePermission,
  secretUsePermission,
  executionConfigReadPermission,
  templateReadPermission,
  templateCreatePermission,
  templateUpdatePermission,
  templateDeletePermission,
  approvalRespondPermission,
];

/**
 * The permission resource ref of a pipeline: `org:project:pipeline`.
 * Harness identifiers cannot contain `:`, so the parts stay unambiguous.
 *
 * @public
 */
export function stringifyPipelineResourceRef(ref: PipelineRef): string {
  return `${ref.orgIdentifier}:${ref.projectIdentifier}:${ref.pipelineIdentifier}`;
}

/**
 * Reads an `org:project:pipeline` resource ref; undefined if malformed.
 *
 * @public
 */
export function parsePipelineResourceRef(
  resourceRef: string,
): PipelineRef | undefined {
  const parts = resourceRef.split(':');
  if (parts.length !== 3 || parts.some(part => part.length === 0)) {
    return undefined;
  }
  const [orgIdentifier, projectIdentifier, pipelineIdentifier] = parts;
  return { orgIdentifier, projectIdentifier, pipelineIdentifier };
}
