import { NotFoundError } from '@backstage/errors';
import {
  templateCreatePermission,
  templateDeletePermission,
  templateReadPermission,
  templateUpdatePermission,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { actorOf } from './requestAuth';
import { pageOf, yamlDocumentOf } from './requestParsing';
import type { ApiRouter, RouteContext } from './routeContext';
import type { TemplateApi } from './TemplateService';

/** Path of one template version. */
const VERSION_PATH = '/templates/:scope/:identifier/:versionLabel' as const;

/**
 * Templates: `POST /templates`, `GET /templates`, the versions of a template,
 * one version (read, replace, delete) and which version is stable.
 */
export function addTemplateRoutes(router: ApiRouter, ctx: RouteContext): void {
  const { auth, validate } = ctx;
  const templates = (): TemplateApi => {
    if (!ctx.templates)
      throw new NotFoundError('templates are not enabled on this engine');
    return ctx.templates;
  };

  router.get('/templates', async (req, res) => {
    await auth.require(templateReadPermission, await auth.credentials(req));
    validate(req);
    const { scope, type, search } = req.query;
    res.json(
      await templates().listTemplates({
        ...(scope !== undefined ? { scope } : {}),
        ...(type !== undefined ? { type } : {}),
        ...(search !== undefined ? { search } : {}),
        ...pageOf(req.query),
      }),
    );
  });

  router.post('/templates', async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(templateCreatePermission, credentials);
    validate(req);
    res
      .status(201)
      .json(
        await templates().createTemplate(
          yamlDocumentOf(req),
          actorOf(credentials),
        ),
      );
  });

  router.get('/templates/:scope/:identifier', async (req, res) => {
    await auth.require(templateReadPermission, await auth.credentials(req));
    validate(req);
    res.json(
      await templates().getTemplateVersions(
        req.params.scope,
        req.params.identifier,
      ),
    );
  });

  router.get(VERSION_PATH, async (req, res) => {
    await auth.require(templateReadPermission, await auth.credentials(req));
    validate(req);
    res.json(
      await templates().getTemplate(
        req.params.scope,
        req.params.identifier,
        req.params.versionLabel,
      ),
    );
  });

  router.put(VERSION_PATH, async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(templateUpdatePermission, credentials);
    validate(req);
    res.json(
      await templates().updateTemplate(
        req.params.scope,
        req.params.identifier,
        req.params.versionLabel,
        yamlDocumentOf(req),
        actorOf(credentials),
      ),
    );
  });

  router.delete(VERSION_PATH, async (req, res) => {
    await auth.require(templateDeletePermission, await auth.credentials(req));
    validate(req);
    await templates().deleteTemplate(
      req.params.scope,
      req.params.identifier,
      req.params.versionLabel,
    );
    res.status(204).end();
  });

  router.put(`${VERSION_PATH}/stable`, async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(templateUpdatePermission, credentials);
    validate(req);
    res.json(
      await templates().setStableTemplate(
        req.params.scope,
        req.params.identifier,
        req.params.versionLabel,
        actorOf(credentials),
      ),
    );
  });
}
