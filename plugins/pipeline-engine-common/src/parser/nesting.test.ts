import { normalizeInputSet } from '../inputs/inputSet';
import { parsePipeline } from '../validation/parsePipeline';
import { nestingExceeds, yamlFlowNestingExceeds } from './nesting';
import { parseYaml } from './parseYaml';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('bounded nesting (finding 9)', () => {
  it('measures depth without recursion, at any depth', () => {
    expect(nestingExceeds(nested(64))).toBe(false);
    expect(nestingExceeds(nested(65))).toBe(true);
    expect(nestingExceeds(nested(1_000_000))).toBe(true);
    expect(nestingExceeds('text')).toBe(false);
  });

  it('counts YAML flow collections, not brackets inside quotes or comments', () => {
    expect(
      yamlFlowNestingExceeds(`a: ${'['.repeat(64)}${']'.repeat(64)}`),
    ).toBe(false);
    expect(
      yamlFlowNestingExceeds(`a: ${'['.repeat(65)}${']'.repeat(65)}`),
    ).toBe(true);
    expect(
      yamlFlowNestingExceeds(
        `a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}'`,
      ),
    ).toBe(false);
    expect(yamlFlowNestingExceeds(`a: 1 # ${'['.repeat(100)}\n`)).toBe(false);
    expect(yamlFlowNestingExceeds(`a: it's ${'['.repeat(100)}`)).toBe(true);
  });

  it('normalizes an input set nested 100k levels deep into a problem, not a RangeError', () => {
    const deep = normalizeInputSet({ name: nested(100_000) });
    expect(deep.problems).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'input-set-too-deep',
        message:
          'the input set is nested more than 64 levels deep; at most 64 levels of maps and lists are accepted',
      }),
    ]);
    const yaml = normalizeInputSet(
      `name: ${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    );
    expect(yaml.problems[0].code).toBe('input-set-too-deep');
  });

  it('refuses a pipeline document nested too deeply, without parsing it', () => {
    const text = `pipeline: ${'{a: '.repeat(100_000)}1${'}'.repeat(100_000)}`;
    expect(parseYaml(text).problems).toEqual([
      expect.objectContaining({ code: 'yaml-too-deep' }),
    ]);
    expect(parsePipeline(text).ok).toBe(false);
    const block = Array.from(
      { length: 70 },
      (_, i) => `${' '.repeat(i)}k${i}:`,
    ).join('\n');
    expect(parseYaml(`${block} 1\n`).problems).toEqual([
      expect.objectContaining({ code: 'yaml-too-deep' }),
    ]);
  });
});
