import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import type { JSX } from 'react';
import { PipelineEngineClient, pipelineEngineApiRef } from './api';
import { rootRouteRef } from './routes';

/**
 * The plugin for apps on Backstage's legacy frontend system.
 * @public
 */
export const pipelineEnginePlugin = createPlugin({
  id: 'pipeline-engine',
  apis: [
    createApiFactory({
      api: pipelineEngineApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PipelineEngineClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef },
});

/**
 * Legacy frontend system: the pipelines pages, e.g.
 * `<Route path="/pipelines" element={<PipelineEnginePage />} />`.
 * @public
 */
export const PipelineEnginePage: () => JSX.Element =
  pipelineEnginePlugin.provide(
    createRoutableExtension({
      name: 'PipelineEnginePage',
      component: () =>
        import('./components/Router').then(m => m.PipelineEngineRouter),
      mountPoint: rootRouteRef,
    }),
  );

/**
 * Legacy frontend system: the entity "Pipelines" tab content (executions
 * that created or changed the entity, pipelines it can run).
 * @public
 */
export const EntityPipelinesContent: () => JSX.Element =
  pipelineEnginePlugin.provide(
    createComponentExtension({
      name: 'EntityPipelinesContent',
      component: {
        lazy: () =>
          import('./components/EntityPipelines').then(
            m => m.EntityPipelinesContent,
          ),
      },
    }),
  );

/**
 * Legacy frontend system: an overview card with the entity's newest
 * pipeline executions and links to run its pipelines.
 * @public
 */
export const EntityPipelinesCard: () => JSX.Element =
  pipelineEnginePlugin.provide(
    createComponentExtension({
      name: 'EntityPipelinesCard',
      component: {
        lazy: () =>
          import('./components/EntityPipelines').then(
            m => m.EntityPipelinesCard,
          ),
      },
    }),
  );
