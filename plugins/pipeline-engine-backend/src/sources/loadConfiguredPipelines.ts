import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type {
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import {
  formatProblem,
  parsePipelineWithTemplates,
  type StepSpecRegistry,
  type TemplateSource,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { PipelineStore } from '../database';
import type { GitPipelineSource } from './gitExperienceReader';

/** One `pipelineEngine.pipelines` entry: a file or URL, or a pipeline in git (Git Experience). */
export type PipelineSourceConfig = { target: string } | GitPipelineSource;

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
  /** Reads Git Experience sources; without it such entries are errors. */
  readGitFile?: (
    source: GitPipelineSource,
  ) => Promise<{ text: string; location: string }>;
  /** Where the pipelines' template references resolve. */
  templates?: TemplateSource;
}): Promise<number> {
  let loaded = 0;
  for (const entry of options.sources) {
    const target = describeConfiguredEntry(entry);
    try {
      const { yaml, source } = await readConfiguredDocument(entry, options);
      const parsed = await parsePipelineWithTemplates(yaml, {
        registry: options.registry,
        ...(options.templates ? { templates: options.templates } : {}),
      });
      if (!parsed.ok || !parsed.pipeline) {
        const errors = parsed.problems
          .filter(p => p.severity === 'error')
          .map(p => `  ${target}: ${formatProblem(p)}`);
        options.logger.error(
          `pipeline ${target} was not loaded, it has errors:\n${errors.join('\n')}`,
        );
        continue;
      }
      for (const w of parsed.problems)
        options.logger.warn(`${target}: ${formatProblem(w)}`);
      const p = parsed.pipeline;
      const key = {
        orgIdentifier: p.orgIdentifier ?? 'default',
        projectIdentifier: p.projectIdentifier ?? 'default',
        pipelineIdentifier: p.identifier,
      };
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
        await options.store.update(
          key,
          { yaml, name: p.name, storeType: 'REMOTE', source },
          { updatedBy: 'app-config' },
        );
      }
      loaded++;
    } catch (error) {
      options.logger.error(
        `pipeline ${target} could not be read: ${stringifyError(error)}`,
      );
    }
  }
  return loaded;
}

/** The text of one configured file, URL or Git Experience entry, and where it came from. */
export async function readConfiguredDocument(
  entry: PipelineSourceConfig,
  options: {
    urlReader: UrlReaderService;
    baseDir?: string;
    readGitFile?: (
      source: GitPipelineSource,
    ) => Promise<{ text: string; location: string }>;
  },
): Promise<{ yaml: string; source: { type: string; location: string } }> {
  if ('target' in entry) {
    const isUrl = /^https?:\/\//.test(entry.target);
    const yaml = isUrl
      ? (
          await (await options.urlReader.readUrl(entry.target)).buffer()
        ).toString('utf8')
      : await readFile(
          resolve(options.baseDir ?? process.cwd(), entry.target),
          'utf8',
        );
    return {
      yaml,
      source: { type: isUrl ? 'url' : 'file', location: entry.target },
    };
  }
  if (!options.readGitFile)
    throw new Error('pipelines and templates from git need the git connectors');
  const read = await options.readGitFile(entry);
  return { yaml: read.text, source: { type: 'git', location: read.location } };
}

/** Where a configured entry points, for log lines. */
export function describeConfiguredEntry(entry: PipelineSourceConfig): string {
  return 'target' in entry
    ? entry.target
    : `${entry.connectorRef}:${entry.repoName}@${entry.branch}/${entry.filePath}`;
}
