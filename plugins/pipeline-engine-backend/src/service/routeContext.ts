import type { LoggerService } from '@backstage/backend-plugin-api';
import type { TypedRouter } from '@backstage/backend-openapi-utils';
import type { EndpointMap } from '../schema/openapi/generated/router';
import type { PipelineAdminApi } from './adminTypes';
import type { LogStreamOptions } from './pumpEventStream';
import type { AnyRequest, RequestAuth } from './requestAuth';
import type { TemplateApi } from './TemplateService';
import type { PipelineEngineApi } from './types';

/** The router, its handlers typed from openapi.yaml. */
export type ApiRouter = TypedRouter<EndpointMap>;

/** What the route modules share. */
export interface RouteContext {
  api: PipelineEngineApi;
  admin: PipelineAdminApi;
  auth: RequestAuth;
  logger: LoggerService;
  logStream?: LogStreamOptions;
  /**
   * Checks the request against its operation in openapi.yaml (InputError
   * naming each field otherwise); routes call it once the caller is
   * authorized, before reading params, query or body.
   */
  validate(req: AnyRequest): void;
  /** Harness templates; the template routes answer 404 without it. */
  templates?: TemplateApi;
}
