import { mockCredentials } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import type {
  ExecutionDetail,
  NodeExecutionView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { PipelineEngineService } from '@idp-pipelines/plugin-pipeline-engine-node';
import {
  EngineTarget,
  engineOutputs,
  explainEngineError,
} from './engineTarget';

const REF = {
  orgIdentifier: 'default',
  projectIdentifier: 'demo',
  pipelineIdentifier: 'hello',
};
const STEP = 'pipeline.stages.s.spec.execution.steps.x';

function view(
  fqn: string,
  extra: Partial<NodeExecutionView> = {},
): NodeExecutionView {
  return {
    fqn,
    nodeType: 'step',
    identifier: fqn.split('.').pop()!,
    name: fqn.split('.').pop()!,
    status: 'Success',
    attempt: 1,
    outputs: {},
    secretOutputs: [],
    children: [],
    ...extra,
  };
}

function detail(
  nodes: NodeExecutionView[],
  outputs: Record<string, string> = {},
): ExecutionDetail {
  return {
    ...REF,
    id: 'e1',
    sequenceId: 1,
    pipelineName: 'Hello',
    status: 'Success',
    triggeredBy: { identity: 'user:default/jane' },
    triggerType: 'MANUAL',
    createdAt: '2026-01-01T00:00:00.000Z',
    nodes,
    outputs,
  };
}

async function responseError(status: number, body: object) {
  const full = {
    request: { method: 'POST', url: '/x' },
    response: { statusCode: status },
    ...body,
  };
  return ResponseError.fromResponse(
    new Response(JSON.stringify(full), {
      status,
      headers: { 'Content-Type': 'application/json' },
    }) as never,
  );
}

describe('engineOutputs', () => {
  it('lists node outputs with their FQN and end time', () => {
    const stage = view('pipeline.stages.s', {
      nodeType: 'stage',
      children: [
        view(STEP, {
          outputs: { a: '1' },
          endedAt: '2026-01-01T00:00:03.000Z',
        }),
      ],
    });
    expect(engineOutputs(detail([stage]))).toEqual([
      {
        fqn: `${STEP}.output.outputVariables.a`,
        name: 'a',
        value: '1',
        nodeFqn: STEP,
        endedAt: '2026-01-01T00:00:03.000Z',
      },
    ]);
  });

  it('never exports a secret output, even if a value shows up for it', () => {
    const node = view(STEP, {
      outputs: { token: 'leaked', plain: 'ok' },
      secretOutputs: ['token'],
    });
    const outputs = engineOutputs(
      detail([node], {
        [`${STEP}.output.outputVariables.token`]: 'leaked',
        [`${STEP}.output.outputVariables.plain`]: 'ok',
      }),
    );
    expect(outputs.map(o => o.name)).toEqual(['plain']);
    expect(JSON.stringify(outputs)).not.toContain('leaked');
  });

  it('adds execution-level outputs no node lists', () => {
    const fqn =
      'pipeline.stages.t.spec.execution.steps.y.output.outputVariables.b';
    expect(
      engineOutputs(detail([], { [fqn]: '2', 'not.an.output': 'x' })),
    ).toEqual([
      {
        fqn,
        name: 'b',
        value: '2',
        nodeFqn: 'pipeline.stages.t.spec.execution.steps.y',
      },
    ]);
  });
});

describe('explainEngineError', () => {
  it('turns problems into one InputError listing every field', async () => {
    const error = await responseError(400, {
      error: { name: 'InputError', message: 'the input set does not fit' },
      problems: [
        {
          severity: 'error',
          code: 'input-required',
          path: 'pipeline.variables.a',
          message: 'a is required',
          line: 6,
          column: 14,
        },
        {
          severity: 'error',
          code: 'input-required',
          path: 'pipeline.variables.b',
          message: 'b is required',
          hint: 'set b',
        },
      ],
    });
    const explained = explainEngineError(error, REF, 'execute') as Error;
    expect(explained.name).toBe('InputError');
    expect(explained.message).toBe(
      [
        'The inputset does not fit pipeline default/demo/hello (2 problems):',
        '  - pipeline.variables.a: a is required (line 6:14)',
        '  - pipeline.variables.b: b is required — set b',
      ].join('\n'),
    );
  });

  it('names the pipeline on 403 and 404, and passes other errors through', async () => {
    const denied = explainEngineError(
      await responseError(403, {
        error: { name: 'NotAllowedError', message: 'denied' },
      }),
      REF,
      'execute',
    ) as Error;
    expect(denied.name).toBe('NotAllowedError');
    expect(denied.message).toBe(
      'You are not allowed to execute pipeline default/demo/hello in the pipeline engine: denied',
    );
    const missing = explainEngineError(
      await responseError(404, {
        error: { name: 'NotFoundError', message: 'no such pipeline' },
      }),
      REF,
      'read',
    ) as Error;
    expect(missing.message).toBe(
      'Pipeline default/demo/hello was not found in the pipeline engine: no such pipeline',
    );
    const other = new Error('socket hang up');
    expect(explainEngineError(other, REF, 'read')).toBe(other);
  });
});

describe('EngineTarget', () => {
  it('calls the engine with the initiating user’s credentials', async () => {
    const credentials = mockCredentials.user('user:default/jane');
    const client = {
      execute: jest.fn(async () => ({ id: 'e1' })),
      getExecution: jest.fn(async () =>
        detail([
          view('pipeline.stages.s', {
            nodeType: 'stage',
            children: [
              view('x', {
                nodeType: 'parallel',
                children: [view(STEP, { stepType: 'Run' })],
              }),
            ],
          }),
        ]),
      ),
    } as unknown as PipelineEngineService;
    const target = new EngineTarget({
      client,
      credentials,
      ref: REF,
      engineBaseUrl: 'http://backstage/api/pipeline-engine',
    });
    expect(target.pipelineUrl).toBe(
      'http://backstage/api/pipeline-engine/pipelines/default/demo/hello',
    );
    await expect(target.start({ a: 1 })).resolves.toEqual({
      executionId: 'e1',
    });
    expect(client.execute).toHaveBeenCalledWith(
      REF,
      { inputSet: { a: 1 }, allowUnknownKeys: true },
      { credentials },
    );
    const fromTask = new EngineTarget({
      client,
      credentials,
      ref: REF,
      engineBaseUrl: 'http://backstage/api/pipeline-engine',
      scaffolderTask: { taskId: 't1', templateRef: 'template:default/hello' },
    });
    await fromTask.start({ a: 1 });
    expect(client.execute).toHaveBeenLastCalledWith(
      REF,
      {
        inputSet: { a: 1 },
        allowUnknownKeys: true,
        scaffolderTask: { taskId: 't1', templateRef: 'template:default/hello' },
      },
      { credentials },
    );
    const state = await target.read('e1');
    expect(state).toMatchObject({
      terminal: true,
      succeeded: true,
      url: 'http://backstage/api/pipeline-engine/executions/e1',
      pipelineName: 'Hello',
    });
    // Parallel wrappers are left out; stages and steps are tracked.
    expect(state.nodes.map(n => [n.kind, n.fqn, n.type])).toEqual([
      ['stage', 'pipeline.stages.s', undefined],
      ['step', STEP, 'Run'],
    ]);
  });

  it('counts an execution whose failures were all ignored (IgnoreFailed) as succeeded, and Expired as not', async () => {
    const read = async (status: ExecutionDetail['status']) => {
      const client = {
        getExecution: jest.fn(async () => ({ ...detail([]), status })),
      } as unknown as PipelineEngineService;
      const target = new EngineTarget({
        client,
        credentials: mockCredentials.user('user:default/jane'),
        ref: REF,
        engineBaseUrl: 'http://backstage/api/pipeline-engine',
      });
      const { terminal, succeeded } = await target.read('e1');
      return { terminal, succeeded };
    };
    expect(await read('IgnoreFailed')).toEqual({
      terminal: true,
      succeeded: true,
    });
    expect(await read('Expired')).toEqual({ terminal: true, succeeded: false });
  });
});
