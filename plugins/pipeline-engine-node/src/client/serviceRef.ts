import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { PipelineEngineClient } from './PipelineEngineClient';
import type { PipelineEngineService } from './PipelineEngineService';

/**
 * The pipeline engine's API for other backend plugins and modules. The
 * default implementation calls the engine over HTTP with a token issued on
 * behalf of the credentials passed to each call.
 *
 * @example
 * ```ts
 * env.registerInit({
 *   deps: { pipelineEngine: pipelineEngineServiceRef },
 *   async init({ pipelineEngine }) { ... },
 * });
 * ```
 *
 * @public
 */
export const pipelineEngineServiceRef = createServiceRef<PipelineEngineService>(
  {
    id: 'pipeline-engine.client',
    defaultFactory: async service =>
      createServiceFactory({
        service,
        deps: {
          discovery: coreServices.discovery,
          auth: coreServices.auth,
        },
        factory: ({ discovery, auth }) =>
          new PipelineEngineClient({ discovery, auth }),
      }),
  },
);
