import { node } from '../../testUtils/mockApi';
import { applyNodeEvents } from './applyNodeEvents';

const STAGE = 'pipeline.stages.s';

describe('applyNodeEvents', () => {
  const tree = [
    node({
      fqn: STAGE,
      nodeType: 'stage',
      status: 'Running',
      children: [
        node({ fqn: `${STAGE}.steps.a`, parentFqn: STAGE, status: 'Running' }),
      ],
    }),
    node({ fqn: 'pipeline.stages.t', nodeType: 'stage', status: 'Running' }),
  ];

  it('updates a known node and keeps its children and untouched subtrees', () => {
    const { children: _c, ...stage } = tree[0];
    const next = applyNodeEvents(tree, [{ ...stage, status: 'Success' }]);
    expect(next[0].status).toBe('Success');
    expect(next[0].children).toBe(tree[0].children);
    expect(next[1]).toBe(tree[1]);
  });

  it('appends new nodes under their parents, a new parent with its new children', () => {
    const { children: _c, ...group } = node({
      fqn: `${STAGE}.steps.g`,
      parentFqn: STAGE,
      nodeType: 'stepGroup',
    });
    const { children: _d, ...inner } = node({
      fqn: `${STAGE}.steps.g.steps.x`,
      parentFqn: `${STAGE}.steps.g`,
    });
    const next = applyNodeEvents(tree, [group, inner]);
    expect(next[0].children.map(child => child.fqn)).toEqual([
      `${STAGE}.steps.a`,
      `${STAGE}.steps.g`,
    ]);
    expect(next[0].children[1].children.map(child => child.fqn)).toEqual([
      `${STAGE}.steps.g.steps.x`,
    ]);
    expect(next[1]).toBe(tree[1]);
  });

  it('returns the same tree when nothing changed', () => {
    expect(applyNodeEvents(tree, [])).toBe(tree);
  });
});
