import { InputError } from '@backstage/errors';
import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';

/**
 * Which kind of pipeline URL was given.
 *
 * @public
 */
export type PipelineUrlForm = 'harness' | 'engine-api' | 'engine-ui';

/**
 * A pipeline URL, taken apart.
 *
 * @public
 */
export interface ParsedPipelineUrl extends PipelineRef {
  form: PipelineUrlForm;
  /** `https://app.harness.io`; absent for a path without a host. */
  origin?: string;
  /** Harness account identifier (Harness URLs only). */
  accountIdentifier?: string;
  /**
   * Harness UI section the URL was copied from: `module/idp`, `home`, `all`,
   * or a bare module segment (`idp-admin`, `cd`, `ci`).
   */
  section?: string;
  /**
   * Harness module of the section (`idp` for `module/idp` and `idp-admin`,
   * `cd` for `cd`), sent as `moduleType` on execute; absent for home/all.
   */
  moduleType?: string;
  /** Execution links: the execution the link shows (its pipeline is run). */
  executionIdentifier?: string;
  /** Harness `storeType` query parameter. */
  storeType?: 'INLINE' | 'REMOTE';
  /** Git Experience (remote) pipelines: repository and branch of the YAML. */
  repoName?: string;
  branch?: string;
  connectorRef?: string;
}

/**
 * The shapes {@link parsePipelineUrl} accepts, for error messages and docs.
 *
 * @public
 */
export const ACCEPTED_PIPELINE_URL_SHAPES: readonly string[] = [
  'https://app.harness.io/ng/account/<account>/module/idp/orgs/<org>/projects/<project>/pipelines/<pipeline>/pipeline-studio/?storeType=INLINE',
  'https://app.harness.io/ng/account/<account>/idp-admin/orgs/<org>/projects/<project>/pipelines/<pipeline>/pipeline-studio/?storeType=INLINE (any bare module: /cd/, /ci/, ...)',
  'https://app.harness.io/ng/account/<account>/home/orgs/<org>/projects/<project>/pipelines/<pipeline>/pipeline-studio/?storeType=INLINE (or /all/)',
  'https://app.harness.io/ng/#/account/<account>/cd/orgs/<org>/projects/<project>/pipelines/<pipeline>/pipeline-studio/ (hash route of any of these)',
  'https://app.harness.io/ng/account/<account>/module/idp/orgs/<org>/projects/<project>/pipelines/<pipeline>?storeType=REMOTE&connectorRef=<connector>&repoName=<repo>&branch=<branch>',
  'https://app.harness.io/ng/account/<account>/module/idp/orgs/<org>/projects/<project>/pipelines/<pipeline>/executions/<execution>/pipeline (runs that pipeline again)',
  '<backend base URL>/api/pipeline-engine/pipelines/<org>/<project>/<pipeline>',
  '<app base URL>/pipelines/<org>/<project>/<pipeline>',
];

// Harness account ids look like `vpCkHKsDSxK9_KYfjCTMKA`; org, project and
// pipeline ids follow `^[a-zA-Z_][0-9a-zA-Z_]{0,127}$`. We accept a little
// more (`-`, `$`) so a near-miss is reported by the engine, not here.
const SEGMENT = /^[A-Za-z0-9_$-]{1,128}$/;
// Pipeline pages whose URL still names the pipeline itself.
const HARNESS_PIPELINE_TABS = [
  'pipeline-studio',
  'executions',
  'input-sets',
  'triggers',
];
// Harness modules whose UI routes may name them bare after the account
// (`/idp-admin/orgs/...`, `/cd/orgs/...`); other words (`settings`) are not
// pipeline sections.
const BARE_MODULES = new Set([
  'idp',
  'idp-admin',
  'cd',
  'ci',
  'cf',
  'ce',
  'cv',
  'sto',
  'srm',
  'chaos',
  'iacm',
  'ssca',
  'sei',
  'cet',
  'code',
  'dbops',
]);
// UI sections whose Harness module differs from their name.
const MODULE_OF_SECTION: Record<string, string> = { 'idp-admin': 'idp' };
const ENGINE_UI_TABS = ['executions', 'input-sets', 'triggers'];
const PLACEHOLDER_BASE = 'http://relative.invalid';

