import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@backstage/errors';
import type {
  StepContext,
  StepHandler,
  StepLogStream,
} from '@idp-pipelines/plugin-pipeline-engine-node';

/**
 * One line a handler logged: `info`, `warn`, `error`, or raw `stdout` /
 * `stderr` text.
 *
 * @public
 */
export interface MockStepLogLine {
  stream: StepLogStream | 'warn' | 'error';
  text: string;
}

/**
 * What a handler did through a mock context. Nothing is masked, so a test
 * can check that the handler itself does not leak a secret.
 *
 * @public
 */
export interface MockStepRecord {
  /** Every logger call, in order. */
  log: MockStepLogLine[];
  /** Output variables by name. */
  outputs: Record<string, string>;
  /** Names of the outputs set with `{ secret: true }`. */
  secretOutputs: string[];
  /** Values returned by `secrets.get` or passed to `secrets.mask`. */
  masked: string[];
  /** The log as `stream: text` lines, e.g. `warn: no owner`. */
  logLines(): string[];
  /** All log text joined with newlines. */
  logText(): string;
}

/**
 * Options of {@link createMockStepContext}.
 *
 * @public
 */
export interface MockStepContextOptions<TSpec> {
  /** The resolved spec, as the handler receives it. */
  spec: TSpec;
  /**
   * The stage workspace; when omitted, a fresh `main` directory inside a
   * temporary execution directory, as the engine lays them out (steps put
   * scratch directories beside the workspace).
   */
  workspace?: string;
  /** Secrets `secrets.get` answers, by bare id (`x` for `account.x` and `org.x`) or as written. */
  secrets?: Record<string, string>;
  signal?: AbortSignal;
  /** Overrides of the running step's identity (default identifier `step`, type `Test`). */
  step?: Partial<StepContext<TSpec>['step']>;
  /** Overrides of the stage (default `main`, type `IDP`). */
  stage?: Partial<StepContext<TSpec>['stage']>;
  /** Overrides of the execution (default id `exec-1`, triggered by `user:default/jane`). */
  execution?: Partial<StepContext<TSpec>['execution']>;
}

/**
 * A mock context and the record of what the handler did with it.
 *
 * @public
 */
export interface MockStepContext<TSpec> extends MockStepRecord {
  ctx: StepContext<TSpec>;
}

function temporaryWorkspace(): string {
  const workspace = join(
    mkdtempSync(join(tmpdir(), 'pipeline-execution-')),
    'main',
  );
  mkdirSync(workspace);
  return workspace;
}

/**
 * A StepContext for calling a step handler directly in a unit test,
 * recording its logs, outputs and masked values. `secrets.get` throws an
 * InputError for an id not in `options.secrets`, as the engine does.
 *
 * @public
 */
export function createMockStepContext<TSpec>(
  options: MockStepContextOptions<TSpec>,
): MockStepContext<TSpec> {
  const record: MockStepRecord = {
    log: [],
    outputs: {},
    secretOutputs: [],
    masked: [],
    logLines: () => record.log.map(line => `${line.stream}: ${line.text}`),
    logText: () => record.log.map(line => line.text).join('\n'),
  };
  const secrets = options.secrets ?? {};
  const identifier = options.step?.identifier ?? 'step';
  const ctx: StepContext<TSpec> = {
    spec: options.spec,
    workspace: options.workspace ?? temporaryWorkspace(),
    logger: {
      info: text => record.log.push({ stream: 'info', text }),
      warn: text => record.log.push({ stream: 'warn', text }),
      error: text => record.log.push({ stream: 'error', text }),
      write: (stream, text) => record.log.push({ stream, text }),
    },
    secrets: {
      async get(reference) {
        const bare = reference.replace(/^(account|org)\./, '');
        const value = secrets[reference] ?? secrets[bare];
        if (value === undefined)
          throw new InputError(`secret "${reference}" is not configured`);
        record.masked.push(value);
        return value;
      },
      mask: value => {
        record.masked.push(value);
      },
    },
    signal: options.signal ?? new AbortController().signal,
    output: (name, value, outputOptions) => {
      record.outputs[name] = value;
      if (outputOptions?.secret && !record.secretOutputs.includes(name))
        record.secretOutputs.push(name);
    },
    step: {
      identifier,
      name: identifier,
      type: 'Test',
      fqn: `pipeline.stages.main.spec.execution.steps.${identifier}`,
      retryCount: 0,
      ...options.step,
    },
    stage: { identifier: 'main', name: 'main', type: 'IDP', ...options.stage },
    execution: {
      id: 'exec-1',
      orgIdentifier: 'default',
      projectIdentifier: 'default',
      pipelineIdentifier: 'test',
      triggeredBy: { identity: 'user:default/jane' },
      ...options.execution,
    },
  };
  return { ctx, ...record };
}

/**
 * What {@link runMockStep} returns: the record, and the error the handler
 * threw (or the spec's validation error), if any.
 *
 * @public
 */
export interface MockStepRun extends MockStepRecord {
  error?: Error;
}

/**
 * Runs a step handler the way the engine does after resolving expressions:
 * the raw spec is validated with the handler's schema (an InputError naming
 * each field on failure), then the handler runs with a mock context. Never
 * throws: a failure is in `error`.
 *
 * @public
 */
export async function runMockStep<TSpec>(
  handler: StepHandler<TSpec>,
  rawSpec: unknown,
  options: Omit<MockStepContextOptions<TSpec>, 'spec'> = {},
): Promise<MockStepRun> {
  const parsed = handler.spec.safeParse(rawSpec);
  if (!parsed.success) {
    const { ctx: _unused, ...record } = createMockStepContext({
      ...options,
      spec: rawSpec as TSpec,
    });
    const message = parsed.error.issues
      .map(issue => `spec.${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    return { ...record, error: new InputError(message) };
  }
  const { ctx, ...record } = createMockStepContext<TSpec>({
    ...options,
    spec: parsed.data,
    step: { type: handler.type, ...options.step },
  });
  try {
    await handler.handler(ctx);
    return record;
  } catch (error) {
    return { ...record, error: error as Error };
  }
}
