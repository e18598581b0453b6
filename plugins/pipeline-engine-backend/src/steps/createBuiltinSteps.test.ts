import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { builtinStepDefinitions } from '@idp-pipelines/plugin-pipeline-engine-common';
import { createBuiltinSteps } from './createBuiltinSteps';

describe('createBuiltinSteps', () => {
  it('builds every handler from its one declaration in pipeline-engine-common', async () => {
    const { steps } = await createBuiltinSteps({
      config: mockServices.rootConfig({ data: {} }),
      discovery: mockServices.discovery(),
      auth: mockServices.auth(),
      catalog: catalogServiceMock(),
    });
    const declared = new Map(builtinStepDefinitions.map(d => [d.type, d]));
    for (const step of steps) {
      const definition = declared.get(step.type);
      expect(definition).toBeDefined();
      // The same schema object: no second, drifting copy in the handler.
      expect(step.spec).toBe(definition!.spec);
      // Besides the declaration, a handler adds only its run-time parts.
      expect({ ...step, handler: undefined, preflight: undefined }).toEqual({
        ...definition,
        handler: undefined,
        preflight: undefined,
      });
    }
    // Every declared type has a handler, except IdpAction (validated only).
    expect(steps.map(s => s.type).sort()).toEqual(
      builtinStepDefinitions
        .map(d => d.type)
        .filter(t => t !== 'IdpAction')
        .sort(),
    );
  });
});
