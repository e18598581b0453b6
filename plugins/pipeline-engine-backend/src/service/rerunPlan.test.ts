import type { NodeExecution, NodeStatus } from '../database';
import { decideRerun, frozenStageGroups, stageGroupsOf } from './rerunPlan';

const stage = (identifier: string, extra: Record<string, unknown> = {}) => ({
  stage: { identifier, name: identifier, type: 'Custom', ...extra },
});

/** a, then b and c in parallel, then d. */
const document = {
  pipeline: {
    identifier: 'p',
    stages: [stage('a'), { parallel: [stage('b'), stage('c')] }, stage('d')],
  },
};

const nodes = (statuses: Record<string, NodeStatus>) =>
  Object.entries(statuses).map(
    ([id, status]) =>
      ({
        fqn: `pipeline.stages.${id}`,
        parentFqn: 'pipeline',
        status,
      }) as NodeExecution,
  );

const decide = (
  fromStage: string | undefined,
  statuses: Record<string, NodeStatus>,
) =>
  decideRerun({
    next: stageGroupsOf(document),
    original: frozenStageGroups(JSON.stringify(document)),
    originalNodes: nodes(statuses),
    originalLabel: '#1',
    ...(fromStage !== undefined ? { fromStage } : {}),
  });

describe('decideRerun', () => {
  it('re-runs a parallel block as a whole', () => {
    const statuses = { a: 'Success', b: 'Success', c: 'Failed' } as const;
    expect(decide(undefined, statuses)).toEqual({
      fromStage: 'c',
      reusedStages: ['a'],
    });
    expect(decide('b', statuses)).toEqual({
      fromStage: 'b',
      reusedStages: ['a'],
    });
  });

  it('starts at the first stage that did not run', () => {
    expect(
      decide(undefined, { a: 'Success', b: 'Success', c: 'IgnoreFailed' }),
    ).toEqual({
      fromStage: 'd',
      reusedStages: ['a', 'b', 'c'],
    });
  });

  it('refuses to reuse a stage that did not run', () => {
    expect(() => decide('d', { a: 'Success', b: 'Success' })).toThrow(
      'stage "c" did not run in execution #1, so it cannot be reused; re-run from stage "c" or an earlier one',
    );
  });

  it('ignores key order but not values when comparing with a frozen YAML pipeline', () => {
    const yaml = `pipeline:
  identifier: p
  stages:
    - stage: {type: Custom, name: a, identifier: a}
    - parallel:
        - stage: {identifier: b, name: b, type: Custom}
        - stage: {identifier: c, name: c, type: Custom}
    - stage: {identifier: d, name: d, type: Custom}
`;
    const options = {
      next: stageGroupsOf(document),
      originalNodes: nodes({ a: 'Success', b: 'Success', c: 'Success' }),
      originalLabel: '#1',
      fromStage: 'd',
    };
    expect(
      decideRerun({ ...options, original: frozenStageGroups(yaml) })
        .reusedStages,
    ).toEqual(['a', 'b', 'c']);
    expect(() =>
      decideRerun({
        ...options,
        original: frozenStageGroups(yaml.replace('name: b', 'name: B')),
      }),
    ).toThrow('stage "b" changed since execution #1 ran');
  });
});
