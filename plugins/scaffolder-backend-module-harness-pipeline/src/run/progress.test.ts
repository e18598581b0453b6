import { mockServices } from '@backstage/backend-test-utils';
import { formatDuration, labelOfFqn, NodeProgress } from './progress';
import type { TrackedNode } from './types';

describe('labelOfFqn', () => {
  it.each([
    ['pipeline.stages.s.spec.execution.steps.x', 's/x'],
    ['pipeline.stages.s.spec.execution.steps.g.steps.x', 's/g/x'],
    ['pipeline.stages.s', 's'],
    ['pipeline', 'pipeline'],
  ])('%s → %s', (fqn, label) => expect(labelOfFqn(fqn)).toBe(label));
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [1000, '1s'],
    [4250, '4.3s'],
    [125_000, '2m 5s'],
    [3_780_000, '1h 3m'],
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('NodeProgress', () => {
  const fqn = 'pipeline.stages.s.spec.execution.steps.x';
  const at = (s: number) =>
    new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const node = (
    status: string,
    extra: Partial<TrackedNode> = {},
  ): TrackedNode => ({
    fqn,
    kind: 'step',
    identifier: 'x',
    name: 'x',
    type: 'Run',
    status,
    attempt: 1,
    ...extra,
  });

  function setup() {
    const logger = mockServices.logger.mock();
    const lines = () =>
      [...logger.info.mock.calls, ...logger.error.mock.calls].map(c => c[0]);
    return { logger, progress: new NodeProgress(logger), lines };
  }

  it('reports start and end once each, with status and duration', () => {
    const { logger, progress } = setup();
    progress.update([node('Queued')]);
    progress.update([node('Running', { startedAt: at(0) })]);
    progress.update([node('Running', { startedAt: at(0) })]);
    progress.update([node('Success', { startedAt: at(0), endedAt: at(3) })]);
    progress.update([node('Success', { startedAt: at(0), endedAt: at(3) })]);
    expect(logger.info.mock.calls.map(c => c[0])).toEqual([
      '▶ step s/x started (Run)',
      '✔ step s/x Success in 3s',
    ]);
  });

  it('reports failures as errors with the message, and retries as new attempts', () => {
    const { logger, progress } = setup();
    progress.update([
      node('Failed', {
        startedAt: at(0),
        endedAt: at(1),
        errorMessage: 'boom',
      }),
    ]);
    progress.update([node('Running', { attempt: 2 })]);
    progress.update([node('Success', { attempt: 2 })]);
    expect(logger.error.mock.calls.map(c => c[0])).toEqual([
      '✖ step s/x Failed in 1s: boom',
    ]);
    expect(logger.info.mock.calls.map(c => c[0])).toEqual([
      '▶ step s/x started (Run)',
      '↻ step s/x retrying (attempt 2)',
      '▶ step s/x started (Run)',
      '✔ step s/x Success',
    ]);
  });

  it('reports skipped nodes without a start', () => {
    const { logger, progress } = setup();
    progress.update([node('Skipped')]);
    expect(logger.info.mock.calls.map(c => c[0])).toEqual([
      '⏭ step s/x Skipped',
    ]);
  });

  it('announces a node at its first log line, and not again when it is read running', () => {
    const { logger, progress } = setup();
    progress.noteActivity(fqn);
    progress.noteActivity(fqn);
    progress.noteActivity('pipeline.stages.s');
    progress.update([node('Running')]);
    expect(logger.info.mock.calls.map(c => c[0])).toEqual([
      '▶ step s/x started',
      '▶ stage s started',
    ]);
  });
});
