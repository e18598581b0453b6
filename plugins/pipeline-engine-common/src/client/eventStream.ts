/**
 * One Server-Sent Event.
 *
 * @public
 */
export interface ServerSentEvent {
  /** `message` when the stream gave no `event:` field. */
  event: string;
  data: string;
  /** The `id:` field, when the event had one. */
  id?: string;
}

/**
 * Incremental Server-Sent Events parser (the WHATWG event-stream format):
 * feed it text as it arrives; it returns the events completed so far.
 * Comments and `retry:` are dropped; multi-line data is joined with `\n`.
 *
 * @public
 */
export class EventStreamParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  /** Adds text; returns the events that this text completed. */
  push(text: string): ServerSentEvent[] {
    this.buffer += text;
    const events: ServerSentEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A lone trailing \r may be the first half of \r\n: wait for more.
      if (
        !match ||
        (match[0] === '\r' && match.index === this.buffer.length - 1)
      ) {
        break;
      }
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === '') {
      return this.dispatch();
    }
    if (line.startsWith(':')) {
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = '';
    if (data.length === 0) {
      return undefined;
    }
    return {
      event: event || 'message',
      data: data.join('\n'),
      ...(this.id !== undefined ? { id: this.id } : {}),
    };
  }
}

/**
 * Reads a Server-Sent Events response, handing each chunk's completed events
 * to `onEvents`, until the stream closes (`'closed'`) or `onEvents` returns
 * `'end'`. Cancels the body when it stops early or `signal` fires.
 *
 * @public
 */
export async function readServerSentEvents(
  response: Response,
  onEvents: (
    events: ServerSentEvent[],
  ) => 'end' | undefined | Promise<'end' | undefined>,
  signal?: AbortSignal,
): Promise<'end' | 'closed'> {
  if (!response.body) return 'closed';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parser = new EventStreamParser();
  // Not every fetch implementation ends a body read when the request is
  // aborted; cancelling the reader always does.
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal?.aborted) return 'closed';
      const events = parser.push(decoder.decode(value, { stream: true }));
      if ((await onEvents(events)) === 'end') return 'end';
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
    // Closes the connection when we stop early (end event, error, abort).
    await reader.cancel().catch(() => {});
  }
}
