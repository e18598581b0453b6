import { InputError } from '@backstage/errors';
import type {
  ExpressionContext,
  ExpressionEngine,
  StepNode,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  StepContext,
  StepHandler,
  StepLogger,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import { splitDeferred } from './deferredFields';
import type { SecretMasker } from './secretMasker';

/** Thrown when a step runs past its timeout; classified as a `Timeout` failure. */
export class StepTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`step timed out after ${formatMs(timeoutMs)}`);
    this.name = 'StepTimeoutError';
  }
}

/** Outputs a step set during one attempt. */
export interface AttemptOutputs {
  outputs: Record<string, string>;
  secretOutputs: Record<string, string>;
}

/** What one attempt needs besides the step. */
export interface AttemptInput {
  step: StepNode;
  handler: StepHandler<unknown>;
  expressions: ExpressionEngine;
  context: ExpressionContext;
  masker: SecretMasker;
  logger: StepLogger;
  secrets: StepContext<unknown>['secrets'];
  /** Execution-level abort (user abort, Abort failure action, lease lost). */
  signal: AbortSignal;
  timeoutMs: number;
  /** The stage workspace, created on first access of `ctx.workspace`. */
  workspace: () => string;
  base: Omit<
    StepContext<unknown>,
    'spec' | 'logger' | 'secrets' | 'signal' | 'output' | 'workspace'
  >;
}

/**
 * Runs one attempt of a step: renders the spec's expressions, validates it
 * with the handler's schema, then calls the handler with a signal that
 * fires on abort or timeout. Resolves with the outputs; rejects with the
 * handler's error, an InputError for a bad spec, or StepTimeoutError.
 */
export async function runStepAttempt(
  input: AttemptInput,
): Promise<AttemptOutputs> {
  const split = splitDeferred(input.step.spec, input.handler.deferredFields);
  const rendered = input.expressions.renderDeep(split.rest, input.context);
  for (const secret of rendered.secrets) input.masker.add(secret);
  const parsed = input.handler.spec.safeParse(split.restore(rendered.value));
  if (!parsed.success) {
    const fields = parsed.error.issues.map(
      i => `spec.${i.path.join('.') || '(root)'}: ${i.message}`,
    );
    throw new InputError(
      `invalid spec for ${input.step.type} step "${input.step.identifier}" after resolving expressions: ${fields.join('; ')}`,
    );
  }
  // Fired by the execution's abort or the timeout. The handler's signal is
  // made on first use (cheaper than AbortSignal.any, and most quick steps
  // never look at it); the race below ends the attempt either way.
  let controller: AbortController | undefined;
  let stop: { reason: unknown } | undefined;
  let rejectRace: ((error: unknown) => void) | undefined;
  let timedOut = false;
  const abort = (reason: unknown) => {
    if (stop) return;
    stop = { reason };
    controller?.abort(reason);
    rejectRace?.(asError(reason));
  };
  const signalOf = () => {
    if (!controller) {
      controller = new AbortController();
      if (stop) controller.abort(stop.reason);
    }
    return controller.signal;
  };
  const onAbort = () => abort(input.signal.reason);
  if (input.signal.aborted) onAbort();
  else input.signal.addEventListener('abort', onAbort, { once: true });
  const outputs: AttemptOutputs = { outputs: {}, secretOutputs: {} };
  const timer = setTimeout(() => {
    timedOut = true;
    abort(new StepTimeoutError(input.timeoutMs));
  }, input.timeoutMs);
  try {
    const handlerRun = input.handler.handler({
      ...input.base,
      get workspace() {
        return input.workspace();
      },
      get signal() {
        return signalOf();
      },
      spec: parsed.data,
      logger: input.logger,
      secrets: input.secrets,
      output(name, value, options) {
        if (options?.secret) {
          input.masker.add(value);
          outputs.secretOutputs[name] = value;
          delete outputs.outputs[name];
        } else {
          outputs.outputs[name] = value;
        }
      },
    });
    // A handler that ignores its signal must not hold the execution hostage.
    await Promise.race([
      handlerRun,
      new Promise<never>((_, reject) => {
        rejectRace = reject;
        if (stop) reject(asError(stop.reason));
      }),
    ]);
    return outputs;
  } catch (error) {
    if (timedOut) throw stop!.reason;
    throw error;
  } finally {
    clearTimeout(timer);
    input.signal.removeEventListener('abort', onAbort);
  }
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error('aborted');
}

/** `90000` → `1m 30s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let s = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s || !parts.length) parts.push(`${s}s`);
  return parts.join(' ');
}
