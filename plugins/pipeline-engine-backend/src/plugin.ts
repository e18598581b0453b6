import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  coreServices,
  createBackendPlugin,
  type LoggerService,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { parseDuration } from '@idp-pipelines/plugin-pipeline-engine-common';
import { createPipelineEngineExtensions } from './extensions';
import {
  createAesGcmSecretCipher,
  createPipelineEngineStores,
  type PipelineEngineStores,
} from './database';
import { scheduleExecutionRetention } from './database/executionRetention';
import {
  createPipelineEngine,
  type PipelineEngineSettings,
} from './createPipelineEngine';
import { StepHandlerRegistry } from './engine';
import { assertInstanceId, defaultInstanceId } from './engine/instanceIdentity';
import { createStepProcessTracker, readRunnerSettings } from './runners';
import { createLocalGitRouter } from './scm';
import {
  readLocalGitSeeds,
  seedLocalRepositories,
} from './scm/localGitHost/seedRepositories';
import {
  createPipelineResourceLoader,
  createRouter,
  PipelineAdminService,
  pipelinePermissionResourceRef,
  registerPipelinePermissions,
  TemplateService,
  UNAUTHENTICATED_PATHS,
} from './service';
import { readTriggerSchedule } from './service/adminDocuments';
import { catalogGroupMembership } from './service/approvals';
import { createApproverGroupCheck } from './service/approverGroupCheck';
import { createApproverNotifiers } from './steps/approval/createApproverNotifiers';
import { ScheduledTriggerFirer } from './triggers';
import { createGitExperienceReader } from './sources/gitExperienceReader';
import {
  loadConfiguredPipelines,
  type PipelineSourceConfig,
} from './sources/loadConfiguredPipelines';
import { loadConfiguredTemplates } from './sources/loadConfiguredTemplates';
import { createBuiltinSteps } from './steps/createBuiltinSteps';

/**
 * The pipeline engine: stores Harness-style pipelines, runs them on a
 * database-backed queue any replica can claim from, and serves them over
 * `/api/pipeline-engine`.
 *
 * @public
 */
