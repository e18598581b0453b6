import type { StepContext, StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';

/** Log lines a handler wrote, by level. */
export interface CapturedLog {
  info: string[];
  warn: string[];
  output: string[];
}

/** Runs a step handler outside the engine, with a minimal context. */
export async function runStep<T>(handler: StepHandler<T>, rawSpec: unknown, workspace: string, signal?: AbortSignal): Promise<CapturedLog> {
  const log: CapturedLog = { info: [], warn: [], output: [] };
  const ctx: StepContext<T> = {
    spec: handler.spec.parse(rawSpec),
    workspace,
    logger: {
      info: m => log.info.push(m),
      warn: m => log.warn.push(m),
      error: m => log.warn.push(m),
      write: (_s, t) => log.output.push(t),
    },
    secrets: { get: async r => r, mask: () => undefined },
    signal: signal ?? new AbortController().signal,
    output: () => undefined,
    step: { identifier: 'cc', name: 'cc', type: handler.type, fqn: 'pipeline.stages.s.spec.execution.steps.cc', retryCount: 0 },
    stage: { identifier: 's', name: 's', type: 'IDP' },
    execution: { id: 'e1', orgIdentifier: 'default', projectIdentifier: 'default', pipelineIdentifier: 'p', triggeredBy: { identity: 'user:default/jane' } },
  };
  await handler.handler(ctx);
  return log;
}
