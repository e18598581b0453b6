import { createApiRef } from '@backstage/core-plugin-api';
import type { PipelineEngineApi } from './types';

/**
 * The pipeline engine API of the app; {@link PipelineEngineClient} by default.
 * @public
 */
export const pipelineEngineApiRef = createApiRef<PipelineEngineApi>({
  id: 'plugin.pipeline-engine.api',
});
