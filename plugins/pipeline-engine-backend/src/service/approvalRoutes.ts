import { NotAllowedError } from '@backstage/errors';
import {
  approvalRespondPermission,
  pipelineExecutePermission,
  pipelineReadPermission,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { ApprovalService } from './approvals';
import type { InterventionService } from './interventions';
import { actorOf, type CallerCredentials } from './requestAuth';
import type { ApiRouter, RouteContext } from './routeContext';

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
  router: ApiRouter,
  ctx: RouteContext,
  approvals: ApprovalService,
): void {
  const { api, auth, validate } = ctx;

  router.get('/approvals', async (req, res) => {
    const credentials = await auth.credentials(req);
    const user = userOf(credentials);
    // `status` can only be `waiting` (the default).
    validate(req);
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
    validate(req);
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
    validate(req);
    res.json(await approvals.act(req.params.approvalId, user, req.body));
  });
}

/**
 * ManualIntervention: a person's action on a step waiting for one. Needs
 * `pipeline-engine.pipeline.execute` (the action runs or skips steps).
 */
export function addInterventionRoute(
  router: ApiRouter,
  ctx: RouteContext,
  interventions: InterventionService,
): void {
  const { api, auth, validate } = ctx;
  router.post('/executions/:id/interventions/:nodeId', async (req, res) => {
    const credentials = await auth.credentials(req);
    const execution = await api.getExecution(req.params.id);
    await auth.requirePipeline(
      pipelineExecutePermission,
      execution,
      credentials,
    );
    validate(req);
    const wait = await interventions.act(
      execution.id,
      req.params.nodeId,
      req.body.action,
      actorOf(credentials).identity,
    );
    res.json({
      nodeFqn: wait.nodeFqn,
      status: wait.status,
      resolution: wait.resolution,
    });
  });
}
