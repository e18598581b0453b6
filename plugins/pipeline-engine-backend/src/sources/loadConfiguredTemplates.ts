import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import {
  formatProblem,
  formatTemplateScope,
  parseTemplateDocument,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { TemplateStore } from '../database';
import type { GitPipelineSource } from './gitExperienceReader';
import {
  describeConfiguredEntry,
  readConfiguredDocument,
  type PipelineSourceConfig,
} from './loadConfiguredPipelines';

/** One `pipelineEngine.templates` entry: like a pipelines entry, plus `stable`. */
export type TemplateSourceConfig = PipelineSourceConfig & { stable?: boolean };

/**
 * Loads the template versions listed in app-config into the store before the
 * pipelines that use them, creating or updating each; `stable: true` makes
 * the version the template's stable one. A template with errors is logged
 * with every problem and skipped; it never stops the backend.
 */
export async function loadConfiguredTemplates(options: {
  sources: TemplateSourceConfig[];
  store: TemplateStore;
  urlReader: UrlReaderService;
  logger: LoggerService;
  baseDir?: string;
  readGitFile?: (
    source: GitPipelineSource,
  ) => Promise<{ text: string; location: string }>;
}): Promise<number> {
  let loaded = 0;
  for (const entry of options.sources) {
    const target = describeConfiguredEntry(entry);
    try {
      const { yaml, source } = await readConfiguredDocument(entry, options);
      const parsed = parseTemplateDocument(yaml);
      if (!parsed.ok || !parsed.template) {
        const errors = parsed.problems
          .filter(p => p.severity === 'error')
          .map(p => `  ${target}: ${formatProblem(p)}`);
        options.logger.error(
          `template ${target} was not loaded, it has errors:\n${errors.join('\n')}`,
        );
        continue;
      }
      const template = parsed.template;
      const scope = formatTemplateScope(template);
      const fields = {
        name: template.name,
        type: template.type,
        ...(template.description ? { description: template.description } : {}),
        yaml,
        source,
      };
      const existing = await options.store
        .get(scope, template.identifier, template.versionLabel)
        .catch(() => undefined);
      if (!existing) {
        await options.store.create({
          scope,
          identifier: template.identifier,
          versionLabel: template.versionLabel,
          ...fields,
          createdBy: 'app-config',
          ...(entry.stable ? { stable: true } : {}),
        });
      } else {
        if (existing.yaml !== yaml) {
          await options.store.update(
            scope,
            template.identifier,
            template.versionLabel,
            fields,
            'app-config',
          );
        }
        if (entry.stable && !existing.stable) {
          await options.store.setStable(
            scope,
            template.identifier,
            template.versionLabel,
            'app-config',
          );
        }
      }
      loaded++;
    } catch (error) {
      options.logger.error(
        `template ${target} could not be read: ${stringifyError(error)}`,
      );
    }
  }
  return loaded;
}
