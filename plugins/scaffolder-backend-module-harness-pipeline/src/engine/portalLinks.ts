import type { Config } from '@backstage/config';
import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';

const segment = encodeURIComponent;

/**
 * Links users follow from the scaffolder: pages of the portal
 * (`<app.baseUrl>/pipelines/...`, the frontend plugin's routes) when the
 * app's URL is configured, otherwise the engine's REST API.
 */
export interface PipelineLinks {
  pipeline(ref: PipelineRef): string;
  execution(executionId: string): string;
}

/** `app.baseUrl` without a trailing slash, when configured. */
export function readPortalBaseUrl(config: Config): string | undefined {
  return config.getOptionalString('app.baseUrl')?.replace(/\/+$/, '');
}

/** Portal pages under `portalBaseUrl`, else API resources under `engineBaseUrl`. */
export function pipelineLinks(
  engineBaseUrl: string,
  portalBaseUrl?: string,
): PipelineLinks {
  const pipelinesBase = portalBaseUrl
    ? `${portalBaseUrl}/pipelines`
    : engineBaseUrl;
  return {
    pipeline: ref =>
      `${portalBaseUrl ?? engineBaseUrl}/pipelines/${segment(
        ref.orgIdentifier,
      )}/${segment(ref.projectIdentifier)}/${segment(ref.pipelineIdentifier)}`,
    execution: executionId =>
      `${pipelinesBase}/executions/${segment(executionId)}`,
  };
}
