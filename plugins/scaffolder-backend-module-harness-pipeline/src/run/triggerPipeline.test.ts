import { InputError } from '@backstage/errors';
import { fakeActionContext } from '../__testUtils__/fakeActionContext';
import { triggerPipeline, type TriggerRequest } from './triggerPipeline';
import type {
  InputValues,
  PipelineTarget,
  RunState,
  StreamedLogLine,
  TrackedNode,
} from './types';

const STEP_A = 'pipeline.stages.s.spec.execution.steps.a';
const STEP_B = 'pipeline.stages.s.spec.execution.steps.b';

function node(
  fqn: string,
  status: string,
  extra: Partial<TrackedNode> = {},
): TrackedNode {
  return {
    fqn,
    kind: 'step',
    identifier: fqn.split('.').pop()!,
    name: fqn.split('.').pop()!,
    type: 'Run',
    status,
    attempt: 1,
    ...extra,
  };
}

function state(
  id: string,
  status: string,
  nodes: TrackedNode[],
  extra: Partial<RunState> = {},
): RunState {
  const terminal = ['Success', 'Failed', 'Aborted'].includes(status);
  return {
    executionId: id,
    pipelineName: 'Demo',
    status,
    terminal,
    succeeded: status === 'Success',
    url: '',
    nodes,
    outputs: [],
    ...extra,
  };
}

/** A target whose reads follow a script; it records starts and aborts. */
class FakeTarget implements PipelineTarget {
  readonly description = 'pipeline default/p/demo in the fake';
  readonly pipelineUrl = 'http://engine/pipelines/default/p/demo';
  readonly started: InputValues[] = [];
  readonly aborted: string[] = [];
  reads = 0;
  failReads = 0;
  logLines: StreamedLogLine[] = [];

  constructor(
    private readonly script: (read: number, aborted: boolean) => RunState,
  ) {}

  async dryRun(inputs: InputValues) {
    if (!inputs.name) {
      throw new InputError('The inputset does not fit the fake (1 problem)');
    }
    return { title: 'Demo', lines: ['Dry run: would run a, b'] };
  }

  async start(inputs: InputValues) {
    this.started.push(inputs);
    return { executionId: `exec-${this.started.length}` };
  }

  executionUrl(executionId: string) {
    return `http://engine/executions/${executionId}`;
  }

  async read(executionId: string) {
    if (this.failReads > 0) {
      this.failReads -= 1;
      throw new Error('connection refused');
    }
    const read = this.reads++;
    return {
      ...this.script(read, this.aborted.length > 0),
      executionId,
      url: `http://engine/executions/${executionId}`,
    };
  }

