import {
  pipelineExecutePermission,
  pipelineReadPermission,
  pipelineUpdatePermission,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Request } from 'express';
import { PIPELINE_PATH } from './pipelineRoutes';
import { actorOf } from './requestAuth';
import {
  expectedVersionOf,
  pageOf,
  pipelineRefOf,
  triggerPayloadOf,
  triggerRunRequestOf,
  yamlDocumentOf,
} from './requestParsing';
import type { AnyRequest } from './requestAuth';
import type { ApiRouter, RouteContext } from './routeContext';
import type { Actor } from './types';

const INPUT_SETS = `${PIPELINE_PATH}/input-sets` as const;
const TRIGGERS = `${PIPELINE_PATH}/triggers` as const;

/**
 * Path of the trigger run route. Webhook callers have no Backstage token,
 * so the plugin must register it with `allow: 'unauthenticated'`; the
 * route itself then requires a webhook token or Backstage credentials.
 */
export const TRIGGER_RUN_PATH = `${TRIGGERS}/:triggerId/run` as const;

/** Header names a webhook token may arrive in (Harness uses X-Api-Key). */
const WEBHOOK_TOKEN_HEADERS = ['x-api-key', 'x-webhook-token'];

function webhookTokenOf(req: Pick<Request, 'header'>): string | undefined {
  for (const header of WEBHOOK_TOKEN_HEADERS) {
    const value = req.header(header);
    if (value) return value;
  }
  return undefined;
}

/** Input sets and triggers of a pipeline, and running a trigger. */
export function addInputSetAndTriggerRoutes(
  router: ApiRouter,
  ctx: RouteContext,
): void {
  const { admin, auth, validate } = ctx;

  /** The pipeline of the request, once `permission` on it is checked. */
  /** Then validates the request against openapi.yaml. */
  const authorized = async (
    req: AnyRequest & {
      params: { org: string; project: string; pipelineId: string };
    },
    permission: typeof pipelineReadPermission,
  ) => {
    const credentials = await auth.credentials(req);
    const ref = pipelineRefOf(req.params);
    await auth.requirePipeline(permission, ref, credentials);
    validate(req);
    return { ref, actor: actorOf(credentials) };
  };

  router.get(INPUT_SETS, async (req, res) => {
    const { ref } = await authorized(req, pipelineReadPermission);
    res.json(await admin.listInputSets(ref, pageOf(req.query)));
  });

  router.post(INPUT_SETS, async (req, res) => {
    const { ref, actor } = await authorized(req, pipelineUpdatePermission);
    res
      .status(201)
      .json(await admin.createInputSet(ref, yamlDocumentOf(req), actor));
  });

  router.get(`${INPUT_SETS}/:inputSetId`, async (req, res) => {
    const { ref } = await authorized(req, pipelineReadPermission);
    res.json(await admin.getInputSet(ref, req.params.inputSetId));
  });

  router.put(`${INPUT_SETS}/:inputSetId`, async (req, res) => {
    const { ref, actor } = await authorized(req, pipelineUpdatePermission);
    res.json(
      await admin.updateInputSet(
        ref,
        req.params.inputSetId,
        yamlDocumentOf(req),
        actor,
        expectedVersionOf(req),
      ),
    );
  });

  router.delete(`${INPUT_SETS}/:inputSetId`, async (req, res) => {
    const { ref } = await authorized(req, pipelineUpdatePermission);
    await admin.deleteInputSet(ref, req.params.inputSetId);
    res.status(204).end();
  });

  router.get(TRIGGERS, async (req, res) => {
    const { ref } = await authorized(req, pipelineReadPermission);
    res.json(await admin.listTriggers(ref, pageOf(req.query)));
  });

  router.post(TRIGGERS, async (req, res) => {
    const { ref, actor } = await authorized(req, pipelineUpdatePermission);
    res
      .status(201)
      .json(await admin.createTrigger(ref, yamlDocumentOf(req), actor));
  });

  router.get(`${TRIGGERS}/:triggerId`, async (req, res) => {
    const { ref } = await authorized(req, pipelineReadPermission);
    res.json(await admin.getTrigger(ref, req.params.triggerId));
  });

  router.put(`${TRIGGERS}/:triggerId`, async (req, res) => {
    const { ref, actor } = await authorized(req, pipelineUpdatePermission);
    res.json(
      await admin.updateTrigger(
        ref,
        req.params.triggerId,
        yamlDocumentOf(req),
        actor,
        expectedVersionOf(req),
      ),
    );
  });

  router.delete(`${TRIGGERS}/:triggerId`, async (req, res) => {
    const { ref } = await authorized(req, pipelineUpdatePermission);
    await admin.deleteTrigger(ref, req.params.triggerId);
    res.status(204).end();
  });

  router.post(`${TRIGGERS}/:triggerId/webhook-token`, async (req, res) => {
    const { ref, actor } = await authorized(req, pipelineUpdatePermission);
    res.json(await admin.rotateWebhookToken(ref, req.params.triggerId, actor));
  });

  router.post(TRIGGER_RUN_PATH, async (req, res) => {
    const ref = pipelineRefOf(req.params);
    const { triggerId } = req.params;
    const token = webhookTokenOf(req);
    let actor: Actor;
    // Webhook callers hold no permissions, so their input values may read no secret.
    let deniedSecrets: ((ids: string[]) => Promise<string[]>) | undefined;
    if (token !== undefined) {
      // The token names one trigger, which stands for the permission check.
      actor = await admin.authenticateWebhook(ref, triggerId, token);
    } else {
      const credentials = await auth.credentials(req);
      await auth.requirePipeline(pipelineExecutePermission, ref, credentials);
      actor = actorOf(credentials);
      deniedSecrets = ids => auth.deniedSecrets(ids, credentials);
    }
    validate(req);
    const idempotencyKey = req.get('Idempotency-Key');
    const execution = await admin.runTrigger(
      ref,
      triggerId,
      triggerRunRequestOf(req),
      actor,
      {
        payload: triggerPayloadOf(req),
        deniedSecrets,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      },
    );
    res.status(201).json(execution);
  });
}
