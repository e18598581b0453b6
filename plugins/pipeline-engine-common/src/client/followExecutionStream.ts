import type {
  ExecutionDetail,
  ExecutionSummary,
  NodeExecutionView,
} from '../api/types';
import { readServerSentEvents } from './eventStream';
import type { PipelineEngineHttpClient } from './PipelineEngineHttpClient';

/**
 * One event of an execution's status stream: the execution's summary
 * changed, a node appeared or changed (without its children; `parentFqn`
 * says where it belongs), or the execution ended (with its whole detail,
 * outputs included).
 *
 * @public
 */
export type ExecutionStreamEvent =
  | { type: 'execution'; execution: ExecutionSummary }
  | { type: 'node'; node: Omit<NodeExecutionView, 'children'> }
  | { type: 'end'; execution: ExecutionDetail };

/**
 * Options of {@link followExecutionStream}.
 *
 * @public
 */
export interface FollowExecutionStreamOptions {
  /** The client to open `streamExecutionEvents` with. */
  http: PipelineEngineHttpClient;
  executionId: string;
  /** Stops following; the call then resolves. */
  signal?: AbortSignal;
  /** Receives the events in order. */
  onEvent: (event: ExecutionStreamEvent) => void;
}

/**
 * Follows the status event stream of an execution
 * (`streamExecutionEvents`) until the server sends `end` (resolves) or
 * `signal` aborts (resolves); rejects when the stream fails or closes
 * early, so the caller can fall back to polling. The one status follower of
 * the node and browser clients.
 *
 * @public
 */
export async function followExecutionStream(
  options: FollowExecutionStreamOptions,
): Promise<void> {
  const { http, executionId, signal, onEvent } = options;
  const response = await http.send('streamExecutionEvents', {
    path: { id: executionId },
    headers: { Accept: 'text/event-stream' },
    signal,
  });
  const ended = await readServerSentEvents(
    response,
    events => {
      for (const event of events) {
        const data = JSON.parse(event.data);
        if (event.event === 'execution') {
          onEvent({ type: 'execution', execution: data });
        } else if (event.event === 'node') {
          onEvent({ type: 'node', node: data });
        } else if (event.event === 'end') {
          onEvent({ type: 'end', execution: data });
          return 'end';
        } else if (event.event === 'error') {
          throw new Error(
            `The status stream failed: ${data.message ?? event.data}`,
          );
        }
      }
      return undefined;
    },
    signal,
  );
  if (ended !== 'end' && !signal?.aborted) {
    throw new Error(
      `The status stream of execution ${executionId} closed before it ended`,
    );
  }
}
