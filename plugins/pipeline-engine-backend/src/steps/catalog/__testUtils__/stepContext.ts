import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@backstage/errors';
import type {
  StepContext,
  StepHandler,
} from '@idp-pipelines/plugin-pipeline-engine-node';

/** What a handler did through its context, and how it ended. */
export interface StepResult {
  /** `info: ...`, `warn: ...` lines. */
  logs: string[];
  outputs: Record<string, string>;
  masked: string[];
  error?: Error;
}

/**
 * Runs a handler the way the engine does: the spec is validated with the
 * handler's schema first (an InputError on failure), then the handler runs
 * with a recording context. Secrets are NOT masked here, so a test can see
 * whether the handler itself leaks one.
 */
export async function runStep<T>(
  handler: StepHandler<T>,
  rawSpec: unknown,
  options: {
    workspace?: string;
    secrets?: Record<string, string>;
    signal?: AbortSignal;
    triggeredBy?: string;
  } = {},
): Promise<StepResult> {
  const result: StepResult = { logs: [], outputs: {}, masked: [] };
  const parsed = handler.spec.safeParse(rawSpec);
  if (!parsed.success) {
    result.error = new InputError(
      parsed.error.issues
        .map(i => `spec.${i.path.join('.')}: ${i.message}`)
        .join('; '),
    );
    return result;
  }
  const secrets = options.secrets ?? {};
  const ctx: StepContext<T> = {
    spec: parsed.data,
    workspace:
      options.workspace ?? mkdtempSync(join(tmpdir(), 'catalog-step-')),
    logger: {
      info: m => result.logs.push(`info: ${m}`),
      warn: m => result.logs.push(`warn: ${m}`),
      error: m => result.logs.push(`error: ${m}`),
      write: (stream, text) => result.logs.push(`${stream}: ${text}`),
    },
    secrets: {
      async get(reference) {
        const bare = reference.replace(/^(account|org)\./, '');
        const value = secrets[reference] ?? secrets[bare];
        if (value === undefined)
          throw new InputError(`secret "${reference}" is not configured`);
        result.masked.push(value);
        return value;
      },
      mask: value => {
        result.masked.push(value);
      },
    },
    signal: options.signal ?? new AbortController().signal,
    output: (name, value) => {
      result.outputs[name] = value;
    },
    step: {
      identifier: 'step',
      name: 'step',
      type: handler.type,
      fqn: 'pipeline.stages.main.spec.execution.steps.step',
      retryCount: 0,
    },
    stage: { identifier: 'main', name: 'main', type: 'IDP' },
    execution: {
      id: 'exec-1',
      orgIdentifier: 'default',
      projectIdentifier: 'default',
      pipelineIdentifier: 'test',
      triggeredBy: { identity: options.triggeredBy ?? 'user:default/jane' },
    },
  };
  try {
    await handler.handler(ctx);
  } catch (error) {
    result.error = error as Error;
  }
  return result;
}
