import {
  executionConfigReadPermission,
  executionConfigUpdatePermission,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  ExecutionConfigData,
  ExecutionConfigResponse,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { actorOf } from './requestAuth';
import type { ApiRouter, RouteContext } from './routeContext';

/** Harness's envelope: clients written for Harness read `data`. */
function sendWrapped(res: Response, data: ExecutionConfigData): void {
  const body: ExecutionConfigResponse = {
    status: 'SUCCESS',
    data,
    metaData: null,
    correlationId: randomUUID(),
  };
  res.json(body);
}

/**
 * Harness's execution-config API (step images per infrastructure kind).
 * `accountIdentifier`, which Harness requires, is accepted and ignored.
 */
export function addExecutionConfigRoutes(
  router: ApiRouter,
  ctx: RouteContext,
): void {
  const { admin, auth, validate } = ctx;

  router.get('/execution-config/get-default-config', async (req, res) => {
    await auth.require(
      executionConfigReadPermission,
      await auth.credentials(req),
    );
    validate(req);
    sendWrapped(res, await admin.getDefaultExecutionConfig(req.query.infra));
  });

  router.get('/execution-config/get-customer-config', async (req, res) => {
    await auth.require(
      executionConfigReadPermission,
      await auth.credentials(req),
    );
    validate(req);
    const data = await admin.getCustomerExecutionConfig(
      req.query.infra,
      req.query.overridesOnly ?? true,
    );
    sendWrapped(res, data);
  });

  router.post('/execution-config/update-config', async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(executionConfigUpdatePermission, credentials);
    validate(req);
    sendWrapped(
      res,
      await admin.updateExecutionConfig(
        req.query.infra,
        req.body,
        actorOf(credentials),
      ),
    );
  });

  router.post('/execution-config/reset-config', async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(executionConfigUpdatePermission, credentials);
    validate(req);
    sendWrapped(
      res,
      await admin.resetExecutionConfig(
        req.query.infra,
        req.body.map(entry => entry.field),
      ),
    );
  });
}