  async followLogs(
    _id: string,
    signal: AbortSignal,
    onLine: (line: StreamedLogLine) => void,
  ) {
    for (const line of this.logLines) onLine(line);
    await new Promise<void>(resolve => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  async abort(executionId: string) {
    this.aborted.push(executionId);
  }
}

const SUCCESS_SCRIPT = (read: number) =>
  read === 0
    ? state('x', 'Running', [
        node(STEP_A, 'Running', { startedAt: '2026-01-01T00:00:00.000Z' }),
      ])
    : state(
        'x',
        'Success',
        [
          node(STEP_A, 'Success', {
            startedAt: '2026-01-01T00:00:00.000Z',
            endedAt: '2026-01-01T00:00:01.500Z',
          }),
        ],
        {
          outputs: [
            {
              fqn: `${STEP_A}.output.outputVariables.greeting`,
              name: 'greeting',
              value: 'hello',
              nodeFqn: STEP_A,
            },
          ],
        },
      );

function request(
  target: PipelineTarget,
  extra: Partial<TriggerRequest> = {},
): TriggerRequest {
  return {
    target,
    inputs: { name: 'x' },
    checkpointKey: 'trigger-http://engine/pipelines/default/p/demo',
    hidePipelineURLLog: false,
    showOutputVariables: true,
    ...extra,
  };
}

const FAST = { pollIntervalMs: 5, logDrainTimeoutMs: 20, abortTimeoutMs: 200 };

describe('triggerPipeline', () => {
  it('starts once, follows to the end, logs steps and exports outputs', async () => {
    const target = new FakeTarget(SUCCESS_SCRIPT);
    target.logLines = [
      { nodeFqn: STEP_A, line: 'hi from a', stream: 'stdout' },
    ];
    const { ctx, outputs, text } = fakeActionContext({});
    await triggerPipeline(ctx, request(target), FAST);
    expect(target.started).toEqual([{ name: 'x' }]);
    expect(outputs).toEqual({
      title: 'Demo',
      url: 'http://engine/executions/exec-1',
      PipelineUrl: 'http://engine/executions/exec-1',
      greeting: 'hello',
      [`${STEP_A}.output.outputVariables.greeting`]: 'hello',
    });
    const log = text();
    expect(log).toContain(
      'Pipeline URL: http://engine/pipelines/default/p/demo',
    );
    expect(log).toContain('Execution URL: http://engine/executions/exec-1');
    expect(log).toContain('▶ step s/a started');
    expect(log).toContain('[s/a] hi from a');
    expect(log).toContain('✔ step s/a Success in 1.5s');
    // The start line precedes the step's output, announced once.
    expect(log.indexOf('▶ step s/a started')).toBeLessThan(
      log.indexOf('[s/a] hi from a'),
    );
    expect(log.match(/▶ step s\/a started/g)).toHaveLength(1);
  });

  it('hides URLs with hidePipelineURLLog and skips output variables unless asked', async () => {
    const target = new FakeTarget(SUCCESS_SCRIPT);
    const { ctx, outputs, text } = fakeActionContext({});
    await triggerPipeline(
      ctx,
      request(target, { hidePipelineURLLog: true, showOutputVariables: false }),
      FAST,
    );
    expect(text()).not.toContain('http://engine');
    expect(Object.keys(outputs).sort()).toEqual([
      'PipelineUrl',
      'title',
      'url',
    ]);
  });

  describe('checkpoint', () => {
    it('never starts a second execution when a task is recovered after a crash', async () => {
      const checkpoints = new Map<string, unknown>();
      const target = new FakeTarget(SUCCESS_SCRIPT);
      // First run: the execution starts, then the backend "crashes" (reads fail).
      target.failReads = 5;
      const first = fakeActionContext({}, { checkpoints });
      await expect(
        triggerPipeline(first.ctx, request(target), FAST),
      ).rejects.toThrow('connection refused');
      expect(target.started).toHaveLength(1);
      expect(
        checkpoints.get('trigger-http://engine/pipelines/default/p/demo'),
      ).toEqual({
        executionId: 'exec-1',
      });

      // Second run of the same task: same checkpoint store.
      const second = fakeActionContext({}, { checkpoints });
      await triggerPipeline(second.ctx, request(target), FAST);
      expect(target.started).toHaveLength(1);
      expect(second.outputs.url).toBe('http://engine/executions/exec-1');
      expect(second.text()).toContain(
        'Following execution exec-1 of pipeline default/p/demo in the fake, started before this task was retried or recovered',
      );
    });

    it('starts again when the start itself failed (failed checkpoints are not reused)', async () => {
      const checkpoints = new Map<string, unknown>();
      const target = new FakeTarget(SUCCESS_SCRIPT);
      const start = jest
        .spyOn(target, 'start')
        .mockRejectedValueOnce(new Error('engine down'));
      const first = fakeActionContext({}, { checkpoints });
      await expect(
        triggerPipeline(first.ctx, request(target), FAST),
      ).rejects.toThrow('engine down');
      expect(checkpoints.size).toBe(0);
      await triggerPipeline(
        fakeActionContext({}, { checkpoints }).ctx,
        request(target),
        FAST,
      );
      expect(start).toHaveBeenCalledTimes(2);
    });

    it('uses the checkpoint key it is given', async () => {
      const target = new FakeTarget(SUCCESS_SCRIPT);
      const { ctx, checkpointCalls } = fakeActionContext({});
      await triggerPipeline(
        ctx,
        request(target, { checkpointKey: 'trigger-u["a"]' }),
        FAST,
      );
      expect(checkpointCalls).toEqual(['trigger-u["a"]']);
    });
  });

  it('tolerates a few failed reads', async () => {
    const target = new FakeTarget(SUCCESS_SCRIPT);
    target.failReads = 2;
    const { ctx, text } = fakeActionContext({});
    await triggerPipeline(ctx, request(target), FAST);
    expect(text()).toContain('Could not read execution exec-1 (try 2 of 5): ');
  });

  it('fails with the failed step, its error and the execution URL', async () => {
    const target = new FakeTarget(read =>
      read === 0
        ? state('x', 'Running', [node(STEP_A, 'Running')])
        : state('x', 'Failed', [
            node(STEP_A, 'Success', { endedAt: '2026-01-01T00:00:01.000Z' }),
            node(STEP_B, 'Failed', {
              type: 'CreateRepo',
              errorMessage: 'repository exists',
              endedAt: '2026-01-01T00:00:02.000Z',
            }),
          ]),
    );
    const { ctx, outputs, logs } = fakeActionContext({});
    await expect(triggerPipeline(ctx, request(target), FAST)).rejects.toThrow(
      'Execution exec-1 of pipeline default/p/demo in the fake ended Failed: step s/b (CreateRepo) Failed: repository exists. Execution: http://engine/executions/exec-1',
    );
    expect(outputs.url).toBe('http://engine/executions/exec-1');
    expect(logs).toContainEqual({
      level: 'error',
      message: '✖ step s/b Failed: repository exists',
    });
  });

  it('falls back to the execution error when no step failed', async () => {
    const target = new FakeTarget(() =>
      state('x', 'Errored', [], {
        terminal: true,
        errorMessage: 'no runner available',
      }),
    );
    const { ctx } = fakeActionContext({});
    await expect(triggerPipeline(ctx, request(target), FAST)).rejects.toThrow(
      'ended Errored: no runner available. Execution: http://engine/executions/exec-1',
    );
  });

  it('aborts the execution when the task is cancelled and waits for it to stop', async () => {
    const controller = new AbortController();
    const target = new FakeTarget((read, aborted) => {
      if (read === 1) controller.abort();
      return aborted
        ? state('x', 'Aborted', [node(STEP_A, 'Aborted')])
        : state('x', 'Running', [node(STEP_A, 'Running')]);
    });
    const { ctx, text } = fakeActionContext({}, { signal: controller.signal });
    await expect(triggerPipeline(ctx, request(target), FAST)).rejects.toThrow(
      'The task was cancelled; execution exec-1 of pipeline default/p/demo in the fake ended Aborted',
    );
    expect(target.aborted).toEqual(['exec-1']);
    expect(text()).toContain(
      'The task was cancelled: aborting execution exec-1',
    );
  });

  it('gives up when an aborted execution does not stop', async () => {
    const controller = new AbortController();
    controller.abort();
    const target = new FakeTarget(() =>
      state('x', 'Running', [node(STEP_A, 'Running')]),
    );
    const checkpoints = new Map([
      [
        'trigger-http://engine/pipelines/default/p/demo',
        { executionId: 'exec-9' },
      ],
    ]);
    const { ctx } = fakeActionContext(
      {},
      { signal: controller.signal, checkpoints },
    );
    // Cancelled before starting: nothing is started, nothing to follow.
    await expect(triggerPipeline(ctx, request(target), FAST)).rejects.toThrow(
      'The task was cancelled before pipeline default/p/demo in the fake was started',
    );
    expect(target.started).toHaveLength(0);

    const late = new AbortController();
    const running = fakeActionContext({}, { signal: late.signal });
    const promise = triggerPipeline(running.ctx, request(target), FAST);
    setTimeout(() => late.abort(), 20);
    await expect(promise).rejects.toThrow(
      /The task was cancelled, but execution exec-1 did not stop within 200ms; it is Running/,
    );
  });

  describe('dry run', () => {
    it('reports what would run and starts nothing', async () => {
      const target = new FakeTarget(SUCCESS_SCRIPT);
      const { ctx, outputs, text, checkpointCalls } = fakeActionContext(
        {},
        { isDryRun: true },
      );
      await triggerPipeline(ctx, request(target), FAST);
      expect(target.started).toHaveLength(0);
      expect(checkpointCalls).toHaveLength(0);
      expect(text()).toContain('Dry run: would run a, b');
      expect(outputs).toEqual({
        title: 'Demo',
        url: 'http://engine/pipelines/default/p/demo',
        PipelineUrl: 'http://engine/pipelines/default/p/demo',
      });
    });

    it('surfaces input-set problems as the error', async () => {
      const target = new FakeTarget(SUCCESS_SCRIPT);
      const { ctx } = fakeActionContext({}, { isDryRun: true });
      await expect(
        triggerPipeline(ctx, request(target, { inputs: {} }), FAST),
      ).rejects.toThrow(InputError);
    });
  });

  it('warns when two steps export the same short name; the later-finishing one wins', async () => {
    const target = new FakeTarget(() =>
      state('x', 'Success', [], {
        outputs: [
          {
            fqn: `${STEP_B}.output.outputVariables.id`,
            name: 'id',
            value: 'from-b',
            nodeFqn: STEP_B,
            endedAt: '2026-01-01T00:00:05.000Z',
          },
          {
            fqn: `${STEP_A}.output.outputVariables.id`,
            name: 'id',
            value: 'from-a',
            nodeFqn: STEP_A,
            endedAt: '2026-01-01T00:00:02.000Z',
          },
        ],
      }),
    );
    const { ctx, outputs, logs } = fakeActionContext({});
    await triggerPipeline(ctx, request(target), FAST);
    expect(outputs.id).toBe('from-b');
    expect(outputs[`${STEP_A}.output.outputVariables.id`]).toBe('from-a');
    expect(logs.filter(l => l.level === 'warn').map(l => l.message)).toEqual([
      expect.stringContaining(
        '"id" holds the value of s/b, which finished last',
      ),
    ]);
  });
});
