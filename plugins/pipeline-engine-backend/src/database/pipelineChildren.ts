import { NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { PipelineKey } from './types';
import { assertIdentifier, assertScope } from './validation';

/*
 * Input sets and triggers belong to a pipeline: they share its key columns
 * and need it to exist. These helpers keep that logic in one place.
 */

/** WHERE clause selecting the children of one pipeline. */
export function childrenOf(key: PipelineKey) {
  return {
    org_identifier: key.orgIdentifier,
    project_identifier: key.projectIdentifier,
    pipeline_identifier: key.pipelineIdentifier,
  };
}

/** WHERE clause selecting one child of a pipeline. */
export function childWhere(key: PipelineKey, identifier: string) {
  return { ...childrenOf(key), identifier };
}

/** Throws InputError unless all parts of the key are valid identifiers. */
export function assertPipelineKey(key: PipelineKey): void {
  assertScope(key);
  assertIdentifier(key.pipelineIdentifier, 'pipeline identifier');
}

/**
 * Throws NotFoundError unless the pipeline exists. Needed because SQLite only
 * enforces foreign keys when the connection enables them.
 */
export async function assertPipelineExists(
  db: Knex,
  key: PipelineKey,
): Promise<void> {
  const row = await db('pipelines')
    .where({
      org_identifier: key.orgIdentifier,
      project_identifier: key.projectIdentifier,
      identifier: key.pipelineIdentifier,
    })
    .first('id');
  if (!row) {
    throw new NotFoundError(
      `Pipeline '${key.pipelineIdentifier}' not found in ${key.orgIdentifier}/${key.projectIdentifier}`,
    );
  }
}
