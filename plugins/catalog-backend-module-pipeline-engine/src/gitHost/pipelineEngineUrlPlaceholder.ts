import { InputError } from '@backstage/errors';
import type { PlaceholderResolver } from '@backstage/plugin-catalog-node';

/** The placeholder's key: `$pipelineEngineUrl: <path>` in an entity file. */
export const PIPELINE_ENGINE_URL_PLACEHOLDER = 'pipelineEngineUrl';

/**
 * Resolves `$pipelineEngineUrl: git/templates/service.git` to that path
 * under the pipeline engine's external base URL
 * (`https://backstage.example.com/api/pipeline-engine/git/templates/service.git`),
 * so a template's form default or trigger URL follows the backend's
 * configured `backend.baseUrl` instead of a hard-coded host.
 */
export function createPipelineEngineUrlResolver(
  engineBaseUrl: () => Promise<string>,
): PlaceholderResolver {
  return async ({ value }) => {
    if (typeof value !== 'string' || !value.trim()) {
      throw new InputError(
        `$${PIPELINE_ENGINE_URL_PLACEHOLDER} takes a path below the pipeline engine's URL, e.g. git/templates/service.git`,
      );
    }
    const path = value.trim().replace(/^\/+/, '');
    if (
      /^[a-z][a-z0-9+.-]*:/i.test(path) ||
      path.split(/[/?#]/).includes('..')
    ) {
      throw new InputError(
        `$${PIPELINE_ENGINE_URL_PLACEHOLDER} "${value}" must be a relative path such as git/templates/service.git (no scheme, no "..")`,
      );
    }
    return `${(await engineBaseUrl()).replace(/\/+$/, '')}/${path}`;
  };
}
