import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { parseDuration } from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineStepsExtensionPoint } from '@idp-pipelines/plugin-pipeline-engine-node';
import { createAesGcmSecretCipher, createPipelineEngineStores } from './database';
import { createPipelineEngine, StepHandlerRegistry } from './engine';
import { loadConfiguredPipelines } from './sources/loadConfiguredPipelines';
import {
  createPipelineResourceLoader,
  createRouter,
  PipelineAdminService,
  pipelinePermissionResourceRef,
  registerPipelinePermissions,
  UNAUTHENTICATED_PATHS,
} from './service';
import { builtinStepHandlers } from './steps';
import { createRunSteps } from './steps/run';
import { createGitSteps, readGitStepsConfig } from './steps/git';
import { ConnectorResolver } from './connectors';
import { createLocalGitRouter } from './scm';

/**
 * The pipeline engine: stores Harness-style pipelines, runs them on a
 * database-backed queue any replica can claim from, and serves them over
 * `/api/pipeline-engine`.
 */
export const pipelineEnginePlugin = createBackendPlugin({
  pluginId: 'pipeline-engine',
  register(env) {
    const handlers = new StepHandlerRegistry();
    env.registerExtensionPoint(pipelineEngineStepsExtensionPoint, {
      addStepHandlers: (...added) => handlers.add(...added),
    });
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
        urlReader: coreServices.urlReader,
        discovery: coreServices.discovery,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init({ config, logger, database, lifecycle, urlReader, discovery, httpRouter, httpAuth, permissions, permissionsRegistry }) {
        const gitConfig = readGitStepsConfig(config);
        const connectors = ConnectorResolver.fromConfig(config);
        const localGit = {
          root: gitConfig.localGit.root,
          baseUrl: `${await discovery.getExternalBaseUrl('pipeline-engine')}/git`,
        };
        handlers.add(
          ...builtinStepHandlers,
          ...createRunSteps({ config }),
          ...createGitSteps({ connectors, localGit, author: gitConfig.author, commitMessage: gitConfig.commitMessage }),
        );
        const engineConfig = config.getOptionalConfig('pipelineEngine');
        const encryptionKey = engineConfig?.getOptionalString('secretsEncryptionKey');
        const stores = await createPipelineEngineStores({
          database,
          ...(encryptionKey ? { secretCipher: createAesGcmSecretCipher(encryptionKey) } : {}),
        });
        const secrets = readSecrets(engineConfig?.getOptionalConfig('secrets')?.get<Record<string, unknown>>() ?? {});
        const stepTimeout = engineConfig?.getOptionalString('defaults.stepTimeout') ?? '1h';
        const defaultStepTimeoutMs = parseDuration(stepTimeout);
        if (defaultStepTimeoutMs === undefined) {
          throw new Error(`pipelineEngine.defaults.stepTimeout "${stepTimeout}" is not a duration such as 1h or 30m`);
        }
        const { service, worker, registry } = createPipelineEngine({
          stores,
          handlers,
          logger,
          secrets,
          workspaceRoot: engineConfig?.getOptionalString('workspace.root') ?? join(tmpdir(), 'pipeline-engine'),
          defaultStepTimeoutMs,
          expressionMode: engineConfig?.getOptionalString('expressions.mode') === 'lenient' ? 'lenient' : 'strict',
          accountIdentifier: engineConfig?.getOptionalString('accountIdentifier') ?? 'default',
          worker: {
            concurrency: engineConfig?.getOptionalNumber('worker.concurrency') ?? 4,
            leaseMs: (engineConfig?.getOptionalNumber('worker.leaseSeconds') ?? 30) * 1000,
            pollMs: engineConfig?.getOptionalNumber('worker.pollIntervalMs') ?? 1000,
          },
          baseUrl: await discovery.getExternalBaseUrl('pipeline-engine'),
        });
        await loadConfiguredPipelines({
          sources: (engineConfig?.getOptionalConfigArray('pipelines') ?? []).map(c => ({ target: c.getString('target') })),
          store: stores.pipelines,
          registry,
          urlReader,
          logger,
        });
        const admin = new PipelineAdminService({ stores, engine: service });
        registerPipelinePermissions(permissionsRegistry, createPipelineResourceLoader(service));
        httpRouter.use(
          await createRouter({
            api: service,
            admin,
            httpAuth,
            permissions,
            logger,
            config,
            permissionRuleset: permissionsRegistry.getPermissionRuleset(pipelinePermissionResourceRef),
          }),
        );
        // The local git host: read-only clone/fetch and raw files, for people
        // and the catalog (writes happen only through the steps).
        httpRouter.use(createLocalGitRouter({ root: localGit.root, logger }));
        httpRouter.addAuthPolicy({ path: '/git', allow: 'unauthenticated' });
        for (const path of UNAUTHENTICATED_PATHS) {
          // The trigger route checks the trigger's webhook token itself.
          httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }
        if (engineConfig?.getOptionalBoolean('worker.enabled') ?? true) {
          worker.start();
          lifecycle.addShutdownHook(() => worker.stop());
        }
      },
    });
  },
});

function readSecrets(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, value] of Object.entries(raw)) {
    if (value !== undefined && value !== null) out[id] = String(value);
  }
  return out;
}
