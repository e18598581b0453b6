import { parse } from 'yaml';
import {
  fieldError,
  initialValues,
  inputSetOf,
  inputSetYaml,
  runFormFields,
  valuesOfInputSet,
} from './runForm';
import { HELLO_YAML } from '../../testUtils/fixtures';

describe('run form', () => {
  const fields = runFormFields(HELLO_YAML);

  it('derives one field per runtime input with the right control', () => {
    expect(fields.map(f => [f.label, f.kind])).toEqual([
      ['greeting', 'select'],
      ['repo', 'text'],
      ['replicas', 'number'],
      ['regions', 'multiselect'],
      ['approver', 'text'],
      ['pipeline.stages.build.spec.execution.steps.say.spec.command', 'text'],
    ]);
    expect(fields[0].choices).toEqual(['hello', 'hi']);
    expect(fields[4].info.input.executionInput).toBe(true);
    expect(initialValues(fields)).toMatchObject({
      'pipeline.variables.greeting': 'hello',
      'pipeline.variables.replicas': '2',
      'pipeline.variables.regions': ['eu'],
      'pipeline.variables.repo': '',
    });
  });

  it('explains regex, allowed-value and required problems', () => {
    expect(fieldError(fields[1], 'Bad Name')).toMatch(
      /does not match the regex .*\^\[a-z\]\[a-z0-9-\]\*\$/,
    );
    expect(fieldError(fields[1], 'good-name')).toBeUndefined();
    expect(fieldError(fields[1], '')).toBe('A value is required.');
    expect(fieldError(fields[0], 'hey')).toMatch(/not allowed/);
    expect(fieldError(fields[2], 'many')).toMatch(/Number variable/);
  });

  it('submits numbers as numbers and leaves blank optional fields out', () => {
    const values = {
      ...initialValues(fields),
      'pipeline.variables.repo': 'svc',
      'pipeline.variables.regions': ['eu', 'us'],
    };
    expect(inputSetOf(fields, values)).toEqual({
      'pipeline.variables.greeting': 'hello',
      'pipeline.variables.repo': 'svc',
      'pipeline.variables.replicas': 2,
      'pipeline.variables.regions': 'eu,us',
    });
  });

  it('writes a Harness input set shaped like the pipeline and reads it back', () => {
    const values = {
      ...initialValues(fields),
      'pipeline.variables.repo': 'svc',
      'pipeline.stages.build.spec.execution.steps.say.spec.command': 'echo hi',
    };
    const yaml = inputSetYaml({
      pipelineYaml: HELLO_YAML,
      ref: {
        orgIdentifier: 'default',
        projectIdentifier: 'demo',
        pipelineIdentifier: 'hello',
      },
      identifier: 'svc_defaults',
      name: 'Service defaults',
      fields,
      values,
    });
    expect(parse(yaml)).toEqual({
      inputSet: {
        identifier: 'svc_defaults',
        name: 'Service defaults',
        orgIdentifier: 'default',
        projectIdentifier: 'demo',
        pipeline: {
          identifier: 'hello',
          name: 'Hello',
          variables: [
            { name: 'greeting', type: 'String', value: 'hello' },
            { name: 'repo', type: 'String', value: 'svc' },
            { name: 'replicas', type: 'Number', value: 2 },
            { name: 'regions', type: 'String', value: 'eu' },
          ],
          stages: [
            {
              stage: {
                identifier: 'build',
                name: 'Build',
                type: 'IDP',
                spec: {
                  execution: {
                    steps: [
                      {
                        step: {
                          identifier: 'say',
                          name: 'Say',
                          type: 'Run',
                          spec: { command: 'echo hi' },
                        },
                      },
                    ],
                  },
                },
              },
            },
          ],
        },
      },
    });
    expect(valuesOfInputSet(fields, yaml)).toEqual({
      'pipeline.variables.greeting': 'hello',
      'pipeline.variables.repo': 'svc',
      'pipeline.variables.replicas': '2',
      'pipeline.variables.regions': ['eu'],
      'pipeline.stages.build.spec.execution.steps.say.spec.command': 'echo hi',
    });
  });
});
