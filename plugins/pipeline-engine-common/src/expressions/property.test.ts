/*
 * Property: whatever string goes into render()/evaluateCondition(), the only
 * exception that comes out is an ExpressionError, and every case is fast.
 */
import fc from 'fast-check';
import { ExpressionEngine } from './engine';
import { ExpressionError } from './errors';
import { seedContext } from './testFixtures';
import { cpuMillis } from '../__testUtils__/cpuTime';

const strict = new ExpressionEngine();
const lenient = new ExpressionEngine({ mode: 'lenient', cacheSize: 0 });
const ctx = seedContext({
  stageId: 'serviceonboarding',
  stepGroupPath: ['group1'],
  stepId: 'build',
  matrix: { os: 'linux' },
});

/** Valid expressions to mutate, covering every syntax the engine supports. */
const SEEDS = [
  '<+pipeline.variables.project_name>',
  '<+<+pipeline.variables.project_name>.toLowerCase()>',
  'prefix-<+pipeline.name>-<+stage.name>-suffix',
  '<<+steps.createrepo.output.outputVariables.repositoryUrl>|Link>',
  '<@<+pipeline.variables.email_id>>',
  '<+pipeline.variables.csv.split(",")[1]>',
  '<+pipeline.variables.mixed.trim().toUpperCase() == "HELLO WORLD" ? "y" : "n">',
  '<+secrets.getValue("plain_secret")>',
  '<+(pipeline.variables.num > 2) && !pipeline.variables.flag>',
  '<+pipeline.stages.<+pipeline.variables.stage_name>.status>',
  '<+"a\\"b<+matrix.os>c".replaceAll("[a-z]", "$0")>',
  '<+[1, 2, pipeline.variables.num][2] + 1>',
  '<+pipeline.variables.version.matches("\\\\d+(\\\\.\\\\d+)*")>',
];

/** Characters that matter to the scanner, tokenizer and jexl. */
const SPECIAL = [...'<+>()[]{}.,:?!=&|"\'\\$@#^~`;-*/% \n'];
const WORDS = [
  'pipeline',
  'variables',
  'constructor',
  '__proto__',
  'toString',
  'split',
  'true',
  'null',
  'in',
  '$frame',
  '$s0',
  '$h0',
  'secrets',
  'getValue',
];

const specialChar = fc.constantFrom(...SPECIAL);
const token = fc.oneof(
  specialChar,
  fc.constantFrom(...WORDS),
  fc.string({ maxLength: 3 }),
);
const tokenSoup = fc
  .array(token, { maxLength: 40 })
  .map(parts => parts.join(''));

/** A seed with random edits: insertions, deletions and replacements. */
const mutated = fc
  .tuple(
    fc.constantFrom(...SEEDS),
    fc.array(
      fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.oneof(specialChar, token)),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([seed, edits]) =>
    edits.reduce((s, [pos, del, insert]) => {
      const at = s.length ? pos % (s.length + 1) : 0;
      return s.slice(0, at) + insert + s.slice(at + del);
    }, seed),
  );

const input = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  tokenSoup,
  mutated,
  mutated.map(s => `<+${s}>`),
);

let checked = 0;

/** Runs `fn`, asserting it returns or throws an ExpressionError, quickly. */
function onlyExpressionErrors(fn: () => unknown): void {
  checked++;
  let escaped: unknown;
  const elapsed = cpuMillis(() => {
    try {
      fn();
    } catch (e) {
      escaped = e;
    }
  });
  if (escaped !== undefined) {
    if (!(escaped instanceof ExpressionError)) {
      throw new Error(`non-ExpressionError escaped: ${String(escaped)}`);
    }
    expect(typeof escaped.message).toBe('string');
  }
  if (elapsed >= 100) throw new Error(`took ${elapsed.toFixed(1)} ms`);
}

describe('robustness', () => {
  it('render() only throws ExpressionError and stays fast', () => {
    checked = 0;
    fc.assert(
      fc.property(input, template => {
        onlyExpressionErrors(() => strict.render(template, ctx));
        onlyExpressionErrors(() => lenient.render(template, ctx));
      }),
      { numRuns: 3000 },
    );
    expect(checked).toBe(6000);
  });

  it('evaluateCondition() and analyze() only throw ExpressionError', () => {
    checked = 0;
    fc.assert(
      fc.property(input, condition => {
        onlyExpressionErrors(() => strict.evaluateCondition(condition, ctx));
        onlyExpressionErrors(() => strict.analyze(condition));
      }),
      { numRuns: 2000 },
    );
    expect(checked).toBe(4000);
  });

  it('the seeds themselves evaluate', () => {
    for (const seed of SEEDS) {
      expect(strict.tryRender(seed, ctx)).toMatchObject({ ok: true });
    }
  });
});
