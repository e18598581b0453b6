import type {
  ExecutionDetail,
  ExecutionSummary,
  NodeExecutionView,
  PipelineDetail,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { PipelineEngineApi } from '../api';

/** A PipelineEngineApi whose every method is a jest mock that rejects. */
export function mockPipelineEngineApi(
  overrides: Partial<PipelineEngineApi> = {},
): jest.Mocked<PipelineEngineApi> {
  const unexpected = (name: string) =>
    jest.fn(async () => {
      throw new Error(`unexpected call of ${name}`);
    });
  const api = {
    listPipelines: unexpected('listPipelines'),
    getPipeline: unexpected('getPipeline'),
    validatePipeline: unexpected('validatePipeline'),
    execute: unexpected('execute'),
    dryRun: unexpected('dryRun'),
    listExecutions: unexpected('listExecutions'),
    getExecution: unexpected('getExecution'),
    abortExecution: unexpected('abortExecution'),
    rerunExecution: unexpected('rerunExecution'),
    followExecution: unexpected('followExecution'),
    readLogs: unexpected('readLogs'),
    followLogs: unexpected('followLogs'),
    listWaitingApprovals: unexpected('listWaitingApprovals'),
    listExecutionApprovals: unexpected('listExecutionApprovals'),
    addApprovalActivity: unexpected('addApprovalActivity'),
    interveneInExecution: unexpected('interveneInExecution'),
    listInputSets: unexpected('listInputSets'),
    createInputSet: unexpected('createInputSet'),
    listTriggers: unexpected('listTriggers'),
    updateTrigger: unexpected('updateTrigger'),
    rotateWebhookToken: unexpected('rotateWebhookToken'),
    getTriggerRunUrl: unexpected('getTriggerRunUrl'),
  };
  for (const [name, implementation] of Object.entries(overrides)) {
    (api as Record<string, jest.Mock>)[name] = jest.fn(
      implementation as (...args: unknown[]) => unknown,
    );
  }
  return api as unknown as jest.Mocked<PipelineEngineApi>;
}

export const pipelineRef = {
  orgIdentifier: 'default',
  projectIdentifier: 'demo',
  pipelineIdentifier: 'hello',
};

export function pipelineDetail(yaml: string): PipelineDetail {
  return {
    ...pipelineRef,
    name: 'Hello',
    version: 1,
    storeType: 'INLINE',
    updatedAt: '2026-12-01T10:00:00Z',
    yaml,
  };
}

export function executionSummary(
  overrides: Partial<ExecutionSummary> = {},
): ExecutionSummary {
  return {
    ...pipelineRef,
    id: 'exec-1',
    sequenceId: 7,
    pipelineName: 'Hello',
    status: 'Success',
    triggeredBy: { identity: 'user:default/jane', name: 'Jane' },
    triggerType: 'MANUAL',
    createdAt: '2026-12-01T10:00:00Z',
    startedAt: '2026-12-01T10:00:01Z',
    endedAt: '2026-12-01T10:00:31Z',
    ...overrides,
  };
}

export function node(
  overrides: Partial<NodeExecutionView> & { fqn: string },
): NodeExecutionView {
  const identifier = overrides.fqn.split('.').pop()!;
  return {
    nodeType: 'step',
    identifier,
    name: identifier,
    status: 'Success',
    attempt: 1,
    outputs: {},
    secretOutputs: [],
    children: [],
    ...overrides,
  };
}

export function executionDetail(
  overrides: Partial<ExecutionDetail> = {},
): ExecutionDetail {
  return { ...executionSummary(), nodes: [], outputs: {}, ...overrides };
}
