import { parseYaml } from './parseYaml';

describe('parseYaml', () => {
  it('reports an alias without its anchor instead of throwing', () => {
    const parsed = parseYaml('a: *missing\n');
    expect(parsed.value).toBeUndefined();
    expect(parsed.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: expect.stringMatching(/^yaml-/),
      }),
    ]);
  });

  it('locates keys and values, falling back to the nearest ancestor', () => {
    const parsed = parseYaml('a:\n  b: 1\n  c:\n');
    expect(parsed.locate(['a', 'b'])).toEqual({ line: 2, column: 6 });
    expect(parsed.locate(['a', 'b'], 'key')).toEqual({ line: 2, column: 3 });
    expect(parsed.locate(['a', 'c'])).toEqual({ line: 3, column: 3 });
    expect(parsed.locate(['a', 'zz'])).toEqual({ line: 2, column: 3 });
  });
});
