import { parsePipeline } from './parsePipeline';

const pipeline = (command: string) => `pipeline:
  name: demo
  identifier: demo
  variables:
    - name: x
      type: String
      value: <+input>.regex(^(a)\\1$)
  stages:
    - stage:
        name: build
        identifier: build
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: Wait
                  name: wait
                  identifier: wait
                  spec:
                    duration: ${command}
`;

describe('regexes without a linear-time equivalent are refused at validation (finding 4)', () => {
  it('refuses a backreference in a literal regex of an expression, naming field and line:col', () => {
    const result = parsePipeline(
      pipeline(`<+pipeline.variables.x.replaceAll("(a)\\\\1", "b")>`),
    );
    expect(result.ok).toBe(false);
    const problem = result.problems.find(
      p => p.code === 'expression-regex-unsupported',
    );
    expect(problem).toMatchObject({
      severity: 'error',
      path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.spec.duration',
      line: 21,
      column: 31,
    });
    expect(problem?.message).toContain(
      'replaceAll() regular expression "(a)\\1": backreference \\1 has no linear-time equivalent',
    );
  });

  it('refuses lookaround in split and matches, also in nested expressions', () => {
    const result = parsePipeline(
      pipeline(
        `<+<+pipeline.variables.x.split("(?=,)")[0]>.matches("a(?!b)")>`,
      ),
    );
    const messages = result.problems
      .filter(p => p.code === 'expression-regex-unsupported')
      .map(p => p.message);
    expect(messages).toEqual([
      expect.stringContaining(
        'split() regular expression "(?=,)": lookahead (?=...) has no linear-time equivalent',
      ),
      expect.stringContaining(
        'matches() regular expression "a(?!b)": lookahead (?!...) has no linear-time equivalent',
      ),
    ]);
  });

  it('refuses a .regex() runtime input with a backreference', () => {
    const result = parsePipeline(pipeline('1s'));
    const problem = result.problems.find(
      p => p.code === 'runtime-input-invalid-regex',
    );
    expect(problem).toMatchObject({
      severity: 'error',
      path: 'pipeline.variables[0].value',
      line: 7,
    });
    expect(problem?.message).toContain(
      'backreference \\1 has no linear-time equivalent',
    );
  });

  it('validates the catastrophic-backtracking input of the report at once (linear time)', () => {
    const text = pipeline('1s').replace(
      '<+input>.regex(^(a)\\1$)',
      `<+input>.default(${'a'.repeat(5000)}!).regex(^(a+)+$)`,
    );
    const problem = parsePipeline(text).problems.find(
      p => p.code === 'runtime-input-default-not-allowed',
    );
    expect(problem?.message).toMatch(/does not match the regex \^\(a\+\)\+\$/);
  });

  it('accepts regexes RE2 can run', () => {
    const result = parsePipeline(
      pipeline(
        `<+pipeline.variables.x.replaceAll("(?<d>[0-9]+)", "\${d}")>`,
      ).replace('^(a)\\1$', '^(a+)+$'),
    );
    expect(result.problems.filter(p => p.severity === 'error')).toEqual([]);
  });
});
