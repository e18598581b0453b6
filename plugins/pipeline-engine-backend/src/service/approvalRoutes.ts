import { InputError, NotAllowedError } from '@backstage/errors';
import {
  approvalRespondPermission,
  pipelineExecutePermission,
  pipelineReadPermission,
  type ApprovalActivityRequest,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Router } from 'express';
import type { ApprovalService } from './approvals';
import type { InterventionService } from './interventions';
import { actorOf, type CallerCredentials } from './requestAuth';
import { queryString } from './requestParsing';
import type { RouteContext } from './routeContext';

/** The signed-in user's entity ref; approvals are given by people, not services. */
function userOf(credentials: CallerCredentials): string {
  if (credentials.principal.type !== 'user') {
    throw new NotAllowedError(
      'approvals are given and listed for signed-in users, not services',
    );
  }
  return credentials.principal.userEntityRef;
}

/** HarnessApproval: what the caller may act on, an execution's approvals, approve/reject. */
export function addApprovalRoutes(
  router: Router,
  ctx: RouteContext,
  approvals: ApprovalService,
): void {
  const { api, auth } = ctx;

  router.get('/approvals', async (req, res) => {
    const credentials = await auth.credentials(req);
    const status = queryString(req, 'status') ?? 'waiting';
    if (status !== 'waiting')
      throw new InputError(
        `status must be waiting (got ${JSON.stringify(status)})`,
      );
    const user = userOf(credentials);
    const items = await approvals.listWaiting(user, ref =>
      auth.requirePipeline(approvalRespondPermission, ref, credentials).then(
        () => true,
        () => false,
      ),
    );
    res.json({ items, totalCount: items.length });
  });

  router.get('/executions/:id/approvals', async (req, res) => {
    const credentials = await auth.credentials(req);
    const execution = await api.getExecution(req.params.id);
    await auth.requirePipeline(pipelineReadPermission, execution, credentials);
    const items = await approvals.listForExecution(execution.id);
    res.json({ items, totalCount: items.length });
  });

  router.post('/approvals/:approvalId/activity', async (req, res) => {
    const credentials = await auth.credentials(req);
    const user = userOf(credentials);
    const pipeline = await approvals.pipelineOf(req.params.approvalId);
    await auth.requirePipeline(
      approvalRespondPermission,
      pipeline,
      credentials,
    );
    const body = (req.body ?? {}) as ApprovalActivityRequest;
    if (typeof body !== 'object' || Array.isArray(body))
      throw new InputError('the body must be a JSON object');
    res.json(await approvals.act(req.params.approvalId, user, body));
  });
}

/**
 * ManualIntervention: a person's action on a step waiting for one. Needs
 * `pipeline-engine.pipeline.execute` (the action runs or skips steps).
 */
export function addInterventionRoute(
  router: Router,
  ctx: RouteContext,
  interventions: InterventionService,
): void {
  const { api, auth } = ctx;
  router.post('/executions/:id/interventions/:nodeId', async (req, res) => {
    const credentials = await auth.credentials(req);
    const execution = await api.getExecution(req.params.id);
    await auth.requirePipeline(
      pipelineExecutePermission,
      execution,
      credentials,
    );
    const body = (req.body ?? {}) as { action?: unknown };
    if (typeof body.action !== 'string') {
      throw new InputError(
        'the body must be {"action": "Retry" | "MarkAsSuccess" | "Ignore" | "Abort" | "StageRollback" | "MarkAsFailure"}',
      );
    }
    const wait = await interventions.act(
      execution.id,
      req.params.nodeId,
      body.action,
      actorOf(credentials).identity,
    );
    res.json({
      nodeFqn: wait.nodeFqn,
      status: wait.status,
      resolution: wait.resolution,
    });
  });
}
