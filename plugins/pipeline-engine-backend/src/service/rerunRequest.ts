import type { RerunRequest } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { components } from '@idp-pipelines/plugin-pipeline-engine-common';
import { executeRequestOf } from './requestParsing';

/**
 * The re-run body, once validated against openapi.yaml's RerunRequest:
 * `inputs` is `same` (the default) or what the execute route accepts as its
 * body, read by the very same parser so the same checks apply.
 */
export function rerunRequestOf(
  body: components['schemas']['RerunRequest'] | undefined,
): RerunRequest {
  const { fromStage, inputs } = body ?? {};
  return {
    ...(fromStage !== undefined ? { fromStage } : {}),
    inputs:
      inputs === undefined || inputs === 'same'
        ? 'same'
        : executeRequestOf({ body: inputs }),
  };
}
