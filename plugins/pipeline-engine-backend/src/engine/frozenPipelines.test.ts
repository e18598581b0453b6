import * as common from '@idp-pipelines/plugin-pipeline-engine-common';
import { createDefaultStepSpecRegistry } from '@idp-pipelines/plugin-pipeline-engine-common';
import { builtinStepHandlers } from '../steps';
import { FrozenPipelines } from './frozenPipelines';
import { StepHandlerRegistry } from './stepHandlerRegistry';

jest.mock('@idp-pipelines/plugin-pipeline-engine-common', () => {
  const actual = jest.requireActual(
    '@idp-pipelines/plugin-pipeline-engine-common',
  );
  return {
    ...actual,
    validatePipelineValue: jest.fn(actual.validatePipelineValue),
  };
});

const validations = common.validatePipelineValue as jest.Mock;

function frozen(identifier: string, stepType = 'Wait'): string {
  return JSON.stringify({
    pipeline: {
      name: identifier,
      identifier,
      stages: [
        {
          stage: {
            name: 's',
            identifier: 's',
            type: 'Custom',
            spec: {
              execution: {
                steps: [
                  {
                    step: {
                      type: stepType,
                      name: 'w',
                      identifier: 'w',
                      spec: { duration: '0s' },
                    },
                  },
                ],
              },
            },
          },
        },
      ],
    },
  });
}

function pipelines(capacity?: number) {
  const handlers = new StepHandlerRegistry();
  handlers.add(...builtinStepHandlers);
  return new FrozenPipelines(
    handlers.extend(createDefaultStepSpecRegistry()),
    handlers,
    capacity,
  );
}

beforeEach(() => validations.mockClear());

describe('FrozenPipelines', () => {
  it('validates and plans each distinct frozen text once', () => {
    const cache = pipelines();
    const first = cache.plan(frozen('a'));
    const again = cache.plan(frozen('a'));
    expect(first.ok).toBe(true);
    expect(again).toBe(first);
    expect(validations).toHaveBeenCalledTimes(1);
    expect(cache.plan(frozen('b'))).not.toBe(first);
    expect(validations).toHaveBeenCalledTimes(2);
  });

  it('keeps a bounded number, least recently used dropped', () => {
    const cache = pipelines(2);
    cache.plan(frozen('a'));
    cache.plan(frozen('b'));
    cache.plan(frozen('a')); // b is now the least recently used
    cache.plan(frozen('c'));
    validations.mockClear();
    cache.plan(frozen('a'));
    expect(validations).not.toHaveBeenCalled();
    cache.plan(frozen('b'));
    expect(validations).toHaveBeenCalledTimes(1);
  });

  it('says why a frozen pipeline cannot run, and checks it again next time', () => {
    const cache = pipelines();
    const unknown = frozen('a', 'NoSuchStep');
    const planned = cache.plan(unknown);
    expect(planned).toEqual({
      ok: false,
      message: expect.stringMatching(/^the pipeline is invalid:\n.*NoSuchStep/),
    });
    cache.plan(unknown);
    expect(validations).toHaveBeenCalledTimes(2);
  });

  it('reads frozen YAML of older rows', () => {
    const planned = pipelines().plan(
      'pipeline:\n  name: y\n  identifier: y\n  stages:\n    - stage:\n        name: s\n        identifier: s\n        type: Custom\n        spec:\n          execution:\n            steps:\n              - step:\n                  type: Wait\n                  name: w\n                  identifier: w\n                  spec:\n                    duration: 0s\n',
    );
    expect(planned.ok).toBe(true);
  });
});
