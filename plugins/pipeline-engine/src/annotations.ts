import type { Entity } from '@backstage/catalog-model';

/**
 * Annotation of catalog entities that a pipeline created or changed: the
 * ids of those executions, separated by commas, newest last.
 * @public
 */
export const PIPELINE_EXECUTION_ANNOTATION = 'idp-pipelines.io/execution';

/**
 * Annotation of catalog entities naming pipelines they can run, as
 * `org/project/pipeline` refs separated by commas.
 * @public
 */
export const PIPELINES_ANNOTATION = 'idp-pipelines.io/pipelines';

function listOf(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\s]+/)
    .map(part => part.trim())
    .filter(part => part.length > 0);
}

/**
 * The execution ids recorded on an entity. Execution URLs are accepted too
 * (their last path segment is the id).
 * @public
 */
export function getEntityExecutionIds(entity: Entity): string[] {
  const ids = listOf(
    entity.metadata.annotations?.[PIPELINE_EXECUTION_ANNOTATION],
  ).map(value => value.replace(/\/+$/, '').split('/').pop() ?? value);
  return [...new Set(ids)];
}

/**
 * The pipelines an entity can run, from {@link PIPELINES_ANNOTATION};
 * malformed refs are left out.
 * @public
 */
export function getEntityPipelineRefs(entity: Entity): Array<{
  orgIdentifier: string;
  projectIdentifier: string;
  pipelineIdentifier: string;
}> {
  return listOf(entity.metadata.annotations?.[PIPELINES_ANNOTATION]).flatMap(
    value => {
      const parts = value.split('/');
      if (parts.length !== 3 || parts.some(part => !part)) return [];
      const [orgIdentifier, projectIdentifier, pipelineIdentifier] = parts;
      return [{ orgIdentifier, projectIdentifier, pipelineIdentifier }];
    },
  );
}

/**
 * True when an entity has either pipeline annotation: the condition of the
 * entity's Pipelines tab.
 * @public
 */
export function isPipelineEngineAvailable(entity: Entity): boolean {
  return (
    getEntityExecutionIds(entity).length > 0 ||
    getEntityPipelineRefs(entity).length > 0
  );
}
