import { parseAnsi, stripAnsi } from './ansi';

describe('parseAnsi', () => {
  it('keeps colours and bold until they are reset', () => {
    expect(parseAnsi('plain \u001b[1;31mred bold\u001b[0m back')).toEqual([
      { text: 'plain ', style: {} },
      { text: 'red bold', style: { color: '#cd3131', fontWeight: 'bold' } },
      { text: ' back', style: {} },
    ]);
  });

  it('reads 256-colour and true-colour codes and drops cursor moves', () => {
    expect(
      parseAnsi('\u001b[38;5;196mA\u001b[48;2;1;2;3mB\u001b[2K\u001b[39mC'),
    ).toEqual([
      { text: 'A', style: { color: 'rgb(255,0,0)' } },
      {
        text: 'B',
        style: { color: 'rgb(255,0,0)', backgroundColor: 'rgb(1,2,3)' },
      },
      { text: 'C', style: { backgroundColor: 'rgb(1,2,3)' } },
    ]);
  });

  it('strips escapes for search and download', () => {
    expect(stripAnsi('\u001b[32mok\u001b[0m \u001b]0;title\u0007done')).toBe(
      'ok done',
    );
  });
});
