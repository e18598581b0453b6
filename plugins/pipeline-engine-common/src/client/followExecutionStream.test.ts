import {
  followExecutionStream,
  type ExecutionStreamEvent,
} from './followExecutionStream';
import { PipelineEngineHttpClient } from './PipelineEngineHttpClient';

const BASE_URL = 'http://engine.test/api/pipeline-engine';

/** A client whose fetch answers with `chunks` as an event stream, then closes (or stays open). */
function clientStreaming(
  chunks: string[],
  options: { keepOpen?: boolean } = {},
) {
  const requests: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetchStream = async (url: RequestInfo | URL, init?: RequestInit) => {
    requests.push({
      url: String(url),
      headers: init?.headers as Record<string, string>,
    });
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        if (!options.keepOpen) controller.close();
      },
    });
    return new Response(body, {
      headers: { 'Content-Type': 'text/event-stream' },
    });
  };
  const http = new PipelineEngineHttpClient({
    baseUrl: async () => BASE_URL,
    fetch: fetchStream as typeof fetch,
  });
  return { http, requests };
}

const summary = { id: 'e1', status: 'RUNNING' };
const node = { fqn: 'pipeline.stages.s1', status: 'SUCCESS' };
const detail = { id: 'e1', status: 'SUCCESS', nodes: [] };

describe('followExecutionStream', () => {
  it('delivers execution, node and end events in order and resolves at the end', async () => {
    const { http, requests } = clientStreaming([
      `event: execution\ndata: ${JSON.stringify(summary)}\n\n: keep-alive\n\n`,
      `event: node\ndata: ${JSON.stringify(node)}\n\nevent: end\n`,
      `data: ${JSON.stringify(detail)}\n\n`,
    ]);
    const events: ExecutionStreamEvent[] = [];
    await followExecutionStream({
      http,
      executionId: 'e/1',
      onEvent: event => events.push(event),
    });
    expect(requests).toEqual([
      {
        url: `${BASE_URL}/executions/e%2F1/events`,
        headers: { Accept: 'text/event-stream' },
      },
    ]);
    expect(events).toEqual([
      { type: 'execution', execution: summary },
      { type: 'node', node },
      { type: 'end', execution: detail },
    ]);
  });

  it('rejects when the stream closes before the execution ended', async () => {
    const { http } = clientStreaming([
      `event: execution\ndata: ${JSON.stringify(summary)}\n\n`,
    ]);
    const events: ExecutionStreamEvent[] = [];
    await expect(
      followExecutionStream({
        http,
        executionId: 'e1',
        onEvent: event => events.push(event),
      }),
    ).rejects.toThrow(
      'The status stream of execution e1 closed before it ended',
    );
    expect(events).toEqual([{ type: 'execution', execution: summary }]);
  });

  it('rejects with the server message on an error event', async () => {
    const { http } = clientStreaming([
      `event: error\ndata: ${JSON.stringify({ message: 'database gone' })}\n\n`,
    ]);
    await expect(
      followExecutionStream({ http, executionId: 'e1', onEvent: () => {} }),
    ).rejects.toThrow('The status stream failed: database gone');
  });

  it('resolves when the signal aborts an open stream', async () => {
    const { http } = clientStreaming(
      [`event: execution\ndata: ${JSON.stringify(summary)}\n\n`],
      { keepOpen: true },
    );
    const controller = new AbortController();
    const events: ExecutionStreamEvent[] = [];
    await followExecutionStream({
      http,
      executionId: 'e1',
      signal: controller.signal,
      onEvent: event => {
        events.push(event);
        controller.abort();
      },
    });
    expect(events).toEqual([{ type: 'execution', execution: summary }]);
  });
});
