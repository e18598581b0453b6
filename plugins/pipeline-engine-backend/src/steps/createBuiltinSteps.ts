import type {
  AuthService,
  DiscoveryService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { CookiecutterEngine } from '@idp-pipelines/plugin-pipeline-engine-cookiecutter';
import type {
  StepHandler,
  StepRunner,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import { ConnectorResolver } from '../connectors';
import type { StepProcessTracker } from '../runners';
import type { ScmProviderFactories } from '../scm/providers';
import { readNetworkPolicy } from '../network';
import { createCatalogSteps } from './catalog';
import { createCookieCutterStep } from './cookiecutter';
import {
  createFileUrlResolver,
  createGitSteps,
  readGitStepsConfig,
} from './git';
import { createRunSteps } from './run';
import { createSlackNotifyStep } from './slack';
import { waitStep } from './wait';
import { createHarnessApprovalStep } from './approval/harnessApproval';
import type { ApproverNotifier } from './approval/approverNotifications';
import { createQueueStep } from './queue/queueStep';

/** What the built-in steps need from the backend. */
export interface BuiltinStepsOptions {
  config: Config;
  discovery: DiscoveryService;
  auth: AuthService;
  catalog: CatalogService;
  /** Records step processes so that a restart after a crash can kill them. */
  processTracker?: StepProcessTracker;
  /** Warns about deprecated settings. */
  logger?: LoggerService;
  /** The backend's URL readers (RegisterCatalog checks the catalog may read its URL). */
  urlReader?: UrlReaderService;
  /** Tells approvers when a HarnessApproval step starts waiting. */
  notifyApprovers?: ApproverNotifier;
  /** What backend modules replaced through the extension points; the built-ins otherwise. */
  extensions?: {
    containerRunner?: StepRunner;
    cookiecutterEngine?: CookiecutterEngine;
    scmProviders?: ScmProviderFactories;
  };
}

/**
 * Every step type the engine plugin ships (IDP, Custom and CI steps), built
 * from app-config; also returns the local git host's settings, which the
 * plugin serves over HTTP.
 */
export async function createBuiltinSteps(
  options: BuiltinStepsOptions,
): Promise<{
  steps: Array<StepHandler<any>>;
  localGit: { root: string; baseUrl: string };
  /** File URLs in repositories, by connector (Git Experience sources use it too). */
  resolveFileUrls: ReturnType<typeof createFileUrlResolver>;
}> {
  const { config, discovery, auth, catalog, extensions = {} } = options;
  const gitConfig = readGitStepsConfig(config);
  const connectors = ConnectorResolver.fromConfig(config);
  const localGit = {
    root: gitConfig.localGit.root,
    baseUrl: `${await discovery.getExternalBaseUrl('pipeline-engine')}/git`,
  };
  const resolveFileUrls = createFileUrlResolver({
    connectors,
    localGit,
    providers: extensions.scmProviders,
  });
  // One allow list for every URL a pipeline chooses (Http, CookieCutter, GitClone, RegisterCatalog).
  const network = readNetworkPolicy(config, {
    logger: options.logger,
    ownUrls: [localGit.baseUrl],
  });
  // Approvers open the portal's execution page (app.baseUrl), else the API.
  const portal = config.getOptionalString('app.baseUrl')?.replace(/\/+$/, '');
  const engineUrl = await discovery.getExternalBaseUrl('pipeline-engine');
  const steps: Array<StepHandler<any>> = [
    waitStep,
    createHarnessApprovalStep({
      notifyApprovers: options.notifyApprovers,
      approvalLink: id =>
        `${portal ? `${portal}/pipelines` : engineUrl}/executions/${encodeURIComponent(id)}`,
    }),
    createQueueStep(),
    ...createRunSteps({
      config,
      network,
      processTracker: options.processTracker,
      containerRunner: extensions.containerRunner,
    }),
    ...createGitSteps({
      connectors,
      localGit,
      author: gitConfig.author,
      commitMessage: gitConfig.commitMessage,
      network,
      providers: extensions.scmProviders,
    }),
    createCookieCutterStep({
      engine:
        config.getOptionalString('pipelineEngine.cookiecutter.engine') === 'cli'
          ? 'cli'
          : 'builtin',
      command: config.getOptionalString('pipelineEngine.cookiecutter.command'),
      network,
      localGit: { root: localGit.root, baseUrl: localGit.baseUrl },
      renderer: extensions.cookiecutterEngine,
    }),
    ...createCatalogSteps({
      catalog,
      auth,
      discovery,
      config,
      resolveFileUrls,
      network,
      urlReader: options.urlReader,
    }),
    createSlackNotifyStep({ config }),
  ];
  return { steps, localGit, resolveFileUrls };
}
