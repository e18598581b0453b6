import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import { formatProblem, parsePipeline, type StepSpecRegistry } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { PipelineStore } from '../database';

/** One `pipelineEngine.pipelines` entry. */
export interface PipelineSourceConfig {
  target: string;
}

/**
 * Loads the pipelines listed in app-config into the store (store type
 * REMOTE), creating or updating each. A pipeline with errors is logged with
 * every problem and skipped; it never stops the backend.
 */
export async function loadConfiguredPipelines(options: {
  sources: PipelineSourceConfig[];
  store: PipelineStore;
  registry: StepSpecRegistry;
  urlReader: UrlReaderService;
  logger: LoggerService;
  /** Relative file targets resolve against this directory. */
  baseDir?: string;
}): Promise<number> {
  let loaded = 0;
  for (const { target } of options.sources) {
    try {
      const isUrl = /^https?:\/\//.test(target);
      const yaml = isUrl
        ? (await (await options.urlReader.readUrl(target)).buffer()).toString('utf8')
        : await readFile(resolve(options.baseDir ?? process.cwd(), target), 'utf8');
      const parsed = parsePipeline(yaml, { registry: options.registry });
      if (!parsed.ok || !parsed.pipeline) {
        const errors = parsed.problems.filter(p => p.severity === 'error').map(p => `  ${target}: ${formatProblem(p)}`);
        options.logger.error(`pipeline ${target} was not loaded, it has errors:\n${errors.join('\n')}`);
        continue;
      }
      for (const w of parsed.problems) options.logger.warn(`${target}: ${formatProblem(w)}`);
      const p = parsed.pipeline;
      const key = {
        orgIdentifier: p.orgIdentifier ?? 'default',
        projectIdentifier: p.projectIdentifier ?? 'default',
        pipelineIdentifier: p.identifier,
      };
      const source = { type: isUrl ? 'url' : 'file', location: target };
      const existing = await options.store.get(key).catch(() => undefined);
      if (!existing) {
        await options.store.create({
          orgIdentifier: key.orgIdentifier,
          projectIdentifier: key.projectIdentifier,
          identifier: p.identifier,
          name: p.name,
          ...(p.description ? { description: p.description } : {}),
          yaml,
          storeType: 'REMOTE',
          source,
          createdBy: 'app-config',
        });
      } else if (existing.yaml !== yaml) {
        await options.store.update(key, { yaml, name: p.name, storeType: 'REMOTE', source }, { updatedBy: 'app-config' });
      }
      loaded++;
    } catch (error) {
      options.logger.error(`pipeline ${target} could not be read: ${stringifyError(error)}`);
    }
  }
  return loaded;
}
