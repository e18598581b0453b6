import { catalogEntityProblem } from './entityRules';

const component = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

describe('catalogEntityProblem', () => {
  it('accepts what the catalog accepts', async () => {
    await expect(catalogEntityProblem(component)).resolves.toBeUndefined();
    // Kinds without a built-in validator are checked by the policies only.
    await expect(
      catalogEntityProblem({
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
        spec: { anything: 1 },
      }),
    ).resolves.toBeUndefined();
  });

  it('names what the catalog would reject', async () => {
    const { type, ...spec } = component.spec;
    expect(type).toBe('service');
    await expect(catalogEntityProblem({ ...component, spec })).resolves.toMatch(
      /type/,
    );
    await expect(
      catalogEntityProblem({
        ...component,
        metadata: { name: 'not a valid name!' },
      }),
    ).resolves.toMatch(/metadata\.name/);
    await expect(
      catalogEntityProblem({ ...component, extra: true } as typeof component),
    ).resolves.toMatch(/extra/);
  });
});
