import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CookiecutterTemplateError, CLI_HINT } from '../errors';
import { findHooks } from '../hooks';
import { installProject } from '../install';
import { scanSymlinks } from '../paths';
import type {
  CookiecutterEngine,
  CookiecutterPlan,
  CookiecutterRenderOptions,
  CookiecutterRenderResult,
} from '../types';
import { buildContext, type CookiecutterContext } from './context';
import { generateFiles } from './generate';

/** Reports variables cookiecutter would drop or ignore, which are likely typos. */
export function warnAboutVariables(
  ctx: CookiecutterContext,
  warn?: (message: string) => void,
): void {
  if (!warn) return;
  if (ctx.ignored.length) {
    warn(
      `cookieCutterVariables not in cookiecutter.json are ignored, as cookiecutter ignores them: ${ctx.ignored.join(', ')}`,
    );
  }
  if (ctx.booleans.length) {
    warn(
      `cookiecutter.json: ${ctx.booleans.join(', ')} hold JSON booleans, rendered as the strings "True"/"False" as cookiecutter 1.7 does (both are true in {% if %}); cookiecutter 2.2+ keeps them as booleans. Use "y"/"n" strings to be version-independent`,
    );
  }
  for (const c of ctx.invalidChoices) {
    warn(
      `cookieCutterVariables.${c.name} = "${c.value}" is not one of its choices (${c.choices.join(', ')}); cookiecutter keeps the default "${c.choices[0]}"`,
    );
  }
}

/** Checks what the builtin engine cannot render before rendering anything. */
async function preflight(templateDir: string): Promise<void> {
  const hooks = await findHooks(templateDir);
  if (hooks.length) {
    throw new CookiecutterTemplateError(
      `${hooks[0]}: the template has hooks (${hooks.join(', ')}), which the builtin cookiecutter engine cannot run; ${CLI_HINT} (it runs the hooks)`,
      hooks[0],
      undefined,
      true,
    );
  }
  await scanSymlinks(templateDir);
}

/**
 * The in-process engine: cookiecutter 1.7's generation with an emulation of
 * Jinja2, no Python needed. It refuses what it cannot reproduce exactly.
 *
 * @public
 */
export function createBuiltinEngine(): CookiecutterEngine {
  return {
    name: 'builtin',
    async render(
      o: CookiecutterRenderOptions,
    ): Promise<CookiecutterRenderResult> {
      await preflight(o.templateDir);
      const ctx = await buildContext(o.templateDir, o.variables, o.templateDir);
      warnAboutVariables(ctx, o.warn);
      await mkdir(o.outputDir, { recursive: true });
      const staging = await mkdtemp(join(o.outputDir, '.cookiecutter-'));
      try {
        const { projectRel, files } = await generateFiles({
          repoDir: o.templateDir,
          cookiecutter: ctx.cookiecutter,
          outputDir: staging,
          overwrite: o.overwriteIfExists,
          signal: o.signal,
        });
        const projectDir = join(o.outputDir, projectRel);
        const outcome = await installProject(
          join(staging, projectRel),
          projectDir,
          o.overwriteIfExists,
          o.outputDir,
        );
        return { projectDir, files, outcome };
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    },
    async plan(o: CookiecutterRenderOptions): Promise<CookiecutterPlan> {
      const ctx = await buildContext(o.templateDir, o.variables, o.templateDir);
      try {
        const { projectRel } = await generateFiles({
          repoDir: o.templateDir,
          cookiecutter: ctx.cookiecutter,
          outputDir: o.outputDir,
          overwrite: true,
          dryRun: true,
        });
        return { projectDirName: projectRel };
      } finally {
        warnAboutVariables(ctx, o.warn);
      }
    },
  };
}
