import { lstat, mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { createCatalogStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import { createStepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { checkCatalogFile } from './entityDocuments';
import {
  annotateCatalogFile,
  EXECUTION_ANNOTATION,
} from './executionAnnotation';

/** Options of {@link createCreateCatalogStep}. */
export interface CreateCatalogStepOptions {
  /** Reads `app.baseUrl` for the entity page URL. */
  config: Config;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * `CreateCatalog`: validates `fileContent` as Backstage entities and writes
 * it to `<workspace>/<filePath>/<fileName>`, with the execution's id added
 * to each entity's `idp-pipelines.io/execution` annotation. Output
 * `registeredCatalogUrl`: the first entity's page in the Backstage app.
 */
export function createCreateCatalogStep(options: CreateCatalogStepOptions) {
  const appBaseUrl = (
    options.config.getOptionalString('app.baseUrl') ??
    options.config.getOptionalString('backend.baseUrl')
  )?.replace(/\/+$/, '');

  return createStepHandler({
    ...createCatalogStepDefinition,
    async handler(ctx) {
      const { fileName, filePath = '', fileContent } = ctx.spec;
      if (!fileName.trim())
        throw new InputError(
          'spec.fileName is empty; name the file, e.g. catalog-info.yaml',
        );

      const check = await checkCatalogFile(fileContent);
      for (const warning of check.warnings) ctx.logger.warn(warning);
      if (check.errors.length) {
        throw new InputError(
          `spec.fileContent is not a valid catalog file:\n${check.errors.map(e => `  - ${e}`).join('\n')}`,
        );
      }

      await mkdir(ctx.workspace, { recursive: true });
      const workspace = await realpath(ctx.workspace);
      const target = resolve(workspace, filePath, fileName);
      if (!inside(workspace, target) || target === workspace) {
        throw new InputError(
          `spec.filePath ${JSON.stringify(filePath)} with spec.fileName ${JSON.stringify(fileName)} points outside the stage workspace; use a path relative to it, e.g. my-service`,
        );
      }
      await mkdir(dirname(target), { recursive: true });
      // A symlink in the workspace (e.g. from a cloned repository) must not
      // lead the write outside it.
      if (!inside(workspace, await realpath(dirname(target)))) {
        throw new InputError(
          `spec.filePath ${JSON.stringify(filePath)} leads outside the stage workspace through a symbolic link`,
        );
      }
      const existing = await lstat(target).catch(() => undefined);
      if (existing?.isSymbolicLink() || existing?.isDirectory()) {
        throw new InputError(
          `${relative(workspace, target)} exists and is not a regular file`,
        );
      }
      // Records the execution on the entities, for the portal's Pipelines tab.
      const annotated = annotateCatalogFile(fileContent, ctx.execution.id);
      await writeFile(
        target,
        annotated.endsWith('\n') ? annotated : `${annotated}\n`,
        'utf8',
      );

      const refs = check.entities.map(
        ({ entity }) =>
          `${entity.kind.toLocaleLowerCase('en-US')}:${entity.metadata.namespace ?? 'default'}/${entity.metadata.name}`,
      );
      ctx.logger.info(
        `wrote ${relative(workspace, target)} with ${refs.join(', ')} (annotation ${EXECUTION_ANNOTATION}: ${ctx.execution.id})`,
      );

      const first = check.entities[0].entity;
      if (!appBaseUrl) {
        ctx.logger.warn(
          'app.baseUrl is not configured, so registeredCatalogUrl is not set',
        );
        return;
      }
      const url = [
        appBaseUrl,
        'catalog',
        encodeURIComponent(
          (first.metadata.namespace ?? 'default').toLocaleLowerCase('en-US'),
        ),
        encodeURIComponent(first.kind.toLocaleLowerCase('en-US')),
        encodeURIComponent(first.metadata.name),
      ].join('/');
      ctx.output('registeredCatalogUrl', url);
    },
  });
}
