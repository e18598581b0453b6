import {
  pipelineCreatePermission,
  pipelineDeletePermission,
  pipelineExecutePermission,
  pipelineReadPermission,
  pipelineUpdatePermission,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { actorOf } from './requestAuth';
import {
  executeRequestOf,
  expectedVersionOf,
  pageOf,
  pipelineRefOf,
  yamlDocumentOf,
} from './requestParsing';
import type { ApiRouter, RouteContext } from './routeContext';
import { listVisible } from './visibleList';

/** Path of one pipeline; input sets and triggers hang below it. */
export const PIPELINE_PATH = '/pipelines/:org/:project/:pipelineId' as const;

/** Pipelines: list, CRUD, validation, execution and dry runs. */
export function addPipelineRoutes(router: ApiRouter, ctx: RouteContext): void {
  const { api, auth, validate } = ctx;

  router.get('/pipelines', async (req, res) => {
    const credentials = await auth.credentials(req);
    const visibility = await auth.visibility(
      pipelineReadPermission,
      credentials,
    );
    validate(req);
    const { orgIdentifier, projectIdentifier } = req.query;
    const result = await listVisible(
      page => api.listPipelines({ orgIdentifier, projectIdentifier, ...page }),
      visibility,
      pageOf(req.query),
    );
    res.json(result);
  });

  router.post('/pipelines', async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(pipelineCreatePermission, credentials);
    validate(req);
    const created = await api.createPipeline(
      yamlDocumentOf(req),
      actorOf(credentials),
    );
    res.status(201).json(created);
  });

  // Validation stores nothing but parses and evaluates what it is sent, so it
  // needs what writing a pipeline needs: the create permission.
  router.post('/pipelines/validate', async (req, res) => {
    await auth.require(pipelineCreatePermission, await auth.credentials(req));
    validate(req);
    res.json(await api.validatePipeline(yamlDocumentOf(req)));
  });

  router.get(PIPELINE_PATH, async (req, res) => {
    const credentials = await auth.credentials(req);
    const ref = pipelineRefOf(req.params);
    await auth.requirePipeline(pipelineReadPermission, ref, credentials);
    validate(req);
    res.json(await api.getPipeline(ref));
  });

  router.put(PIPELINE_PATH, async (req, res) => {
    const credentials = await auth.credentials(req);
    const ref = pipelineRefOf(req.params);
    await auth.requirePipeline(pipelineUpdatePermission, ref, credentials);
    validate(req);
    const updated = await api.updatePipeline(
      ref,
      yamlDocumentOf(req),
      actorOf(credentials),
      expectedVersionOf(req),
    );
    res.json(updated);
  });

  router.delete(PIPELINE_PATH, async (req, res) => {
    const credentials = await auth.credentials(req);
    const ref = pipelineRefOf(req.params);
    await auth.requirePipeline(pipelineDeletePermission, ref, credentials);
    validate(req);
    await api.deletePipeline(ref);
    res.status(204).end();
  });

  router.post(`${PIPELINE_PATH}/execute`, async (req, res) => {
    const credentials = await auth.credentials(req);
    const ref = pipelineRefOf(req.params);
    await auth.requirePipeline(pipelineExecutePermission, ref, credentials);
    validate(req);
    const idempotencyKey = req.get('Idempotency-Key');
    const execution = await api.execute(
      ref,
      executeRequestOf(req),
      actorOf(credentials),
      {
        deniedSecrets: ids => auth.deniedSecrets(ids, credentials),
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      },
    );
    res.status(201).json(execution);
  });

  // Runs nothing, so reading the pipeline is enough; problems are data (200).
  router.post(`${PIPELINE_PATH}/execute/dry-run`, async (req, res) => {
    const credentials = await auth.credentials(req);
    const ref = pipelineRefOf(req.params);
    await auth.requirePipeline(pipelineReadPermission, ref, credentials);
    validate(req);
    res.json(await api.dryRun(ref, executeRequestOf(req)));
  });
}