export const pipelineEnginePlugin = createBackendPlugin({
  pluginId: 'pipeline-engine',
  register(env) {
    const handlers = new StepHandlerRegistry();
    const extensions = createPipelineEngineExtensions(env, handlers);
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
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        scheduler: coreServices.scheduler,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, logger, discovery, httpRouter, permissionsRegistry } =
          deps;
        const engineConfig = config.getOptionalConfig('pipelineEngine');
        const encryptionKey = engineConfig?.getOptionalString(
          'secretsEncryptionKey',
        );
        const stores = await createPipelineEngineStores({
          database: deps.database,
          ...(encryptionKey
            ? { secretCipher: createAesGcmSecretCipher(encryptionKey) }
            : {}),
        });
        const settings = readEngineSettings(engineConfig);
        const processTracker = createStepProcessTracker({
          store: stores.stepProcesses,
          instanceId: settings.worker.instanceId!,
          logger,
        });
        const { steps, localGit, resolveFileUrls } = await createBuiltinSteps({
          config,
          discovery,
          auth: deps.auth,
          catalog: deps.catalog,
          logger,
          processTracker,
          urlReader: deps.urlReader,
          ...((engineConfig?.getOptionalBoolean(
            'approvals.notifications.enabled',
          ) ?? true)
            ? {
                notifyApprovers: createApproverNotifiers({
                  config,
                  notifications: deps.notifications,
                  logger,
                }),
              }
            : {}),
          extensions: {
            containerRunner: extensions.containerRunner,
            cookiecutterEngine: extensions.cookiecutterEngine,
            scmProviders: extensions.scmProviders,
          },
        });
        handlers.add(...steps);
        await seedLocalRepositories({
          root: localGit.root,
          seeds: readLocalGitSeeds(config),
          logger,
        });

        const engineUrl = await discovery.getExternalBaseUrl('pipeline-engine');
        const portalUrl = config
          .getOptionalString('app.baseUrl')
          ?.replace(/\/+$/, '');
        const {
          service,
          worker,
          registry,
          events,
          approvals,
          interventions,
          admission,
        } = createPipelineEngine({
          stores,
          handlers,
          logger,
          ...settings,
          secretSources: extensions.secretSources,
          baseUrl: engineUrl,
          // Approvers are the catalog groups' members (memberOf relations).
          membership: catalogGroupMembership(async userRef =>
            deps.catalog.getEntityByRef(userRef, {
              credentials: await deps.auth.getOwnServiceCredentials(),
            }),
          ),
          // Unknown approver groups are warnings when a pipeline is saved or validated.
          checkApproverGroups: createApproverGroupCheck(async groupRef =>
            Boolean(
              await deps.catalog.getEntityByRef(groupRef, {
                credentials: await deps.auth.getOwnServiceCredentials(),
              }),
            ),
          ),
          approvalLink: id =>
            `${portalUrl ? `${portalUrl}/pipelines` : engineUrl}/executions/${encodeURIComponent(id)}`,
        });
        const readGitFile = createGitExperienceReader({
          resolveFileUrls,
          localGit,
          urlReader: deps.urlReader,
        });
        // Templates first: the configured pipelines may use them.
        await loadConfiguredTemplates({
          sources: (
            engineConfig?.getOptionalConfigArray('templates') ?? []
          ).map(c => ({
            ...readSourceConfig(c),
            ...(c.getOptionalBoolean('stable') ? { stable: true } : {}),
          })),
          store: stores.templates,
          urlReader: deps.urlReader,
          logger,
          readGitFile,
        });
        await loadConfiguredPipelines({
          sources: (
            engineConfig?.getOptionalConfigArray('pipelines') ?? []
          ).map(readSourceConfig),
          store: stores.pipelines,
          registry,
          urlReader: deps.urlReader,
          logger,
          readGitFile,
          templates: stores.templates.asTemplateSource(),
        });

        registerPipelinePermissions(
          permissionsRegistry,
          createPipelineResourceLoader(service),
        );
        const admin = new PipelineAdminService({ stores, engine: service });
        const templates = new TemplateService(stores.templates);
        await scheduleTriggerFiring(
          deps.scheduler,
          engineConfig,
          admin,
          stores,
          logger,
        );
        await scheduleExecutionRetention({
          scheduler: deps.scheduler,
          database: deps.database,
          config: engineConfig,
          logger,
        });
        httpRouter.use(
          await createRouter({
            api: service,
            admin,
            templates,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            logger,
            config,
            permissionRuleset: permissionsRegistry.getPermissionRuleset(
              pipelinePermissionResourceRef,
            ),
            approvals,
            interventions,
            admission,
          }),
        );
        // The local git host: read-only clone/fetch and raw files, for people
        // and the catalog (writes happen only through the steps). The route is
        // open so public repositories can be read anonymously; the router
        // itself asks for a Backstage token for private ones.
        httpRouter.use(
          createLocalGitRouter({
            root: localGit.root,
            logger,
            httpAuth: deps.httpAuth,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/git', allow: 'unauthenticated' });
        for (const path of UNAUTHENTICATED_PATHS) {
          // The trigger route checks the trigger's webhook token itself.
          httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }

        if (engineConfig?.getOptionalBoolean('worker.enabled') ?? true) {
          worker.start();
          deps.lifecycle.addShutdownHook(async () => {
            await worker.stop();
            // Step processes get SIGTERM, then SIGKILL after the grace period:
            // wait for them, so a clean shutdown leaves nothing to clean up.
            await processTracker.whenIdle?.(
              readRunnerSettings(config).killGraceMs + 2000,
            );
          });
        } else {
          // Log streams here still hear lines and ends from the other replicas.
          await events.start();
          deps.lifecycle.addShutdownHook(() => events.stop());
        }
      },
    });
  },
});