function fail(url: string, reason: string): never {
  throw new InputError(
    `Unsupported pipeline URL "${url}": ${reason}. Accepted shapes:\n${ACCEPTED_PIPELINE_URL_SHAPES.map(
      shape => `  ${shape}`,
    ).join('\n')}`,
  );
}

function decodeSegments(url: string, path: string): string[] {
  return path
    .split('/')
    .filter(segment => segment !== '')
    .map(segment => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return fail(url, `"${segment}" is not a valid URL path segment`);
      }
    });
}

function identifier(url: string, what: string, value: string | undefined) {
  if (!value || !SEGMENT.test(value)) {
    fail(
      url,
      value
        ? `${what} "${value}" is not an identifier`
        : `the ${what} is missing`,
    );
  }
  return value;
}

/** `orgs/<org>/projects/<project>/pipelines/<pipeline>[/<tab>]` from `index`. */
function harnessPipeline(url: string, segments: string[], index: number) {
  const [orgs, org, projects, project, pipelines, pipeline, tab, ...rest] =
    segments.slice(index);
  if (orgs !== 'orgs' || projects !== 'projects' || pipelines !== 'pipelines') {
    fail(
      url,
      'a Harness URL needs /orgs/<org>/projects/<project>/pipelines/<pipeline> after the account section',
    );
  }
  // An execution link: `/executions/<execution>[/<view>]` (pipeline, inputs,
  // artifacts, ...); the action runs the pipeline the execution belongs to.
  const isExecutionLink = tab === 'executions' && rest.length > 0;
  if (
    tab !== undefined &&
    (!HARNESS_PIPELINE_TABS.includes(tab) ||
      (isExecutionLink ? rest.length > 2 : rest.length > 0))
  ) {
    fail(
      url,
      `"/${[tab, ...rest].join('/')}" after the pipeline identifier is not a pipeline page (expected nothing, /pipeline-studio or /executions/<execution>/pipeline)`,
    );
  }
  return {
    orgIdentifier: identifier(url, 'org identifier', org),
    projectIdentifier: identifier(url, 'project identifier', project),
    pipelineIdentifier: identifier(url, 'pipeline identifier', pipeline),
    ...(isExecutionLink
      ? {
          executionIdentifier: identifier(url, 'execution identifier', rest[0]),
        }
      : {}),
  };
}

function parseHarness(url: string, parsed: URL, segments: string[]) {
  // `/ng/account/<acc>/...`, or the older hash route `/ng/#/account/<acc>/...`.
  const fromHash =
    segments.length === 1 && parsed.hash.startsWith('#/')
      ? decodeSegments(url, parsed.hash.slice(1).split('?')[0])
      : undefined;
  const path = fromHash ? ['ng', ...fromHash] : segments;
  if (path[0] !== 'ng' || path[1] !== 'account') {
    return undefined;
  }
  const accountIdentifier = identifier(url, 'account identifier', path[2]);
  let index = 3;
  let section: string;
  let module: string | undefined;
  if (path[index] === 'module') {
    module = identifier(url, 'module', path[index + 1]);
    section = `module/${module}`;
    index += 2;
  } else if (path[index] === 'home' || path[index] === 'all') {
    section = path[index];
    index += 1;
  } else if (path[index] === 'orgs') {
    section = 'home';
  } else if (
    BARE_MODULES.has(path[index] ?? '') &&
    path[index + 1] === 'orgs'
  ) {
    module = path[index];
    section = module;
    index += 1;
  } else {
    return fail(
      url,
      `"${path[index] ?? ''}" after the account identifier is not /module/<module>, /<module>, /home or /all followed by /orgs/<org>`,
    );
  }
  const moduleType = module
    ? (MODULE_OF_SECTION[module.toLowerCase()] ?? module.toLowerCase())
    : undefined;
  const query = fromHash
    ? new URLSearchParams(parsed.hash.split('?')[1] ?? '')
    : parsed.searchParams;
  const storeType = query.get('storeType')?.toUpperCase();
  if (
    storeType !== undefined &&
    storeType !== 'INLINE' &&
    storeType !== 'REMOTE'
  ) {
    fail(
      url,
      `storeType "${query.get('storeType')}" is neither INLINE nor REMOTE`,
    );
  }
  const optional = (name: string) => query.get(name) || undefined;
  return {
    form: 'harness' as const,
    origin: parsed.origin,
    accountIdentifier,
    section,
    ...(moduleType ? { moduleType } : {}),
    ...harnessPipeline(url, path, index),
    ...(storeType ? { storeType: storeType as 'INLINE' | 'REMOTE' } : {}),
    ...(optional('repoName') ? { repoName: optional('repoName') } : {}),
    ...(optional('branch') ? { branch: optional('branch') } : {}),
    ...(optional('connectorRef')
      ? { connectorRef: optional('connectorRef') }
      : {}),
  };
}

