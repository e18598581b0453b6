import { createServer } from 'node:http';
import {
  mockCredentials,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  createUpdateCatalogPropertyStep,
  updatesOf,
} from './updateCatalogProperty';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import {
  componentYaml,
  DENIED_USER,
  startFileServer,
  startTestCatalog,
  type FileServer,
  type TestCatalog,
} from './__testUtils__/testCatalog';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())(
  'UpdateCatalogProperty on %p',
  (databaseId: TestDatabaseId) => {
    let files: FileServer;
    let catalog: TestCatalog;
    let step: ReturnType<typeof createUpdateCatalogPropertyStep>;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      files = await startFileServer();
      catalog = await startTestCatalog(knex, files.host);
      step = createUpdateCatalogPropertyStep({
        ...catalog.services,
        config: new ConfigReader({
          pipelineEngine: { catalog: { propertyTimeout: '20s' } },
        }),
      });
      files.files.set(
        'all.yaml',
        ['alpha', 'beta', 'gamma', 'locked']
          .map(name => componentYaml(name))
          .join('---\n'),
      );
      const registered = await catalog.request('POST', '/locations', {
        type: 'url',
        target: files.url('all.yaml'),
      });
      if (registered.status !== 201)
        throw new Error(
          `registration failed: ${JSON.stringify(registered.body)}`,
        );
      for (const name of ['alpha', 'beta', 'gamma', 'locked']) {
        await catalog.waitForEntity(`component:default/${name}`);
      }
    });

    afterAll(async () => {
      await catalog?.stop();
      await files?.close();
    });

    it('sets one property of one entity; the catalog serves it when the step ends, and the execution soon after', async () => {
      const result = await runMockStep(step, {
        type: 'Entity',
        entityRef: 'component:default/alpha',
        property: '<+metadata.testCoverage>',
        value: 85,
      });
      expect(result.error).toBeUndefined();
      expect(
        (await catalog.entity('component:default/alpha'))?.metadata
          .testCoverage,
      ).toBe(85);
      expect(result.logLines()).toContain(
        'info: set metadata.testCoverage of component:default/alpha: 85',
      );

      const stored = await catalog.request(
        'GET',
        '/pipeline-engine/properties?entityRef=component:default/alpha',
      );
      expect(stored.body.items).toEqual([
        // The execution recorded for the entity's Pipelines tab.
        expect.objectContaining({
          property: 'metadata.annotations["idp-pipelines.io/execution"]',
          value: 'exec-1',
        }),
        expect.objectContaining({
          property: 'metadata.testCoverage',
          mode: 'replace',
          value: 85,
          updatedBy: 'user:default/jane',
        }),
      ]);
      // Bookkeeping the step does not wait for: the catalog shows it after
      // its next processing of the entity.
      let annotation: string | undefined;
      for (let look = 0; look < 200 && annotation !== 'exec-1'; look++) {
        annotation = (await catalog.entity('component:default/alpha'))?.metadata
          .annotations?.['idp-pipelines.io/execution'];
        if (annotation !== 'exec-1')
          await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect(annotation).toBe('exec-1');
    });

    it('sets a properties list with replace and append on one entity', async () => {
      const result = await runMockStep(step, {
        type: 'Entity',
        entityRef: 'alpha',
        properties: [
          { property: 'metadata.additionalInfo.onShorelead', value: true },
          {
            property: 'metadata.tags',
            value: ['python', 'java'],
            mode: 'append',
          },
          {
            property: 'metadata.links',
            value: [{ url: 'https://ci.example.com/alpha', title: 'CI' }],
            mode: 'append',
          },
        ],
      });
      expect(result.error).toBeUndefined();
      const entity = await catalog.entity('component:default/alpha');
      expect(entity?.metadata.additionalInfo).toEqual({ onShorelead: true });
      expect(entity?.metadata.tags).toEqual(['java', 'python']);
      expect(entity?.metadata.links).toEqual([
        { url: 'https://ci.example.com/alpha', title: 'CI' },
      ]);
      expect(entity?.metadata.testCoverage).toBe(85);
    });

    it('sets one property on several entities, with per-entity values and a default', async () => {
      const result = await runMockStep(step, {
        type: 'Property',
        property: 'metadata.releaseVersion',
        value: '1.5.0',
        entityRefs: [
          { entityRef: 'component:default/beta', value: '1.2.0' },
          { entityRef: 'component:default/gamma' },
        ],
      });
      expect(result.error).toBeUndefined();
      expect(
        (await catalog.entity('component:default/beta'))?.metadata
          .releaseVersion,
      ).toBe('1.2.0');
      expect(
        (await catalog.entity('component:default/gamma'))?.metadata
          .releaseVersion,
      ).toBe('1.5.0');

      const appended = await runMockStep(step, {
        type: 'Property',
        property: 'metadata.tags',
        mode: 'append',
        value: 'deployed',
        entityRefs: [
          { entityRef: 'component:default/beta' },
          { entityRef: 'component:default/gamma', value: ['deployed', 'eu'] },
        ],
      });
      expect(appended.error).toBeUndefined();
      expect(
        (await catalog.entity('component:default/beta'))?.metadata.tags,
      ).toEqual(['java', 'deployed']);
      expect(
        (await catalog.entity('component:default/gamma'))?.metadata.tags,
      ).toEqual(['java', 'deployed', 'eu']);
    });

    it('refuses to append to a scalar', async () => {
      const result = await runMockStep(step, {
        type: 'Entity',
        entityRef: 'component:default/beta',
        property: 'metadata.description',
        value: 'more',
        mode: 'append',
      });
      expect(result.error?.message).toBe(
        'the catalog refused the update: cannot append to metadata.description of component:default/beta: it holds a string ("beta service"); append works only on lists and maps, use mode "replace" to overwrite it',
      );
      expect(
        (await catalog.entity('component:default/beta'))?.metadata.description,
      ).toBe('beta service');
    });

    it('names an unknown entity, after waiting propertyTimeout for it to appear', async () => {
      const impatient = createUpdateCatalogPropertyStep({
        ...catalog.services,
        config: new ConfigReader({
          pipelineEngine: { catalog: { propertyTimeout: '1s' } },
        }),
      });
      const result = await runMockStep(impatient, {
        type: 'Property',
        property: 'metadata.releaseVersion',
        value: '1',
        entityRefs: [
          { entityRef: 'component:default/beta' },
          { entityRef: 'component:default/nope' },
        ],
      });
      expect(result.error?.message).toBe(
        'the catalog refused the update: entity "component:default/nope" not found in the catalog; check the entity ref (kind:namespace/name) (waited 1s for it to appear; pipelineEngine.catalog.propertyTimeout)',
      );
    });

    it('reports a denied permission, for the engine and for an API key', async () => {
      const locked = await runMockStep(step, {
        type: 'Entity',
        entityRef: 'component:default/locked',
        property: 'metadata.x',
        value: 1,
      });
      expect(locked.error?.message).toBe(
        'the catalog refused the update: not allowed to update properties of "component:default/locked": permission catalog.entity.property.update is denied',
      );

      const mallory = await runMockStep(step, {
        type: 'Entity',
        entityRef: 'component:default/gamma',
        property: 'metadata.x',
        value: 1,
        xApiKey: mockCredentials.user.token(DENIED_USER),
      });
      expect(mallory.error?.message).toBe(
        'the catalog refused the update: not allowed to update properties of "component:default/gamma": permission catalog.entity.property.update is denied',
      );
    });

    it("acts as the API key's user when xApiKey is given", async () => {
      const result = await runMockStep(
        step,
        {
          type: 'Entity',
          entityRef: 'component:default/gamma',
          property: 'spec.lifecycle',
          value: 'production',
          xApiKey: 'account.backstage_token',
        },
        {
          secrets: {
            backstage_token: mockCredentials.user.token('user:default/ci'),
          },
        },
      );
      expect(result.error).toBeUndefined();
      expect(
        (await catalog.entity('component:default/gamma'))?.spec?.lifecycle,
      ).toBe('production');
      const stored = await catalog.request(
        'GET',
        '/pipeline-engine/properties?entityRef=component:default/gamma',
      );
      expect(
        stored.body.items.find(
          (i: { property: string }) => i.property === 'spec.lifecycle',
        ).updatedBy,
      ).toBe('user:default/ci');
    });

    it('refuses values the catalog would reject', async () => {
      const result = await runMockStep(step, {
        type: 'Entity',
        entityRef: 'component:default/gamma',
        property: 'spec.owner',
        value: 7,
      });
      expect(result.error?.message).toMatch(
        /^the catalog refused the update: the change would make component:default\/gamma invalid, so the catalog would reject it: .*spec\/owner must be string/,
      );
    });
  },
);

