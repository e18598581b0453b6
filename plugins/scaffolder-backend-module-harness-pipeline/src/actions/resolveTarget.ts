import type {
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { PipelineEngineService } from '@idp-pipelines/plugin-pipeline-engine-node';
import type { HarnessActionsConfig } from '../config';
import { EngineTarget } from '../engine/engineTarget';
import { HarnessPipelineApi } from '../harness/harnessApi';
import { HarnessTarget } from '../harness/harnessTarget';
import type { PipelineTarget } from '../run/types';
import type { ParsedPipelineUrl } from '../url/parsePipelineUrl';

/**
 * What both actions need to reach a pipeline.
 *
 * @public
 */
export interface TargetDependencies {
  config: HarnessActionsConfig;
  pipelineEngine: PipelineEngineService;
  discovery: DiscoveryService;
  /** `app.baseUrl`: execution and pipeline links open the portal's pages. */
  portalBaseUrl?: string;
  /** Replaces the global fetch for Harness calls, e.g. in tests. */
  fetch?: typeof fetch;
  /** Overrides of how Harness reads are retried, e.g. an instant sleep in tests. */
  harnessRetry?: {
    /** How often a read is tried; default 4. */
    readAttempts?: number;
    /** First backoff between tries; default 1 s. */
    retryBaseMs?: number;
    /** Replaces the wait between tries. */
    sleep?: (ms: number) => Promise<void>;
  };
}

/** True when the URL's origin is one of `harness.baseUrls`. */
export function isHarnessHosted(
  config: HarnessActionsConfig,
  parsed: ParsedPipelineUrl,
): boolean {
  return (
    parsed.origin !== undefined && config.harnessOrigins.includes(parsed.origin)
  );
}

/**
 * The API key for Harness: the configured key named by `apiKeySecret`,
 * else `apikey`. On Harness, `apiKeySecret` names a secret of Harness's
 * secret manager (`account.idp_key`, `org.key`, `key`); here it names a key
 * under `harness.apiKeySecrets` in app-config, and a Harness-style scope
 * prefix is dropped so templates copied from Harness keep working.
 */
export function harnessApiKey(
  config: HarnessActionsConfig,
  input: { apikey?: string; apiKeySecret?: string },
): string {
  if (input.apiKeySecret) {
    const id = input.apiKeySecret.replace(/^(account|org)\./, '');
    const key = config.apiKeySecrets[id];
    if (!key) {
      const known = Object.keys(config.apiKeySecrets);
      throw new InputError(
        `input.apiKeySecret: "${input.apiKeySecret}" is not configured under harness.apiKeySecrets (${known.length ? `configured: ${known.join(', ')}` : 'none are configured'}). Unlike Harness, which reads the secret from its secret manager, this backend reads API keys from app-config: add harness.apiKeySecrets.${id}`,
      );
    }
    return key;
  }
  if (input.apikey) return input.apikey;
  throw new InputError(
    'A Harness SaaS pipeline needs the apikey input (a Harness API key or session token) or apiKeySecret (an id under harness.apiKeySecrets)',
  );
}

/**
 * The Harness SaaS target of a URL on a host in `harness.baseUrls`, and
 * the API client it uses; an InputError when the URL is not a Harness
 * pipeline URL or no API key is given.
 */
export function harnessTarget(
  deps: TargetDependencies,
  parsed: ParsedPipelineUrl,
  input: { apikey?: string; apiKeySecret?: string },
): { api: HarnessPipelineApi; target: HarnessTarget } {
  if (
    parsed.form !== 'harness' ||
    !parsed.origin ||
    !parsed.accountIdentifier ||
    !parsed.section
  ) {
    throw new InputError(
      `input.url: ${parsed.origin} is a Harness host (harness.baseUrls), but the URL is not a Harness pipeline URL such as ${parsed.origin}/ng/account/<account>/module/idp/orgs/<org>/projects/<project>/pipelines/<pipeline>`,
    );
  }
  const api = new HarnessPipelineApi({
    origin: parsed.origin,
    accountIdentifier: parsed.accountIdentifier,
    apiKey: harnessApiKey(deps.config, input),
    fetch: deps.fetch,
    ...deps.harnessRetry,
  });
  const target = new HarnessTarget(api, {
    ...parsed,
    origin: parsed.origin,
    accountIdentifier: parsed.accountIdentifier,
    section: parsed.section,
  });
  return { api, target };
}

/**
 * Where the pipeline of `parsed` runs: on Harness when its host is listed
 * in `harness.baseUrls`, otherwise in this engine as the initiating user.
 */
export async function resolveTarget(
  deps: TargetDependencies,
  parsed: ParsedPipelineUrl,
  input: { apikey?: string; apiKeySecret?: string },
  ctx: {
    logger: LoggerService;
    getInitiatorCredentials(): Promise<BackstageCredentials>;
    task?: { id: string };
    templateInfo?: { entityRef: string };
  },
): Promise<PipelineTarget> {
  if (isHarnessHosted(deps.config, parsed)) {
    return harnessTarget(deps, parsed, input).target;
  }
  const credentials = await ctx.getInitiatorCredentials();
  if (input.apikey || input.apiKeySecret) {
    ctx.logger.info(
      'apikey and apiKeySecret apply to Harness SaaS pipelines only; this pipeline runs in the pipeline engine with your own permissions',
    );
  }
  return new EngineTarget({
    client: deps.pipelineEngine,
    credentials,
    ref: parsed,
    engineBaseUrl: await deps.discovery.getExternalBaseUrl('pipeline-engine'),
    portalBaseUrl: deps.portalBaseUrl,
    ...(ctx.task?.id
      ? {
          scaffolderTask: {
            taskId: ctx.task.id,
            ...(ctx.templateInfo?.entityRef
              ? { templateRef: ctx.templateInfo.entityRef }
              : {}),
          },
        }
      : {}),
  });
}