function parseEngine(
  url: string,
  segments: string[],
  origin: string | undefined,
): ParsedPipelineUrl | undefined {
  // The last `pipelines` segment followed by org/project/pipeline wins, so
  // any base path (a proxy prefix, `/api/pipeline-engine`) may precede it.
  for (let i = segments.length - 1; i >= 0; i--) {
    if (segments[i] !== 'pipelines') continue;
    const [org, project, pipeline, tab, ...rest] = segments.slice(i + 1);
    if (pipeline === undefined) continue;
    if (
      tab !== undefined &&
      (!ENGINE_UI_TABS.includes(tab) || rest.length > 0)
    ) {
      continue;
    }
    const before = segments.slice(0, i);
    const isApi =
      before.length >= 2 &&
      before[before.length - 1] === 'pipeline-engine' &&
      before[before.length - 2] === 'api';
    return {
      form: isApi ? 'engine-api' : 'engine-ui',
      ...(origin ? { origin } : {}),
      orgIdentifier: identifier(url, 'org identifier', org),
      projectIdentifier: identifier(url, 'project identifier', project),
      pipelineIdentifier: identifier(url, 'pipeline identifier', pipeline),
    };
  }
  return undefined;
}

/**
 * Takes a pipeline URL apart: Harness UI links (module, bare module, home
 * and all sections, hash routes, with or without `/pipeline-studio/`,
 * `storeType`, `repoName` and `branch` in any order, and execution links
 * `/executions/<execution>/pipeline`, which name their pipeline) and this engine's own links
 * (`.../api/pipeline-engine/pipelines/<org>/<project>/<pipeline>` and the
 * app's `.../pipelines/<org>/<project>/<pipeline>`). A path without a host
 * (`/pipelines/default/p/x`) is an engine link. Anything else is an
 * InputError listing the accepted shapes.
 *
 * @public
 */
export function parsePipelineUrl(url: string): ParsedPipelineUrl {
  const trimmed = url.trim();
  if (trimmed === '') fail(url, 'the URL is empty');
  const relative = trimmed.startsWith('/') && !trimmed.startsWith('//');
  let parsed: URL;
  try {
    parsed = new URL(trimmed, relative ? PLACEHOLDER_BASE : undefined);
  } catch {
    return fail(url, 'it is not an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    fail(url, `the scheme ${parsed.protocol} is not http or https`);
  }
  const origin = relative ? undefined : parsed.origin;
  const segments = decodeSegments(url, parsed.pathname);
  if (segments[0] === 'ng') {
    const harness = parseHarness(trimmed, parsed, segments);
    if (harness) return harness;
    return fail(url, 'a Harness URL starts with /ng/account/<account>');
  }
  const engine = parseEngine(trimmed, segments, origin);
  if (engine) return engine;
  return fail(url, 'the path names no pipeline');
}
