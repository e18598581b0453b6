import { relative } from 'node:path';
import { cookieCutterStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createStepHandler,
  type StepHandler,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { z } from 'zod';
import {
  createCookiecutterEngine,
  resolveInside,
  toPosix,
  type CookiecutterEngine,
  type CookiecutterEngineOptions,
} from '@idp-pipelines/plugin-pipeline-engine-cookiecutter';
import { checkGitRemote, NetworkPolicy } from '../../network';
import {
  clonePublicTemplate,
  workspaceTemplate,
  type LocalGitHostAccess,
} from './templateSource';

/** Options of {@link createCookieCutterStep}: `pipelineEngine.cookiecutter` config. */
export interface CookieCutterStepOptions extends CookiecutterEngineOptions {
  /** The network allow list `publicTemplateUrl` must pass; by default nothing is allowed. */
  network?: NetworkPolicy;
  /** The built-in git host: its public templates are read from disk. */
  localGit?: LocalGitHostAccess;
  /** The renderer; by default the one `engine` and `command` select. */
  renderer?: CookiecutterEngine;
}

/**
 * The `CookieCutter` step: renders a cookiecutter template (public git
 * repository or workspace directory) into the stage workspace, as
 * `cookiecutter --no-input` with cookieCutterVariables.
 */
export function createCookieCutterStep(
  options: CookieCutterStepOptions = {},
): StepHandler<z.output<typeof cookieCutterStepDefinition.spec>> {
  const engine = options.renderer ?? createCookiecutterEngine(options);
  const network = options.network ?? new NetworkPolicy({ allow: [] });
  return createStepHandler({
    ...cookieCutterStepDefinition,
    async handler(ctx) {
      const s = ctx.spec;
      const verbose = s.verbose ?? false;
      const outputDir = await resolveInside(
        ctx.workspace,
        s.outputDirectory || '.',
        'spec.outputDirectory',
      );
      const source =
        s.templateType === 'public'
          ? await clonePublicTemplate(
              s.publicTemplateUrl!,
              cloneUrl =>
                checkGitRemote(network, cloneUrl, {
                  step: `CookieCutter step "${ctx.step.identifier}"`,
                  field: 'spec.publicTemplateUrl',
                }),
              ctx.signal,
              options.localGit,
            )
          : await workspaceTemplate(ctx.workspace, s.pathForTemplate!);
      try {
        ctx.logger.info(
          `rendering cookiecutter template from ${source.description} with the ${engine.name} engine`,
        );
        const result = await engine.render({
          templateDir: source.templateDir,
          outputDir,
          variables: s.cookieCutterVariables ?? {},
          overwriteIfExists: s.overwriteIfExists ?? false,
          signal: ctx.signal,
          warn: message => ctx.logger.warn(message),
          output: (stream, chunk) => ctx.logger.write(stream, chunk),
          verbose,
        });
        const where =
          toPosix(relative(ctx.workspace, result.projectDir)) || '.';
        if (verbose)
          for (const f of result.files) ctx.logger.info(`  ${where}/${f}`);
        const how = {
          created: '',
          merged: ' (merged into the existing directory)',
          unchanged: ' (already there, identical: nothing to do)',
        }[result.outcome];
        ctx.logger.info(
          `rendered ${result.files.length} file${result.files.length === 1 ? '' : 's'} into ${where}${how}`,
        );
      } finally {
        await source.cleanup();
      }
    },
  });
}
