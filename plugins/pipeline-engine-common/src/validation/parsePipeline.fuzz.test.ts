import fc from 'fast-check';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parsePipeline } from './parsePipeline';
import { cpuMillis } from '../__testUtils__/cpuTime';

/*
 * Random and mutated YAML into the parser: only typed problems come out —
 * never an exception — and no case takes more than 100 ms.
 */

const SEED = readFileSync(
  join(
    __dirname,
    '../../../../examples/pipelines/self-service-flow.pipeline.yaml',
  ),
  'utf8',
);
const LINES = SEED.split('\n');

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('indent' as const),
    at: fc.nat(),
    by: fc.integer({ min: -6, max: 6 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ maxLength: 30 }),
  }),
  fc.record({
    kind: fc.constant('value' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '[]',
        '{}',
        'null',
        '~',
        '- a',
        '<+input>',
        '<+input>.allowedValues(',
        '&a',
        '*a',
        '!!binary x',
        '"',
        "'",
        '|',
        '>-',
        '<+<+',
        'true',
        '-1',
        '1e309',
      ),
    ),
  }),
  fc.record({
    kind: fc.constant('swap' as const),
    at: fc.nat(),
    with: fc.nat(),
  }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(lines: string[], m: Mutation): string[] {
  const out = [...lines];
  const i = m.at % out.length;
  switch (m.kind) {
    case 'delete':
      out.splice(i, 1);
      break;
    case 'duplicate':
      out.splice(i, 0, out[i]);
      break;
    case 'indent':
      out[i] = m.by >= 0 ? ' '.repeat(m.by) + out[i] : out[i].slice(-m.by);
      break;
    case 'insert':
      out.splice(i, 0, m.text);
      break;
    case 'value': {
      const colon = out[i].indexOf(': ');
      out[i] =
        colon >= 0
          ? `${out[i].slice(0, colon + 2)}${m.text}`
          : `${out[i]}${m.text}`;
      break;
    }
    case 'swap': {
      const j = m.with % out.length;
      [out[i], out[j]] = [out[j], out[i]];
      break;
    }
    default:
  }
  return out;
}

function parseTimed(text: string): number {
  let result = parsePipeline('');
  const elapsed = cpuMillis(() => {
    result = parsePipeline(text);
  });
  for (const p of result.problems) {
    expect(typeof p.message).toBe('string');
    expect(['error', 'warning']).toContain(p.severity);
  }
  expect(result.ok).toBe(!result.problems.some(p => p.severity === 'error'));
  return elapsed;
}

describe('parsePipeline fuzz', () => {
  // First calls pay for JIT compilation; the 100 ms bound is about the parser.
  beforeAll(() => {
    for (let i = 0; i < 20; i++) parsePipeline(SEED);
  });

  it('survives mutated copies of the seed pipeline', () => {
    fc.assert(
      fc.property(
        fc.array(mutation, { minLength: 1, maxLength: 5 }),
        mutations => {
          const text = mutations.reduce(mutate, LINES).join('\n');
          expect(parseTimed(text)).toBeLessThan(100);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('survives random text and random YAML values', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .jsonValue({ maxDepth: 4 })
            .map(v => JSON.stringify({ pipeline: v })),
          fc.jsonValue({ maxDepth: 4 }).map(v =>
            JSON.stringify({
              pipeline: {
                name: 'p',
                identifier: 'p',
                stages: [{ stage: v }],
              },
            }),
          ),
          fc.jsonValue({ maxDepth: 4 }).map(v => JSON.stringify([{ step: v }])),
        ),
        text => {
          expect(parseTimed(text)).toBeLessThan(100);
        },
      ),
      { numRuns: 400 },
    );
  });
});
