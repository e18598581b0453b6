import {
  mockCredentials,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { NetworkPolicy } from '../../network';
import { createRegisterCatalogStep } from './registerCatalog';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import {
  componentYaml,
  startFileServer,
  startTestCatalog,
  type FileServer,
  type TestCatalog,
} from './__testUtils__/testCatalog';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const specFor = (repository: string, extra: Record<string, unknown> = {}) => ({
  connectorRef: 'account.gitconnector',
  organization: 'acme',
  repository,
  branch: 'main',
  filePath: 'catalog-info.yaml',
  ...extra,
});

describe.each(databases.eachSupportedId())(
  'RegisterCatalog on %p',
  (databaseId: TestDatabaseId) => {
    let files: FileServer;
    let catalog: TestCatalog;
    let step: ReturnType<typeof createRegisterCatalogStep>;

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      files = await startFileServer();
      catalog = await startTestCatalog(knex, files.host);
      step = createRegisterCatalogStep({
        ...catalog.services,
        config: new ConfigReader({
          pipelineEngine: {
            catalog: { registerTimeout: '20s' },
            // The local file server stands in for a git host.
            network: { allow: [files.host] },
          },
        }),
        resolveFileUrls: r => files.resolveFileUrls(r),
      });
    });

    afterAll(async () => {
      await catalog?.stop();
      await files?.close();
    });

    it('registers the file and returns at once; the entity appears on the catalog’s next pass', async () => {
      files.files.set(
        'acme/quick/main/catalog-info.yaml',
        componentYaml('quick'),
      );
      const result = await runMockStep(step, specFor('quick'));
      expect(result.error).toBeUndefined();
      expect(result.outputs).toEqual({
        catalogInfoUrl:
          'https://git.example.com/acme/quick/blob/main/catalog-info.yaml',
        entityRef: 'component:default/quick',
      });
      expect(result.logLines()).toContain(
        `info: registered ${files.url('acme/quick/main/catalog-info.yaml')}; the catalog makes component:default/quick readable on its next processing pass (waitForEntities: true waits for it)`,
      );
      const entity = await catalog.waitForEntity('component:default/quick');
      expect(entity.metadata.description).toBe('quick service');
    });

    it('with waitForEntities, returns once the entity is in the catalog', async () => {
      files.files.set(
        'acme/orders/main/catalog-info.yaml',
        componentYaml('orders'),
      );
      const result = await runMockStep(
        step,
        specFor('orders', { waitForEntities: true }),
      );
      expect(result.error).toBeUndefined();
      expect(result.outputs).toEqual({
        catalogInfoUrl:
          'https://git.example.com/acme/orders/blob/main/catalog-info.yaml',
        entityRef: 'component:default/orders',
      });
      // No waiting here: the step only returns once the catalog serves it.
      const entity = await catalog.entity('component:default/orders');
      expect(entity?.metadata.description).toBe('orders service');
      expect(
        entity?.metadata.annotations?.[
          'backstage.io/managed-by-origin-location'
        ],
      ).toBe(`url:${files.url('acme/orders/main/catalog-info.yaml')}`);
      expect(result.logLines()).toContain(
        `info: registering ${files.url('acme/orders/main/catalog-info.yaml')} in the catalog`,
      );
    });

    it('refreshes instead of failing when the location is registered again', async () => {
      files.files.set(
        'acme/orders/main/catalog-info.yaml',
        componentYaml('orders', { description: 'second version' }),
      );
      const result = await runMockStep(
        step,
        specFor('orders', { waitForEntities: 'true' }),
      );
      expect(result.error).toBeUndefined();
      expect(result.logLines()).toContain(
        `info: ${files.url('acme/orders/main/catalog-info.yaml')} is already registered; refreshing it`,
      );
      expect(
        (await catalog.entity('component:default/orders'))?.metadata
          .description,
      ).toBe('second version');
      const locations = await catalog.request('GET', '/locations');
      const targets = (
        locations.body as Array<{ data: { target: string } }>
      ).map(l => l.data.target);
      expect(
        targets.filter(t => t.endsWith('acme/orders/main/catalog-info.yaml')),
      ).toHaveLength(1);
    });

    it("fails with the catalog's processing errors for an invalid entity", async () => {
      files.files.set(
        'acme/broken/main/catalog-info.yaml',
        componentYaml('broken', {
          spec: '  owner: team-a\n  lifecycle: experimental\n',
        }),
      );
      const result = await runMockStep(step, specFor('broken'));
      expect(result.error?.message).toMatch(
        new RegExp(
          `^the catalog cannot process ${files.url('acme/broken/main/catalog-info.yaml').replace(/[.?]/g, '\\$&')}: InputError: .*must have required property 'type'`,
        ),
      );
      expect(await catalog.entity('component:default/broken')).toBeUndefined();
    });

    it("fails with the catalog's rule violations and unreadable files", async () => {
      files.files.set(
        'acme/people/main/catalog-info.yaml',
        'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: people\nspec:\n  type: team\n  children: []\n',
      );
      const rules = await runMockStep(step, specFor('people'));
      expect(rules.error?.message).toMatch(
        /^the catalog cannot process .*: .*group:default\/people.* is not of an allowed kind/,
      );

      const missing = await runMockStep(step, specFor('nothing-here'));
      expect(missing.error?.message).toMatch(
        /^the catalog cannot process .*nothing-here.*: .*NotFoundError/,
      );
    });

    it('refuses an entity another location already provides', async () => {
      files.files.set(
        'acme/first/main/catalog-info.yaml',
        componentYaml('shared'),
      );
      files.files.set(
        'acme/second/main/catalog-info.yaml',
        componentYaml('shared'),
      );
      expect(
        (await runMockStep(step, specFor('first', { waitForEntities: true })))
          .error,
      ).toBeUndefined();
      const result = await runMockStep(step, specFor('second'));
      expect(result.error?.message).toBe(
        `component:default/shared is already in the catalog, registered from url:${files.url('acme/first/main/catalog-info.yaml')}; unregister that location or give the entity another metadata.name`,
      );
    });

    it('uses xApiKey as the Backstage token, and needs its secret when it names one', async () => {
      files.files.set(
        'acme/keyed/main/catalog-info.yaml',
        componentYaml('keyed'),
      );
      const token = mockCredentials.user.token('user:default/ci');
      const result = await runMockStep(
        step,
        specFor('keyed', { xApiKey: token, waitForEntities: true }),
      );
      expect(result.error).toBeUndefined();
      expect(result.masked).toContain(token);
      expect(await catalog.entity('component:default/keyed')).toBeDefined();

      const viaSecret = await runMockStep(
        step,
        specFor('keyed', { xApiKey: 'account.ci_key' }),
        { secrets: { ci_key: token } },
      );
      expect(viaSecret.error).toBeUndefined();

      const unknown = await runMockStep(
        step,
        specFor('keyed', { xApiKey: 'account.nokey' }),
      );
      expect(unknown.error?.message).toBe(
        'secret "account.nokey" is not configured',
      );

      const invalid = await runMockStep(
        step,
        specFor('keyed', { xApiKey: mockCredentials.user.invalidToken() }),
      );
      expect(invalid.error?.message).toMatch(
        /^the catalog cannot process .*: AuthenticationError/,
      );
    });
  },
);