/**
 * Fires Scheduled triggers through Backstage's scheduler: a global task, so
 * one replica at a time looks for due occurrences, and a compare-and-set per
 * occurrence in the firer, so none fires twice even if two passes overlap.
 */
async function scheduleTriggerFiring(
  scheduler: SchedulerService,
  engineConfig: Config | undefined,
  admin: PipelineAdminService,
  stores: PipelineEngineStores,
  logger: LoggerService,
): Promise<void> {
  const settings = engineConfig?.getOptionalConfig('triggers.scheduled');
  if (!(settings?.getOptionalBoolean('enabled') ?? true)) return;
  const intervalSeconds =
    settings?.getOptionalNumber('checkIntervalSeconds') ?? 10;
  const missedAfterSeconds = Math.max(
    settings?.getOptionalNumber('missedAfterSeconds') ?? 60,
    3 * intervalSeconds,
  );
  const firer = new ScheduledTriggerFirer({
    triggers: stores.triggers,
    fire: trigger => admin.fireScheduledTrigger(trigger),
    readSchedule: readTriggerSchedule,
    logger: logger.child({ task: 'scheduled-triggers' }),
    missedAfterMs: missedAfterSeconds * 1000,
  });
  await scheduler.scheduleTask({
    id: 'pipeline-engine-scheduled-triggers',
    scope: 'global',
    frequency: { seconds: intervalSeconds },
    timeout: { minutes: 5 },
    fn: async () => {
      await firer.fireDue(new Date());
    },
  });
}

type EngineSettingsFromConfig = Omit<
  PipelineEngineSettings,
  'stores' | 'handlers' | 'logger' | 'baseUrl'
>;

/** `pipelineEngine.*` settings of the engine itself, with their defaults. */
function readEngineSettings(c: Config | undefined): EngineSettingsFromConfig {
  const stepTimeout = c?.getOptionalString('defaults.stepTimeout') ?? '1h';
  const defaultStepTimeoutMs = parseDuration(stepTimeout);
  if (defaultStepTimeoutMs === undefined) {
    throw new Error(
      `pipelineEngine.defaults.stepTimeout "${stepTimeout}" is not a duration such as 1h or 30m`,
    );
  }
  const secrets: Record<string, string> = {};
  for (const [id, value] of Object.entries(
    c?.getOptionalConfig('secrets')?.get<Record<string, unknown>>() ?? {},
  )) {
    if (value !== undefined && value !== null) secrets[id] = String(value);
  }
  const workspaceRoot =
    c?.getOptionalString('workspace.root') ?? join(tmpdir(), 'pipeline-engine');
  const instanceId =
    c?.getOptionalString('worker.instanceId') ??
    defaultInstanceId(workspaceRoot);
  assertInstanceId(instanceId);
  return {
    secrets,
    workspaceRoot,
    defaultStepTimeoutMs,
    expressionMode:
      c?.getOptionalString('expressions.mode') === 'lenient'
        ? 'lenient'
        : 'strict',
    accountIdentifier: c?.getOptionalString('accountIdentifier') ?? 'default',
    worker: {
      concurrency: c?.getOptionalNumber('worker.concurrency') ?? 4,
      leaseMs: (c?.getOptionalNumber('worker.leaseSeconds') ?? 30) * 1000,
      // A safety net: executions, aborts and logs arrive as events.
      pollMs: c?.getOptionalNumber('worker.pollIntervalMs') ?? 5000,
      instanceId,
    },
  };
}

/** One `pipelineEngine.pipelines[]` / `templates[]` entry: a file or URL, or a file in git. */
function readSourceConfig(c: Config): PipelineSourceConfig {
  return c.has('target')
    ? { target: c.getString('target') }
    : {
        connectorRef: c.getString('connectorRef'),
        repoName: c.getString('repoName'),
        branch: c.getString('branch'),
        filePath: c.getString('filePath'),
        organization: c.getOptionalString('organization'),
      };
}