describe('UpdateCatalogProperty spec', () => {
  test.each([
    [
      { type: 'Entity', property: 'metadata.a', value: 1 },
      'spec.entityRef is required to update a single entity',
    ],
    [
      { type: 'Entity', entityRef: 'a', value: 1 },
      'spec.property (e.g. metadata.testCoverage) or spec.properties is required',
    ],
    [
      { type: 'Entity', entityRef: 'a', property: 'metadata.a' },
      'spec.value is required to set metadata.a of a',
    ],
    [
      {
        type: 'Entity',
        entityRef: 'a',
        properties: [{ property: 'metadata.a' }],
      },
      'spec.properties[0] (metadata.a) has no value',
    ],
    [
      { type: 'Property', entityRefs: [{ entityRef: 'a' }] },
      'spec.property (e.g. metadata.testCoverage) is required to update several entities',
    ],
    [
      { type: 'Property', property: 'metadata.a', entityRefs: [] },
      'spec.entityRefs must list the entities to update',
    ],
    [
      {
        type: 'Property',
        property: 'metadata.a',
        entityRefs: [{ entityRef: 'a' }],
      },
      'spec.entityRefs[0] (a) has no value and spec.value gives no default',
    ],
    [
      { type: 'Bulk', property: 'metadata.a' },
      'spec.type "Bulk" is not Entity (one entity) or Property (one property of several entities)',
    ],
  ])('rejects %j', (spec, message) => {
    expect(() => updatesOf(spec as never)).toThrow(message);
  });

  it('reads entityRefs given as JSON text by an expression', () => {
    const step = createUpdateCatalogPropertyStep({
      catalog: {} as never,
      auth: {} as never,
      discovery: {} as never,
      config: new ConfigReader({}),
    });
    const parsed = step.spec.parse({
      type: 'Property',
      property: 'metadata.a',
      value: 1,
      entityRefs: '[{"entityRef": "x"}, {"entityRef": "y", "value": 2}]',
    });
    expect(updatesOf(parsed)).toEqual([
      { entityRef: 'x', property: 'metadata.a', value: 1, mode: 'replace' },
      { entityRef: 'y', property: 'metadata.a', value: 2, mode: 'replace' },
    ]);
    expect(step.spec.safeParse({ entityRefs: 'not json' }).success).toBe(false);
  });

  it('keeps Harness-wrapped paths and refuses other expressions in property names', () => {
    expect(
      updatesOf({
        type: 'Entity',
        entityRef: 'a',
        property: '<+metadata.testCoverage>',
        value: 1,
      }),
    ).toEqual([
      {
        entityRef: 'a',
        property: '<+metadata.testCoverage>',
        value: 1,
        mode: 'replace',
      },
    ]);
    expect(() =>
      updatesOf({
        type: 'Entity',
        entityRef: 'a',
        properties: [{ property: '<+pipeline.variables.p>', value: 1 }],
      }),
    ).toThrow(
      'spec.properties[0].property "<+pipeline.variables.p>" holds an expression; property names are paths such as metadata.testCoverage or <+metadata.testCoverage>, and expressions in them are not resolved',
    );
  });

  it('infers the form from entityRefs and defaults the mode', () => {
    expect(
      updatesOf({
        property: 'metadata.a',
        value: 1,
        entityRefs: [{ entityRef: 'x' }],
      }),
    ).toEqual([
      { entityRef: 'x', property: 'metadata.a', value: 1, mode: 'replace' },
    ]);
  });

  it('fails clearly when the catalog module is not installed', async () => {
    const server = createServer((_req, res) =>
      res.writeHead(404).end('Not Found'),
    );
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const step = createUpdateCatalogPropertyStep({
      catalog: {} as never,
      auth: {
        getOwnServiceCredentials: async () => mockCredentials.service(),
        getPluginRequestToken: async () => ({ token: 't' }),
      } as never,
      discovery: {
        getBaseUrl: async () => `http://127.0.0.1:${port}/api/catalog`,
        getExternalBaseUrl: async () => '',
      },
      config: new ConfigReader({}),
    });
    const result = await runMockStep(step, {
      type: 'Entity',
      entityRef: 'a',
      property: 'metadata.a',
      value: 1,
    });
    server.close();
    expect(result.error?.message).toBe(
      'the catalog has no /pipeline-engine/properties API (HTTP 404); add @idp-pipelines/plugin-catalog-backend-module-pipeline-engine to the backend',
    );
  });
});
