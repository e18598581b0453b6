import type { StepContext } from '@idp-pipelines/plugin-pipeline-engine-node';

/** A StepContext for calling a handler directly, recording everything it does. */
export interface TestStepContext<T> {
  ctx: StepContext<T>;
  /** Every logger call, unmasked, as `level: text`. */
  logs: string[];
  outputs: Record<string, string>;
  /** Values passed to `secrets.mask` or returned by `secrets.get`. */
  masked: string[];
}

/** Builds a context whose secrets are `secrets` and whose workspace is `workspace`. */
export function createTestStepContext<T>(
  spec: T,
  options: { workspace: string; secrets?: Record<string, string>; triggeredBy?: StepContext<T>['execution']['triggeredBy'] },
): TestStepContext<T> {
  const logs: string[] = [];
  const outputs: Record<string, string> = {};
  const masked: string[] = [];
  const secrets = options.secrets ?? {};
  const ctx: StepContext<T> = {
    spec,
    workspace: options.workspace,
    logger: {
      info: m => logs.push(`info: ${m}`),
      warn: m => logs.push(`warn: ${m}`),
      error: m => logs.push(`error: ${m}`),
      write: (stream, text) => logs.push(`${stream}: ${text}`),
    },
    secrets: {
      async get(reference) {
        const value = secrets[reference.replace(/^(account|org)\./, '')];
        if (value === undefined) throw new Error(`secret ${reference} is not configured`);
        masked.push(value);
        return value;
      },
      mask: value => {
        masked.push(value);
      },
    },
    signal: new AbortController().signal,
    output: (name, value) => {
      outputs[name] = value;
    },
    step: { identifier: 's', name: 's', type: 'Test', fqn: 'pipeline.stages.main.spec.execution.steps.s', retryCount: 0 },
    stage: { identifier: 'main', name: 'main', type: 'IDP' },
    execution: {
      id: 'exec-1',
      orgIdentifier: 'default',
      projectIdentifier: 'default',
      pipelineIdentifier: 'test',
      triggeredBy: options.triggeredBy ?? { identity: 'user:default/jane', name: 'Jane Doe', email: 'jane@example.com' },
    },
  };
  return { ctx, logs, outputs, masked };
}
