import type { FailureStrategy } from '@idp-pipelines/plugin-pipeline-engine-common';
import { selectFailureAction } from './failureStrategies';

const entry = (
  errors: FailureStrategy['onFailure']['errors'],
  type: FailureStrategy['onFailure']['action']['type'],
): FailureStrategy => ({
  onFailure: { errors, action: { type } },
});

describe('selectFailureAction', () => {
  it('prefers the entry naming the error type over AllErrors at one level, in either order', () => {
    // Harness's UI writes the stage default ("On all errors other than those
    // specified in failure strategies defined here") first.
    const uiOrder = [
      entry(['AllErrors'], 'MarkAsFailure'),
      entry(['Timeout'], 'Ignore'),
    ];
    expect(selectFailureAction('Timeout', [uiOrder])).toEqual({
      type: 'Ignore',
    });
    expect(selectFailureAction('Timeout', [[...uiOrder].reverse()])).toEqual({
      type: 'Ignore',
    });
    expect(selectFailureAction('Unknown', [uiOrder])).toEqual({
      type: 'MarkAsFailure',
    });
  });

  it('lets the first of several matching entries of the same kind win', () => {
    const list = [
      entry(['Timeout'], 'Ignore'),
      entry(['Timeout', 'Unknown'], 'Abort'),
    ];
    expect(selectFailureAction('Timeout', [list])).toEqual({ type: 'Ignore' });
    expect(selectFailureAction('Unknown', [list])).toEqual({ type: 'Abort' });
  });

  it('goes outwards level by level, and a level’s AllErrors beats a specific entry further out', () => {
    const step = [entry(['Connectivity'], 'Ignore')];
    const stage = [
      entry(['Timeout'], 'MarkAsSuccess'),
      entry(['AllErrors'], 'Abort'),
    ];
    expect(selectFailureAction('Timeout', [step, undefined, stage])).toEqual({
      type: 'MarkAsSuccess',
    });
    expect(
      selectFailureAction('Timeout', [[entry(['AllErrors'], 'Ignore')], stage]),
    ).toEqual({ type: 'Ignore' });
  });

  it('returns undefined when nothing matches: the failure is unhandled', () => {
    expect(
      selectFailureAction('Unknown', [
        [entry(['Timeout'], 'Ignore')],
        undefined,
      ]),
    ).toBeUndefined();
  });
});
