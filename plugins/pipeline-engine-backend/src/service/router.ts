import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import express from 'express';
import Router from 'express-promise-router';
import { createOpenApiRouter, spec } from '../schema/openapi/generated/router';
import type { PipelineAdminApi } from './adminTypes';
import { createErrorHandler } from './errorHandler';
import { addExecutionConfigRoutes } from './executionConfigRoutes';
import { addExecutionRoutes } from './executionRoutes';
import { addApprovalRoutes, addInterventionRoute } from './approvalRoutes';
import type { ApprovalService } from './approvals';
import type { InterventionService } from './interventions';
import {
  addInputSetAndTriggerRoutes,
  TRIGGER_RUN_PATH,
} from './inputSetAndTriggerRoutes';
import type { LogStreamOptions } from './pumpEventStream';
import {
  builtInPipelineRuleset,
  type PipelinePermissionRuleset,
} from './permissionRules';
import { addPipelineRoutes } from './pipelineRoutes';
import { RequestAuth, type AnyRequest } from './requestAuth';
import { limitBodyNesting, requireKnownMediaType } from './requestGuards';
import { YAML_MEDIA_TYPES } from './requestParsing';
import { RequestValidator } from './requestValidation';
import { addTemplateRoutes } from './templateRoutes';
import type { TemplateApi } from './TemplateService';
import type { PipelineEngineApi } from './types';
import type { AdmissionGate } from '../engine/admissionGate';

/** Options of {@link createRouter}. */
export interface RouterOptions {
  api: PipelineEngineApi;
  admin: PipelineAdminApi;
  /** Harness templates (`/templates` routes). */
  templates?: TemplateApi;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
  /** For the standard error handler (stack traces in development). */
  config?: RootConfigService;
  /**
   * Rules to evaluate conditional decisions of list routes with; pass
   * `permissionsRegistry.getPermissionRuleset(pipelinePermissionResourceRef)`
   * so rules added by modules count too. Defaults to the built-in rules.
   */
  permissionRuleset?: PipelinePermissionRuleset;
  /** Timing of the log event stream. */
  logStream?: LogStreamOptions;
  /** Largest accepted request body. Default 5 MB. */
  bodyLimit?: string;
  /** HarnessApproval routes (`/approvals`, `/executions/{id}/approvals`). */
  approvals?: ApprovalService;
  /** ManualIntervention route (`/executions/{id}/interventions/{nodeId}`). */
  interventions?: InterventionService;
  /**
   * Told about every request that starts an execution, from the moment it
   * reaches this router until its response is sent.
   */
  admission?: AdmissionGate;
}

/**
 * Routes that must be reachable without Backstage credentials; the plugin
 * registers each with `httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' })`.
 * They authenticate callers themselves.
 */
export const UNAUTHENTICATED_PATHS: readonly string[] = [TRIGGER_RUN_PATH];

/** Path prefixes of every route of this router. */
const API_PATH_PREFIXES = [
  '/pipelines',
  '/executions',
  '/execution-config',
  '/templates',
  '/approvals',
];

let sharedValidator: RequestValidator | undefined;

/** One validator per process: compiling the spec's schemas takes a while. */
function requestValidator(): RequestValidator {
  sharedValidator ??= new RequestValidator(spec);
  return sharedValidator;
}

/** Requests that start an execution: execute, rerun, a trigger's run. */
const ADMISSION_PATH =
  /^\/(pipelines\/[^/]+\/[^/]+\/[^/]+\/(execute|triggers\/[^/]+\/run)|executions\/[^/]+\/rerun)\/?$/;

/**
 * Counts an execute request as an admission from the moment it reaches
 * this router, not only while the service handles it: a burst of requests
 * moves through authentication, body parsing and validation in step, and
 * while all of them are in those stages none is inside the service, which
 * would let the worker start executions in the middle of the burst.
 */
function admissionMiddleware(gate: AdmissionGate): express.RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || !ADMISSION_PATH.test(req.path)) return next();
    const leave = gate.enter();
    res.once('finish', leave);
    res.once('close', leave);
    return next();
  };
}

/** Reads and guards request bodies before any route sees them. */
function bodyMiddleware(limit: string): express.Router {
  const bodies = Router();
  // Only the API's own paths: other routers of the plugin (the git host's
  // smart-HTTP POSTs) come through here too and read their own bodies.
  bodies.use(API_PATH_PREFIXES, requireKnownMediaType);
  bodies.use(express.json({ limit }));
  bodies.use(express.text({ type: YAML_MEDIA_TYPES, limit }));
  bodies.use(API_PATH_PREFIXES, limitBodyNesting);
  return bodies;
}

/**
 * The REST API of the pipeline engine, mounted at `/api/pipeline-engine`.
 * Every route requires a user or service principal (401) and the matching
 * permission (403); see openapi.yaml for the routes.
 *
 * The router and its handlers' types come from the spec module generated
 * from openapi.yaml (`yarn generate:openapi`). Requests are validated
 * against the spec by each route once the caller is authenticated and
 * authorized (`ctx.validate`), not by a middleware in front of them: a
 * request without credentials is a 401 and one without permission a 403
 * whatever its body, and the messages are ours, not ajv's.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const limit = options.bodyLimit ?? '5mb';
  const router = await createOpenApiRouter({
    // The body guards come after the spec matcher, whose error transformer
    // would turn their 415 into a 400; it insists on some middleware.
    middleware: [(_req, _res, next) => next()],
    // Requests are validated by `ctx.validate`, so express-openapi-validator
    // is kept out of the way entirely: even with validation off, its route
    // lookup compiles every path pattern of the spec on every request
    // (about a tenth of an execute's CPU time), and multer would be
    // installed for multipart bodies the spec never takes.
    validatorOptions: {
      validateRequests: false,
      validateResponses: false,
      validateSecurity: false,
      ignoreUndocumented: true,
      ignorePaths: /.*/,
      fileUploader: false,
    },
  });
  if (options.admission) router.use(admissionMiddleware(options.admission));
  router.use(bodyMiddleware(limit));
  const validator = requestValidator();

  const ctx = {
    api: options.api,
    admin: options.admin,
    auth: new RequestAuth(
      options.httpAuth,
      options.permissions,
      options.permissionRuleset ?? builtInPipelineRuleset(),
    ),
    logger: options.logger,
    logStream: options.logStream,
    validate: (req: AnyRequest) => validator.validate(req),
    ...(options.templates ? { templates: options.templates } : {}),
  };
  addPipelineRoutes(router, ctx);
  addInputSetAndTriggerRoutes(router, ctx);
  addExecutionRoutes(router, ctx);
  if (options.approvals) addApprovalRoutes(router, ctx, options.approvals);
  if (options.interventions)
    addInterventionRoute(router, ctx, options.interventions);
  addExecutionConfigRoutes(router, ctx);
  addTemplateRoutes(router, ctx);

  router.use(
    createErrorHandler({
      config: options.config ?? new ConfigReader({}),
      logger: options.logger,
    }),
  );
  return router;
}
