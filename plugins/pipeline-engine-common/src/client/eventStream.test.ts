import { EventStreamParser } from './eventStream';

describe('EventStreamParser', () => {
  it('parses events with ids, names and data', () => {
    const parser = new EventStreamParser();
    expect(
      parser.push(
        'retry: 2000\n\nid: 1\ndata: {"a":1}\n\nevent: end\ndata: x\n\n',
      ),
    ).toEqual([
      { event: 'message', data: '{"a":1}', id: '1' },
      { event: 'end', data: 'x', id: '1' },
    ]);
  });

  it('completes events split anywhere across chunks', () => {
    const text = 'id: 7\ndata: hello\n\n: keep-alive\n\nid: 8\ndata: world\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new EventStreamParser();
      const events = [
        ...parser.push(text.slice(0, cut)),
        ...parser.push(text.slice(cut)),
      ];
      expect(events).toEqual([
        { event: 'message', data: 'hello', id: '7' },
        { event: 'message', data: 'world', id: '8' },
      ]);
    }
  });

  it('accepts CRLF and CR line endings, even split between chunks', () => {
    const parser = new EventStreamParser();
    expect(parser.push('data: a\r')).toEqual([]);
    expect(parser.push('\n\r\ndata: b\r\r')).toEqual([
      { event: 'message', data: 'a' },
    ]);
    // The last \r might have been half of \r\n until the next text came.
    expect(parser.push(': next\n')).toEqual([{ event: 'message', data: 'b' }]);
  });

  it('joins multi-line data and ignores comments and unknown fields', () => {
    const parser = new EventStreamParser();
    expect(
      parser.push(': hi\ndata: one\nfoo: bar\ndata:two\ndata\n\n'),
    ).toEqual([{ event: 'message', data: 'one\ntwo\n' }]);
  });

  it('drops events without data', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: ping\n\n')).toEqual([]);
    expect(parser.push('data: x\n\n')).toEqual([
      { event: 'message', data: 'x' },
    ]);
  });
});
