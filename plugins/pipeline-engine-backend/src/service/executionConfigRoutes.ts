import { InputError } from '@backstage/errors';
import {
  executionConfigReadPermission,
  executionConfigUpdatePermission,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  ExecutionConfigData,
  ExecutionConfigResponse,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { Request, Response, Router } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { actorOf } from './requestAuth';
import { queryBoolean, queryString } from './requestParsing';
import type { RouteContext } from './routeContext';

const updateBody = z.array(
  z.object({ field: z.string(), value: z.string() }).strict(),
);
const resetBody = z.array(z.object({ field: z.string() }).passthrough());

function infraOf(req: Request): string {
  const infra = queryString(req, 'infra');
  if (!infra) {
    throw new InputError('Query parameter infra is required: K8 or VM');
  }
  return infra;
}

function parseBody<T>(schema: z.ZodType<T>, req: Request, shape: string): T {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    throw new InputError(`Expected a JSON body ${shape}`);
  }
  return parsed.data;
}

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
  router: Router,
  ctx: RouteContext,
): void {
  const { admin, auth } = ctx;

  router.get('/execution-config/get-default-config', async (req, res) => {
    await auth.require(
      executionConfigReadPermission,
      await auth.credentials(req),
    );
    sendWrapped(res, await admin.getDefaultExecutionConfig(infraOf(req)));
  });

  router.get('/execution-config/get-customer-config', async (req, res) => {
    await auth.require(
      executionConfigReadPermission,
      await auth.credentials(req),
    );
    const data = await admin.getCustomerExecutionConfig(
      infraOf(req),
      queryBoolean(req, 'overridesOnly', true),
    );
    sendWrapped(res, data);
  });

  router.post('/execution-config/update-config', async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(executionConfigUpdatePermission, credentials);
    const updates = parseBody(
      updateBody,
      req,
      '[{"field": ..., "value": ...}]',
    );
    sendWrapped(
      res,
      await admin.updateExecutionConfig(
        infraOf(req),
        updates,
        actorOf(credentials),
      ),
    );
  });

  router.post('/execution-config/reset-config', async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(executionConfigUpdatePermission, credentials);
    const fields = parseBody(resetBody, req, '[{"field": ...}]');
    sendWrapped(
      res,
      await admin.resetExecutionConfig(
        infraOf(req),
        fields.map(f => f.field),
      ),
    );
  });
}