describe('RegisterCatalog without a real catalog', () => {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'slow' },
    spec: { type: 'service', owner: 'a', lifecycle: 'b' },
  };
  const resolveFileUrls = async () => ({
    blobUrl: 'https://git.example.com/b',
    rawUrl: 'https://git.example.com/r',
  });
  const auth = {
    getOwnServiceCredentials: async () => mockCredentials.service(),
  };

  function stepWith(catalog: Partial<CatalogService>, timeout = '1s') {
    return createRegisterCatalogStep({
      catalog: catalog as CatalogService,
      auth: auth as never,
      discovery: {
        getBaseUrl: async () => 'http://catalog',
        getExternalBaseUrl: async () => 'http://catalog',
      },
      config: new ConfigReader({
        pipelineEngine: { catalog: { registerTimeout: timeout } },
      }),
      resolveFileUrls,
      // git.example.com only stands for a git host here: no DNS is asked.
      network: new NetworkPolicy({
        allow: ['git.example.com'],
        lookup: async () => [{ address: '203.0.113.1', family: 4 }],
      }),
    });
  }

  it('gives up after registerTimeout when the entity never appears', async () => {
    const addLocation = jest.fn(async (request: { dryRun?: boolean }) => ({
      location: {
        id: '1',
        type: 'url',
        target: 'https://git.example.com/b',
        entityRef: 'location:default/x',
      },
      entities: request.dryRun ? [entity] : [],
      exists: false,
    }));
    const step = stepWith({
      addLocation,
      getEntityByRef: async () => undefined,
    });
    const started = Date.now();
    const result = await runMockStep(
      step,
      specFor('slow', { waitForEntities: true }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result.error?.message).toBe(
      "component:default/slow did not appear in the catalog within 1s after registering https://git.example.com/b; the catalog may be busy (raise pipelineEngine.catalog.registerTimeout) or its processing failed (see the catalog's logs)",
    );
    expect(addLocation).toHaveBeenCalledWith(
      {
        type: 'url',
        target: 'https://git.example.com/b',
        onConflict: 'refresh',
      },
      expect.anything(),
    );
  });

  it('reports processing errors from the entity status', async () => {
    const failing = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          'backstage.io/managed-by-origin-location':
            'url:https://git.example.com/b',
        },
      },
      status: {
        items: [
          {
            type: 'backstage.io/catalog-processing',
            level: 'error',
            message: 'InputError: Policy check failed',
          },
        ],
      },
    } as Entity;
    const step = stepWith({
      addLocation: async () => ({
        location: { id: '1', type: 'url', target: 't', entityRef: 'l' },
        entities: [entity],
        exists: false,
      }),
      getEntityByRef: async () => failing,
      refreshEntity: async () => {},
    });
    const result = await runMockStep(
      step,
      specFor('slow', { waitForEntities: true }),
    );
    expect(result.error?.message).toBe(
      'the catalog failed to process https://git.example.com/b:\n  - component:default/slow: InputError: Policy check failed',
    );
  });

  it('checks at execution start that the catalog may read the URL', async () => {
    const withReader = (error: Error) =>
      createRegisterCatalogStep({
        catalog: {} as CatalogService,
        auth: auth as never,
        discovery: {} as never,
        config: new ConfigReader({}),
        resolveFileUrls,
        network: new NetworkPolicy({
          allow: ['git.example.com'],
          lookup: async () => [{ address: '203.0.113.1', family: 4 }],
        }),
        urlReader: {
          readUrl: async () => {
            throw error;
          },
        } as never,
      });
    const spec = {
      connectorRef: 'c',
      repository: 'r',
      branch: 'main',
      filePath: 'catalog-info.yaml',
    };
    const step = { identifier: 'registercatalog', type: 'RegisterCatalog' };
    await expect(
      withReader(new NotAllowedError('Reading from x is not allowed'))
        .preflight!(spec, step),
    ).rejects.toThrow(
      "the catalog may not read https://git.example.com/b: no integration or URL reader covers git.example.com. Add it to backend.reading.allow (e.g. backend.reading.allow: [{host: 'git.example.com'}]) or configure an integration for it",
    );
    // Not found: a reader takes the URL; the file is pushed later.
    await expect(
      withReader(new NotFoundError('no such file')).preflight!(spec, step),
    ).resolves.toBeUndefined();
  });

  it('needs the repository coordinates', async () => {
    const result = await runMockStep(stepWith({}), {
      filePath: 'catalog-info.yaml',
      connectorRef: 'c',
      branch: 'main',
    });
    expect(result.error?.message).toBe(
      'spec.repository is required to locate catalog-info.yaml',
    );
  });
});
