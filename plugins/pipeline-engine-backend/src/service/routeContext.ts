import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PipelineAdminApi } from './adminTypes';
import type { LogStreamOptions } from './logStream';
import type { RequestAuth } from './requestAuth';
import type { PipelineEngineApi } from './types';

/** What the route modules share. */
export interface RouteContext {
  api: PipelineEngineApi;
  admin: PipelineAdminApi;
  auth: RequestAuth;
  logger: LoggerService;
  logStream?: LogStreamOptions;
}
