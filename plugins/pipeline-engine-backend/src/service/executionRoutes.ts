import { NotAllowedError } from '@backstage/errors';
import {
  executionAbortPermission,
  pipelineExecutePermission,
  pipelineReadPermission,
  stringifyPipelineResourceRef,
  type PipelineRef,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Request } from 'express';
import { streamExecutionEvents } from './executionEventStream';
import { streamExecutionLogs } from './logStream';
import { actorOf, type CallerCredentials } from './requestAuth';
import { pageOf } from './requestParsing';
import { rerunRequestOf } from './rerunRequest';
import type { ApiRouter, RouteContext } from './routeContext';
import type { ExecutionFilter } from './types';
import { listVisible } from './visibleList';

function refOf(execution: PipelineRef): PipelineRef {
  return {
    orgIdentifier: execution.orgIdentifier,
    projectIdentifier: execution.projectIdentifier,
    pipelineIdentifier: execution.pipelineIdentifier,
  };
}

/**
 * The log cursor: `Last-Event-ID` of a reconnecting EventSource (digits,
 * as the request validator checked) wins.
 */
function streamCursorOf(
  req: Pick<Request, 'header'>,
  after: number | undefined,
): number {
  const lastEventId = req.header('last-event-id');
  return lastEventId ? Number(lastEventId) : (after ?? 0);
}

/** Executions: list, detail, abort, re-run, log pages and the log and status event streams. */
export function addExecutionRoutes(router: ApiRouter, ctx: RouteContext): void {
  const { api, auth, validate } = ctx;

  /** Loads the execution and checks `permission` on its pipeline. */
  const authorizedExecution = async (
    id: string,
    credentials: CallerCredentials,
    permission = pipelineReadPermission,
  ) => {
    const execution = await api.getExecution(id);
    await auth.requirePipeline(permission, refOf(execution), credentials);
    return execution;
  };

  router.get('/executions', async (req, res) => {
    const credentials = await auth.credentials(req);
    const visibility = await auth.visibility(
      pipelineReadPermission,
      credentials,
    );
    validate(req);
    const filter: ExecutionFilter = {
      orgIdentifier: req.query.org,
      projectIdentifier: req.query.project,
      pipelineIdentifier: req.query.pipeline,
      status: req.query.status,
    };
    const { orgIdentifier, projectIdentifier, pipelineIdentifier } = filter;
    // One named pipeline: a single decision instead of scanning.
    const single =
      orgIdentifier && projectIdentifier && pipelineIdentifier
        ? { orgIdentifier, projectIdentifier, pipelineIdentifier }
        : undefined;
    if (visibility && single && !visibility(single)) {
      throw new NotAllowedError(
        `${pipelineReadPermission.name} is not allowed on pipeline ${stringifyPipelineResourceRef(single)}`,
      );
    }
    const result = await listVisible(
      page => api.listExecutions({ ...filter, ...page }),
      single ? undefined : visibility,
      pageOf(req.query),
    );
    res.json(result);
  });

  router.get('/executions/:id', async (req, res) => {
    const credentials = await auth.credentials(req);
    const execution = await authorizedExecution(req.params.id, credentials);
    validate(req);
    res.json(execution);
  });

  router.post('/executions/:id/abort', async (req, res) => {
    const credentials = await auth.credentials(req);
    await authorizedExecution(
      req.params.id,
      credentials,
      executionAbortPermission,
    );
    validate(req);
    res.json(await api.abortExecution(req.params.id, actorOf(credentials)));
  });

  // Runs the pipeline again, so it takes what executing it takes.
  router.post('/executions/:id/rerun', async (req, res) => {
    const credentials = await auth.credentials(req);
    await authorizedExecution(
      req.params.id,
      credentials,
      pipelineExecutePermission,
    );
    validate(req);
    const request = rerunRequestOf(req.body);
    res
      .status(201)
      .json(
        await api.rerunExecution(req.params.id, request, actorOf(credentials)),
      );
  });

  router.get('/executions/:id/logs', async (req, res) => {
    const credentials = await auth.credentials(req);
    await authorizedExecution(req.params.id, credentials);
    validate(req);
    const { after, limit, nodeFqn } = req.query;
    res.json(
      await api.readLogs(req.params.id, {
        ...(after !== undefined ? { after } : {}),
        ...(limit !== undefined ? { limit } : {}),
        ...(nodeFqn !== undefined ? { nodeFqn } : {}),
      }),
    );
  });

  router.get('/executions/:id/logs/stream', async (req, res) => {
    const credentials = await auth.credentials(req);
    await authorizedExecution(req.params.id, credentials);
    validate(req);
    await streamExecutionLogs({
      api,
      id: req.params.id,
      after: streamCursorOf(req, req.query.after),
      res,
      logger: ctx.logger,
      stream: ctx.logStream,
    });
  });

  router.get('/executions/:id/events', async (req, res) => {
    const credentials = await auth.credentials(req);
    await authorizedExecution(req.params.id, credentials);
    validate(req);
    await streamExecutionEvents({
      api,
      id: req.params.id,
      res,
      logger: ctx.logger,
      stream: ctx.logStream,
    });
  });
}
