import { AuthenticationError } from '@backstage/errors';
import {
  createStepHandler,
  StepParkRequest,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import { StepTimeoutError } from '../stepAttempt';
import { z } from 'zod';

/** Every handler call, in order: `${executionId}:${fqn}`. Tests reset it. */
export const calls: string[] = [];

const failures = new Map<string, number>();

/**
 * Logs `message`, sets `outputs`, and sets `secretOutputs` as secret outputs
 * with their values reversed — a value computed at run time, as a real
 * step's token would be, so tests can search storage for it.
 */
export const echoStep = createStepHandler({
  type: 'TestEcho',
  description: 'test: logs and sets outputs',
  idempotent: true,
  spec: z.object({
    message: z.string().optional(),
    outputs: z.record(z.string(), z.coerce.string()).optional(),
    secretOutputs: z.record(z.string(), z.string()).optional(),
    secretRef: z.string().optional(),
  }),
  outputs: spec =>
    Object.keys((spec.outputs as Record<string, string> | undefined) ?? {}),
  async handler(ctx) {
    calls.push(`${ctx.execution.id}:${ctx.step.fqn}`);
    if (ctx.spec.message !== undefined) ctx.logger.info(ctx.spec.message);
    if (ctx.spec.secretRef)
      ctx.logger.info(`secret is ${await ctx.secrets.get(ctx.spec.secretRef)}`);
    for (const [k, v] of Object.entries(ctx.spec.outputs ?? {}))
      ctx.output(k, v);
    for (const [k, v] of Object.entries(ctx.spec.secretOutputs ?? {})) {
      ctx.output(k, [...v].reverse().join(''), { secret: true });
    }
  },
});

/** Fails its first `times` attempts (all when omitted) with `message`. */
export const failStep = createStepHandler({
  type: 'TestFail',
  description: 'test: fails',
  idempotent: true,
  spec: z.object({
    message: z.string().default('boom'),
    times: z.number().optional(),
    kind: z.enum(['unknown', 'auth', 'network']).default('unknown'),
  }),
  async handler(ctx) {
    const key = `${ctx.execution.id}:${ctx.step.fqn}`;
    calls.push(key);
    const n = (failures.get(key) ?? 0) + 1;
    failures.set(key, n);
    if (ctx.spec.times !== undefined && n > ctx.spec.times) {
      ctx.logger.info(`succeeded on attempt ${n}`);
      return;
    }
    if (ctx.spec.kind === 'auth')
      throw new AuthenticationError(ctx.spec.message);
    if (ctx.spec.kind === 'network')
      throw Object.assign(new Error(ctx.spec.message), {
        code: 'ECONNREFUSED',
      });
    throw new Error(ctx.spec.message);
  },
});

/** Sleeps `ms`, honouring the abort signal only when `honourAbort` (default true). */
function sleepStep(type: string, idempotent: boolean) {
  return createStepHandler({
    type,
    description: `test: sleeps (${idempotent ? 'idempotent' : 'not idempotent'})`,
    idempotent,
    spec: z.object({ ms: z.number(), honourAbort: z.boolean().default(true) }),
    async handler(ctx) {
      calls.push(`${ctx.execution.id}:${ctx.step.fqn}`);
      ctx.logger.info(`sleeping ${ctx.spec.ms}ms`);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ctx.spec.ms);
        if (ctx.spec.honourAbort) {
          ctx.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              reject(ctx.signal.reason);
            },
            { once: true },
          );
        }
      });
    },
  });
}

/** Idempotent sleeper. */
export const sleepIdempotentStep = sleepStep('TestSleep', true);
/** Non-idempotent sleeper (e.g. "create a repository"). */
export const sleepOnceStep = sleepStep('TestSleepOnce', false);

const rendezvous = new Map<
  string,
  { arrived: number; release: () => void; all: Promise<void> }
>();

/**
 * Waits until `parties` steps of the same execution with the same `key` are
 * all running at once: steps run one after another never all arrive, so the
 * step fails after `waitMs` saying so. Proves concurrency without timing.
 */
export const rendezvousStep = createStepHandler({
  type: 'TestRendezvous',
  description: 'test: waits for its sibling steps to be running too',
  idempotent: true,
  spec: z.object({
    key: z.string(),
    parties: z.number(),
    waitMs: z.number().default(20_000),
  }),
  async handler(ctx) {
    calls.push(`${ctx.execution.id}:${ctx.step.fqn}`);
    const id = `${ctx.execution.id}:${ctx.spec.key}`;
    let point = rendezvous.get(id);
    if (!point) {
      let release = () => {};
      const all = new Promise<void>(resolve => (release = resolve));
      point = { arrived: 0, release, all };
      rendezvous.set(id, point);
    }
    point.arrived++;
    if (point.arrived === ctx.spec.parties) point.release();
    const arrivedPoint = point;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      arrivedPoint.all,
      new Promise<void>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `only ${arrivedPoint.arrived} of ${ctx.spec.parties} steps "${ctx.spec.key}" ran at once`,
              ),
            ),
          ctx.spec.waitMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  },
});

/** Its preflight check refuses the execution with `refuse` when set. */
export const preflightStep = createStepHandler({
  type: 'TestPreflight',
  description: 'test: a check made when the execution starts',
  idempotent: true,
  spec: z.object({ refuse: z.string().optional() }),
  async preflight(spec) {
    if (spec.refuse) throw new Error(spec.refuse);
  },
  async handler(ctx) {
    calls.push(`${ctx.execution.id}:${ctx.step.fqn}`);
  },
});

/** What TestPark's `onParked` was given, in call order. */
export const parkedNotices: Array<{
  executionId: string;
  fqn: string;
  payload: Readonly<Record<string, unknown>>;
}> = [];

/** What TestPark's `onParked` does after recording the call (set by tests). */
export const parkHooks: {
  onParked?: (executionId: string, fqn: string) => unknown;
} = {};

/**
 * Parks the execution until its wait is resolved; then sets the
 * resolution's string fields as outputs. Expires at its deadline. Records
 * every `onParked` call in `parkedNotices`.
 */
export const parkStep = createStepHandler({
  type: 'TestPark',
  description: 'test: waits durably for a resolution',
  idempotent: true,
  spec: z.object({ label: z.string().default('test') }),
  async handler(ctx) {
    calls.push(`${ctx.execution.id}:${ctx.step.fqn}`);
    const wait = ctx.wait;
    if (wait?.expired)
      throw new StepTimeoutError(
        Date.parse(wait.deadlineAt!) - Date.parse(wait.createdAt),
      );
    if (!wait || wait.status === 'Waiting')
      throw new StepParkRequest(
        'ApprovalWaiting',
        'approval',
        { label: ctx.spec.label },
        {
          onParked: payload => {
            const { id: executionId } = ctx.execution;
            parkedNotices.push({ executionId, fqn: ctx.step.fqn, payload });
            return parkHooks.onParked?.(executionId, ctx.step.fqn);
          },
        },
      );
    for (const [k, v] of Object.entries(wait.resolution ?? {}))
      if (typeof v === 'string') ctx.output(k, v);
  },
});

/** All test step types. */
export const testSteps = [
  preflightStep,
  echoStep,
  failStep,
  sleepIdempotentStep,
  sleepOnceStep,
  rendezvousStep,
  parkStep,
];

/** Clears recorded calls and failure counters. */
export function resetTestSteps(): void {
  calls.length = 0;
  parkedNotices.length = 0;
  delete parkHooks.onParked;
  failures.clear();
  rendezvous.clear();
}
