import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';

/** A log line the action wrote. */
export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

/** Options of {@link fakeActionContext}. */
export interface FakeContextOptions {
  /**
   * Checkpoint store. Pass the same map to two contexts to simulate a task
   * that is retried or recovered after a crash: like the scaffolder, a
   * stored value is returned without running `fn` again.
   */
  checkpoints?: Map<string, unknown>;
  signal?: AbortSignal;
  isDryRun?: boolean;
  credentials?: BackstageCredentials;
  each?: { key: string; value: unknown };
}

/** A scaffolder ActionContext for calling an action's handler directly. */
export function fakeActionContext<TInput>(
  input: TInput,
  options: FakeContextOptions = {},
) {
  const logs: LoggedLine[] = [];
  const record =
    (level: LoggedLine['level']) => (message: string, meta?: unknown) => {
      logs.push({
        level,
        message: meta instanceof Error ? `${message} ${meta.message}` : message,
      });
    };
  const logger: LoggerService = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    child: () => logger,
  };
  const outputs: Record<string, unknown> = {};
  const checkpoints = options.checkpoints ?? new Map<string, unknown>();
  const checkpointCalls: string[] = [];
  const ctx = {
    input,
    logger,
    secrets: {},
    workspacePath: '/tmp/fake-workspace',
    task: { id: 'task-1' },
    isDryRun: options.isDryRun,
    signal: options.signal,
    each: options.each,
    async checkpoint<T>(opts: { key: string; fn: () => Promise<T> | T }) {
      checkpointCalls.push(opts.key);
      if (checkpoints.has(opts.key)) return checkpoints.get(opts.key) as T;
      const value = await opts.fn();
      checkpoints.set(opts.key, value);
      return value;
    },
    output(name: string, value: unknown) {
      outputs[name] = value;
    },
    async createTemporaryDirectory() {
      return '/tmp/fake-workspace-tmp';
    },
    async getInitiatorCredentials() {
      return options.credentials ?? mockCredentials.user('user:default/jane');
    },
  };
  return {
    ctx,
    logs,
    outputs,
    checkpoints,
    checkpointCalls,
    /** Every logged message joined, to search. */
    text: () => logs.map(l => `${l.level}: ${l.message}`).join('\n'),
  };
}

/** The handler of an action, callable with a fake context. */
export function handlerOf(action: { handler: (ctx: never) => Promise<void> }) {
  return (ctx: ReturnType<typeof fakeActionContext>['ctx']) =>
    action.handler(ctx as never);
}
