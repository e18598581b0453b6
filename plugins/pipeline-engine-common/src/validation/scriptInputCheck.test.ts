import { parsePipeline } from './parsePipeline';
import type { Problem } from './problem';

const injections = (problems: Problem[]) =>
  problems.filter(
    p =>
      p.code === 'script-expression-input' || p.code === 'script-runtime-input',
  );

const PIPELINE = `pipeline:
  name: demo
  identifier: demo
  variables:
    - name: name
      type: String
      value: <+input>
    - name: env
      type: String
      value: <+input>.allowedValues(dev,prod)
    - name: greeting
      type: String
      value: Hello <+pipeline.variables.name>
    - name: fixed
      type: String
      value: constant
  stages:
    - stage:
        name: build
        identifier: build
        type: Custom
        variables:
          - name: region
            type: String
            value: <+input>.regex(^[a-z-]+$)
        spec:
          execution:
            steps:
              - step:
                  type: Run
                  name: run
                  identifier: run
                  spec:
                    shell: Bash
                    command: |-
                      echo "deploying"
                      echo "Hello, <+pipeline.variables.name>!"
                      echo <+pipeline.variables.env> <+pipeline.variables.fixed> <+trigger.type>
                      echo <+stage.variables.region>
              - stepGroup:
                  name: group
                  identifier: group
                  variables:
                    - name: ref
                      type: String
                      value: <+trigger.payload.ref>
                  steps:
                    - step:
                        type: ShellScript
                        name: shell
                        identifier: shell
                        spec:
                          shell: Bash
                          source:
                            type: Inline
                            spec:
                              script: echo <+stepGroup.variables.ref.toLowerCase()> <+pipeline.variables.greeting>
              - step:
                  type: Run
                  name: safe
                  identifier: safe
                  spec:
                    command: echo "Hello, $NAME"
                    envVariables:
                      NAME: <+pipeline.variables.name>
              - step:
                  type: Run
                  name: whole
                  identifier: whole
                  spec:
                    command: <+input>
`;

describe('script bodies that paste runtime values (finding 1)', () => {
  const result = parsePipeline(PIPELINE);
  const found = injections(result.problems);

  it('warns, naming the expression, the script line, the path and line:col', () => {
    expect(result.ok).toBe(true);
    const name = found.find(p =>
      p.message.includes('<+pipeline.variables.name>'),
    );
    expect(name).toMatchObject({
      severity: 'warning',
      path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.spec.command',
      line: 35,
      column: 30,
    });
    expect(name?.message).toBe(
      'script line 2 pastes <+pipeline.variables.name> into the script text, and pipeline.variables.name is a runtime input: whoever runs the pipeline can run shell commands (e.g. $(id)) on the runner',
    );
    expect(name?.hint).toBe(
      'pass it through envVariables: {NAME: <+pipeline.variables.name>} and reference "$NAME" (quoted) in the script',
    );
  });

  it('follows stage, step group and derived variables and the trigger payload', () => {
    const messages = found.map(p => p.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^script line 4 pastes <\+stage\.variables\.region> .* pipeline\.stages\.build\.variables\.region is a runtime input/,
        ),
        expect.stringMatching(
          /^script line 1 pastes <\+stepGroup\.variables\.ref\.toLowerCase\(\)> .* it comes from the trigger payload/,
        ),
        expect.stringMatching(
          /<\+pipeline\.variables\.greeting> .* pipeline\.variables\.greeting is Hello <\+pipeline\.variables\.name>|pipeline\.variables\.greeting is <\+pipeline\.variables\.name>/,
        ),
      ]),
    );
    const shell = found.find(p =>
      p.message.includes('stepGroup.variables.ref'),
    );
    expect(shell?.hint).toBe(
      'pass it through environmentVariables: [{name: REF, type: String, value: <+stepGroup.variables.ref>}] and reference "$REF" (quoted) in the script',
    );
  });

  it('reports a script that is itself a runtime input', () => {
    expect(found).toContainEqual(
      expect.objectContaining({
        code: 'script-runtime-input',
        path: 'pipeline.stages[0].stage.spec.execution.steps[3].step.spec.command',
      }),
    );
  });

  it('leaves fixed values, fixed choices, engine-set trigger fields and envVariables alone', () => {
    const text = found.map(p => p.message).join('\n');
    for (const safe of [
      'pipeline.variables.env',
      'pipeline.variables.fixed',
      'trigger.type',
    ]) {
      expect(text).not.toContain(`<+${safe}>`);
    }
    expect(found.filter(p => p.path.includes('steps[2]'))).toEqual([]);
    expect(found).toHaveLength(5);
  });
});
