import {
  isTerminalExecutionStatus,
  type ExecutionDetail,
  type NodeExecutionView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { EventStreamResponse } from './eventStreamResponse';
import { pumpEventStream, type EventStreamTarget } from './pumpEventStream';
import type { PipelineEngineApi } from './types';

/** A node of an `event: node`: the node without its children. */
export type NodeEventData = Omit<NodeExecutionView, 'children'>;

function* flatten(nodes: NodeExecutionView[]): Generator<NodeExecutionView> {
  for (const node of nodes) {
    yield node;
    yield* flatten(node.children);
  }
}

/** The execution's own fields, without the tree and outputs. */
function summaryOf(detail: ExecutionDetail) {
  const { nodes: _nodes, outputs: _outputs, ...summary } = detail;
  return summary;
}

/**
 * Streams the status of execution `id` as Server-Sent Events:
 * `event: execution` (its summary) first and whenever it changes,
 * `event: node` (a node without `children`, with `parentFqn`) for every
 * node that appeared or changed, parents before children, and once the
 * execution has ended `event: end` with the whole execution detail, which
 * closes the stream. Woken by the engine's notifications of stored state
 * (the same ones that wake the log stream) and, for writes of other
 * replicas that do not notify this one, by a poll.
 */
export async function streamExecutionEvents(
  options: EventStreamTarget & {
    api: Pick<PipelineEngineApi, 'getExecution' | 'onExecutionChanges'>;
    id: string;
  },
): Promise<void> {
  const { api, id } = options;
  const sentNodes = new Map<string, string>();
  let sentSummary = '';

  /** Sends what changed since the last read; true once the execution ended. */
  const sendChanges = (
    stream: EventStreamResponse,
    detail: ExecutionDetail,
  ): boolean => {
    const summary = JSON.stringify(summaryOf(detail));
    if (summary !== sentSummary) {
      sentSummary = summary;
      stream.send({ event: 'execution', data: summaryOf(detail) });
    }
    for (const node of flatten(detail.nodes)) {
      const { children: _children, ...data } = node;
      const text = JSON.stringify(data);
      if (sentNodes.get(node.fqn) !== text) {
        sentNodes.set(node.fqn, text);
        stream.send({ event: 'node', data });
      }
    }
    if (!isTerminalExecutionStatus(detail.status)) return false;
    stream.send({ event: 'end', data: detail });
    return true;
  };

  await pumpEventStream(options, {
    subscribe: wake => api.onExecutionChanges(id, wake),
    defaultPollIntervalMs: 1000,
    failure: {
      logMessage: `Event stream of execution ${id} failed`,
      clientMessage: 'reading the execution failed',
    },
    async read(stream) {
      const detail = await api.getExecution(id);
      if (stream.closed) return undefined;
      return sendChanges(stream, detail) ? 'end' : undefined;
    },
  });
}
