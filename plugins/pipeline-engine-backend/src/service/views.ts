import type {
  ExecutionDetail,
  ExecutionSummary,
  NodeExecutionView,
  PipelineDetail,
  PipelineSummary,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Execution, NodeExecution, Pipeline } from '../database';

/** Stored pipeline → API summary. */
export function toPipelineSummary(p: Pipeline): PipelineSummary {
  return {
    orgIdentifier: p.orgIdentifier,
    projectIdentifier: p.projectIdentifier,
    pipelineIdentifier: p.identifier,
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    version: p.version,
    storeType: p.storeType === 'REMOTE' ? 'REMOTE' : 'INLINE',
    ...(p.source ? { source: p.source.location } : {}),
    updatedAt: p.updatedAt,
  };
}

/** Stored pipeline → API detail. */
export function toPipelineDetail(p: Pipeline): PipelineDetail {
  return { ...toPipelineSummary(p), yaml: p.yaml };
}

/** Stored execution → API summary. */
export function toExecutionSummary(
  e: Execution,
  pipelineName: string,
): ExecutionSummary {
  return {
    id: e.id,
    orgIdentifier: e.orgIdentifier,
    projectIdentifier: e.projectIdentifier,
    pipelineIdentifier: e.pipelineIdentifier,
    pipelineName,
    sequenceId: e.sequenceId,
    status: e.status,
    triggeredBy: e.triggeredBy,
    triggerType: e.triggerType,
    createdAt: e.createdAt,
    ...(e.startedAt ? { startedAt: e.startedAt } : {}),
    ...(e.endedAt ? { endedAt: e.endedAt } : {}),
    ...(e.errorMessage ? { errorMessage: e.errorMessage } : {}),
    ...(e.rerunOf ? { rerunOf: e.rerunOf } : {}),
    ...(e.rerunFromStage ? { rerunFromStage: e.rerunFromStage } : {}),
  };
}

/** Stored execution + nodes → API detail with the node tree. */
export function toExecutionDetail(
  e: Execution,
  pipelineName: string,
  nodes: NodeExecution[],
  url?: string,
): ExecutionDetail {
  const views = new Map<string, NodeExecutionView>();
  for (const n of nodes) {
    views.set(n.fqn, {
      fqn: n.fqn,
      ...(n.parentFqn ? { parentFqn: n.parentFqn } : {}),
      nodeType: n.nodeType,
      identifier: n.identifier,
      name: n.name,
      ...(n.stepType ? { stepType: n.stepType } : {}),
      status: n.status,
      attempt: n.attempt,
      ...(n.startedAt ? { startedAt: n.startedAt } : {}),
      ...(n.endedAt ? { endedAt: n.endedAt } : {}),
      outputs: Object.fromEntries(
        Object.entries(n.outputs).map(([k, v]) => [
          k,
          typeof v === 'string' ? v : JSON.stringify(v),
        ]),
      ),
      secretOutputs: Object.keys(n.secretOutputs),
      ...(n.errorMessage ? { errorMessage: n.errorMessage } : {}),
      ...(n.failureType ? { failureType: n.failureType } : {}),
      ...(n.reusedFrom ? { reusedFrom: n.reusedFrom } : {}),
      children: [],
    });
  }
  const roots: NodeExecutionView[] = [];
  for (const view of views.values()) {
    const parent = view.parentFqn ? views.get(view.parentFqn) : undefined;
    if (parent) parent.children.push(view);
    else roots.push(view);
  }
  const outputs = Object.fromEntries(
    Object.entries(e.outputs ?? {}).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
  return {
    ...toExecutionSummary(e, pipelineName),
    ...(e.triggerIdentifier ? { triggerIdentifier: e.triggerIdentifier } : {}),
    inputs: e.inputs,
    nodes: roots,
    outputs,
    ...(url ? { url } : {}),
  };
}
