/** One Server-Sent Event. */
export interface ServerSentEvent {
  /** `message` when the stream gave no `event:` field. */
  event: string;
  data: string;
}

/**
 * Incremental parser of the `text/event-stream` format: feed it text as
 * it arrives, get back the events that text completed. Comments and
 * `id:`/`retry:` fields are dropped (the log line carries its own `seq`).
 */
export class EventStreamParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';

  push(text: string): ServerSentEvent[] {
    this.buffer += text;
    const events: ServerSentEvent[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      // A trailing \r may be the first half of \r\n: wait for more text.
      if (
        !match ||
        (match[0] === '\r' && match.index === this.buffer.length - 1)
      ) {
        return events;
      }
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (this.data.length > 0) {
          events.push({
            event: this.event || 'message',
            data: this.data.join('\n'),
          });
        }
        this.data = [];
        this.event = '';
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') this.data.push(value);
        else if (field === 'event') this.event = value;
      }
    }
  }
}
