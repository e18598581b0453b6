import { NotFoundError } from '@backstage/errors';
import {
  templateCreatePermission,
  templateDeletePermission,
  templateReadPermission,
  templateUpdatePermission,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Request, Router } from 'express';
import { actorOf } from './requestAuth';
import { pageOf, queryString, yamlDocumentOf } from './requestParsing';
import type { RouteContext } from './routeContext';
import type { TemplateApi } from './TemplateService';

/** Path of one template version. */
const VERSION_PATH = '/templates/:scope/:identifier/:versionLabel';

function param(req: Request, name: string): string {
  return String(req.params[name]);
}

/**
 * Templates: `POST /templates`, `GET /templates`, the versions of a template,
 * one version (read, replace, delete) and which version is stable.
 */
export function addTemplateRoutes(router: Router, ctx: RouteContext): void {
  const { auth } = ctx;
  const templates = (): TemplateApi => {
    if (!ctx.templates)
      throw new NotFoundError('templates are not enabled on this engine');
    return ctx.templates;
  };

  router.get('/templates', async (req, res) => {
    await auth.require(templateReadPermission, await auth.credentials(req));
    const scope = queryString(req, 'scope');
    const type = queryString(req, 'type');
    const search = queryString(req, 'search');
    res.json(
      await templates().listTemplates({
        ...(scope !== undefined ? { scope } : {}),
        ...(type !== undefined ? { type } : {}),
        ...(search !== undefined ? { search } : {}),
        ...pageOf(req),
      }),
    );
  });

  router.post('/templates', async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(templateCreatePermission, credentials);
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
    res.json(
      await templates().getTemplateVersions(
        param(req, 'scope'),
        param(req, 'identifier'),
      ),
    );
  });

  router.get(VERSION_PATH, async (req, res) => {
    await auth.require(templateReadPermission, await auth.credentials(req));
    res.json(
      await templates().getTemplate(
        param(req, 'scope'),
        param(req, 'identifier'),
        param(req, 'versionLabel'),
      ),
    );
  });

  router.put(VERSION_PATH, async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(templateUpdatePermission, credentials);
    res.json(
      await templates().updateTemplate(
        param(req, 'scope'),
        param(req, 'identifier'),
        param(req, 'versionLabel'),
        yamlDocumentOf(req),
        actorOf(credentials),
      ),
    );
  });

  router.delete(VERSION_PATH, async (req, res) => {
    await auth.require(templateDeletePermission, await auth.credentials(req));
    await templates().deleteTemplate(
      param(req, 'scope'),
      param(req, 'identifier'),
      param(req, 'versionLabel'),
    );
    res.status(204).end();
  });

  router.put(`${VERSION_PATH}/stable`, async (req, res) => {
    const credentials = await auth.credentials(req);
    await auth.require(templateUpdatePermission, credentials);
    res.json(
      await templates().setStableTemplate(
        param(req, 'scope'),
        param(req, 'identifier'),
        param(req, 'versionLabel'),
        actorOf(credentials),
      ),
    );
  });
}
