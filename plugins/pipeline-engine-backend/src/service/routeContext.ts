import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PipelineAdminApi } from './adminTypes';
import type { LogStreamOptions } from './logStream';
import type { RequestAuth } from './requestAuth';
import type { TemplateApi } from './TemplateService';
import type { PipelineEngineApi } from './types';

/** What the route modules share. */
export interface RouteContext {
  api: PipelineEngineApi;
  admin: PipelineAdminApi;
  auth: RequestAuth;
  logger: LoggerService;
  logStream?: LogStreamOptions;
  /** Harness templates; the template routes answer 404 without it. */
  templates?: TemplateApi;
}
