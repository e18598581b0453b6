import type { PipelineRef } from '../api/types';
import type {
  PipelineEnginePathParams,
  PipelineEngineQuery,
} from './PipelineEngineHttpClient';
import type { ExecutionListQuery } from './restTypes';

/*
 * How the node and browser clients turn their callers' arguments into the
 * generated operations' parameters: the clients take the model's names
 * (`orgIdentifier`, `pipelineIdentifier`), openapi.yaml's paths and queries
 * use shorter ones.
 */

/**
 * The path parameters of every per-pipeline route (`/pipelines/{org}/{project}/{pipelineId}/…`).
 *
 * @public
 */
export function pipelinePathParams(
  ref: PipelineRef,
): PipelineEnginePathParams<'getPipeline'> {
  return {
    org: ref.orgIdentifier,
    project: ref.projectIdentifier,
    pipelineId: ref.pipelineIdentifier,
  };
}

/**
 * The query of `GET /executions` for a filter of the execution list.
 *
 * @public
 */
export function executionListQueryParams(
  query: ExecutionListQuery,
): PipelineEngineQuery<'listExecutions'> {
  return {
    org: query.orgIdentifier,
    project: query.projectIdentifier,
    pipeline: query.pipelineIdentifier,
    status: query.status,
    limit: query.limit,
    offset: query.offset,
  };
}

/**
 * The `If-Match` header of an optimistic update: none without a version.
 *
 * @public
 */
export function ifMatchHeader(
  expectedVersion: number | undefined,
): Record<string, string> {
  return expectedVersion === undefined
    ? {}
    : { 'If-Match': `"${expectedVersion}"` };
}
