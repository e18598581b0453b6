import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  compatWrapper,
  convertLegacyRouteRefs,
} from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import AccountTreeIcon from '@material-ui/icons/AccountTree';
import { PipelineEngineClient, pipelineEngineApiRef } from './api';
import { isPipelineEngineAvailable } from './annotations';
import {
  approvalsRouteRef,
  executionRouteRef,
  pipelineRouteRef,
  rootRouteRef,
} from './routes';

/** The API client, built on the app's discovery and fetch APIs. */
const pipelineEngineApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: pipelineEngineApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PipelineEngineClient({ discoveryApi, fetchApi }),
    }),
});

/** `/pipelines`: list, pipeline pages and execution pages. */
const pipelineEnginePage = PageBlueprint.make({
  params: {
    path: '/pipelines',
    title: 'Pipelines',
    icon: <AccountTreeIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRefs({ root: rootRouteRef }).root,
    noHeader: true,
    loader: () =>
      import('./components/Router').then(m =>
        compatWrapper(<m.PipelineEngineRouter />),
      ),
  },
});

/** The entity tab, on entities with a pipeline annotation. */
const entityPipelinesContent = EntityContentBlueprint.make({
  name: 'pipelines',
  params: {
    path: 'pipelines',
    title: 'Pipelines',
    filter: isPipelineEngineAvailable,
    loader: () =>
      import('./components/EntityPipelines').then(m =>
        compatWrapper(<m.EntityPipelinesContent />),
      ),
  },
});

/** The overview card, on entities with a pipeline annotation. */
const entityPipelinesCard = EntityCardBlueprint.make({
  name: 'pipelines',
  params: {
    filter: isPipelineEngineAvailable,
    loader: () =>
      import('./components/EntityPipelines').then(m =>
        compatWrapper(<m.EntityPipelinesCard />),
      ),
  },
});

/**
 * The plugin for Backstage's new frontend system: the `/pipelines` page
 * (with a nav item), the API, the entity "Pipelines" tab and card.
 * @public
 */
export const pipelineEngineFrontendPlugin = createFrontendPlugin({
  pluginId: 'pipeline-engine',
  title: 'Pipelines',
  icon: <AccountTreeIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  routes: convertLegacyRouteRefs({
    root: rootRouteRef,
    pipeline: pipelineRouteRef,
    execution: executionRouteRef,
    approvals: approvalsRouteRef,
  }),
  extensions: [
    pipelineEngineApi,
    pipelineEnginePage,
    entityPipelinesContent,
    entityPipelinesCard,
  ],
});
