import {
  mockCredentials,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import {
  DENIED_USER,
  startFileServer,
  startTestCatalog,
  type TestCatalog,
  type TestFileServer,
} from './__testUtils__/testCatalog';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const componentYaml = (tags: string[]) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
  description: the service
  tags: [${tags.join(', ')}]
  additionalInfo:
    team: core
spec:
  type: service
  owner: team-a
  lifecycle: experimental
`;

describe.each(databases.eachSupportedId())(
  'catalog module on %p',
  (databaseId: TestDatabaseId) => {
    let files: TestFileServer;
    let catalog: TestCatalog;

    const setProperties = (updates: unknown[], user?: string) =>
      catalog.request('POST', '/pipeline-engine/properties', {
        body: { updates },
        user,
      });

    beforeAll(async () => {
      const knex = await databases.init(databaseId);
      files = await startFileServer();
      files.files.set('catalog-info.yaml', componentYaml(['a']));
      catalog = await startTestCatalog(knex, files.host);
      const registered = await catalog.request('POST', '/locations', {
        body: { type: 'url', target: files.url('catalog-info.yaml') },
      });
      if (registered.status !== 201)
        throw new Error(
          `registration failed: ${JSON.stringify(registered.body)}`,
        );
      await catalog.waitForEntity('component', 'svc');
    });

    afterAll(async () => {
      await catalog?.stop();
      await files?.close();
    });

    it('replaces a property and the catalog serves it within seconds', async () => {
      const response = await setProperties([
        {
          entityRef: 'component:default/svc',
          property: '<+metadata.testCoverage>',
          value: 85,
        },
      ]);
      expect(response.status).toBe(200);
      expect(response.body.results).toEqual([
        {
          entityRef: 'component:default/svc',
          property: 'metadata.testCoverage',
          path: ['metadata', 'testCoverage'],
          mode: 'replace',
          expected: 85,
        },
      ]);
      const started = Date.now();
      await catalog.waitForEntity(
        'component',
        'svc',
        e => e.metadata.testCoverage === 85,
        10_000,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('appends to lists and maps, without duplicates, on several entities refs in one request', async () => {
      const response = await setProperties([
        {
          entityRef: 'svc',
          property: 'metadata.tags',
          value: ['b', 'a'],
          mode: 'append',
        },
        {
          entityRef: 'Component:default/SVC',
          property: 'metadata.tags',
          value: 'c',
          mode: 'append',
        },
        {
          entityRef: 'component:default/svc',
          property: 'metadata.additionalInfo',
          value: { onShorelead: true },
          mode: 'append',
        },
        {
          entityRef: 'component:default/svc',
          property: 'metadata.additionalInfo.region',
          value: 'eu',
        },
      ]);
      expect(response.status).toBe(200);
      expect(
        response.body.results.map((r: { expected: unknown }) => r.expected),
      ).toEqual([
        ['a', 'b', 'c'],
        ['a', 'b', 'c'],
        { team: 'core', onShorelead: true, region: 'eu' },
        'eu',
      ]);
      const entity = await catalog.waitForEntity(
        'component',
        'svc',
        e =>
          JSON.stringify(e.metadata.tags) === '["a","b","c"]' &&
          (e.metadata.additionalInfo as { region?: string })?.region === 'eu',
      );
      expect(entity.metadata.additionalInfo).toEqual({
        team: 'core',
        onShorelead: true,
        region: 'eu',
      });
      expect(entity.metadata.testCoverage).toBe(85);

      // Appending again what is already there changes nothing.
      const again = await setProperties([
        {
          entityRef: 'component:default/svc',
          property: 'metadata.tags',
          value: ['c'],
          mode: 'append',
        },
      ]);
      expect(again.body.results[0].expected).toEqual(['a', 'b', 'c']);
    });

    it('keeps appended values on top of the source when the source changes', async () => {
      files.files.set('catalog-info.yaml', componentYaml(['a', 'z']));
      await catalog.request('POST', '/refresh', {
        body: { entityRef: 'component:default/svc' },
      });
      const entity = await catalog.waitForEntity(
        'component',
        'svc',
        e => JSON.stringify(e.metadata.tags) === '["a","z","b","c"]',
      );
      expect(entity.metadata.testCoverage).toBe(85);
    });

    it('refuses to append to a scalar, naming the property, the entity and the fix', async () => {
      const response = await setProperties([
        {
          entityRef: 'component:default/svc',
          property: 'metadata.description',
          value: 'more',
          mode: 'append',
        },
      ]);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(
        'cannot append to metadata.description of component:default/svc: it holds a string ("the service"); append works only on lists and maps, use mode "replace" to overwrite it',
      );
    });

    it('reports unknown entities by name and stores nothing', async () => {
      const response = await setProperties([
        {
          entityRef: 'component:default/svc',
          property: 'metadata.neverStored',
          value: 1,
        },
        {
          entityRef: 'component:default/nope',
          property: 'metadata.testCoverage',
          value: 1,
        },
      ]);
      expect(response.status).toBe(404);
      expect(response.body.error.message).toBe(
        'entity "component:default/nope" not found in the catalog; check the entity ref (kind:namespace/name)',
      );
      const list = await catalog.request(
        'GET',
        '/pipeline-engine/properties?entityRef=component:default/svc',
      );
      expect(
        list.body.items.map((i: { property: string }) => i.property),
      ).not.toContain('metadata.neverStored');
    });

    it('denies principals without the permission', async () => {
      const response = await setProperties(
        [
          {
            entityRef: 'component:default/svc',
            property: 'metadata.testCoverage',
            value: 1,
          },
        ],
        DENIED_USER,
      );
      expect(response.status).toBe(403);
      expect(response.body.error.message).toBe(
        'not allowed to update properties of "component:default/svc": permission catalog.entity.property.update is denied',
      );
    });

    it('refuses changes the catalog would reject, and protected paths', async () => {
      const invalid = await setProperties([
        {
          entityRef: 'component:default/svc',
          property: 'spec.type',
          value: 42,
        },
      ]);
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.message).toMatch(
        /^the change would make component:default\/svc invalid, so the catalog would reject it: .*spec\/type must be string/,
      );
      const name = await setProperties([
        {
          entityRef: 'component:default/svc',
          property: 'metadata.name',
          value: 'other',
        },
      ]);
      expect(name.status).toBe(400);
      expect(name.body.error.message).toMatch(
        /metadata\.name identifies the entity/,
      );
      const bad = await catalog.request('POST', '/pipeline-engine/properties', {
        body: { nope: 1 },
      });
      expect(bad.status).toBe(400);
    });

    it('lists and removes overrides; the entity falls back to its source', async () => {
      const list = await catalog.request(
        'GET',
        '/pipeline-engine/properties?entityRef=svc',
      );
      expect(list.status).toBe(200);
      const coverage = list.body.items.find(
        (i: { property: string }) => i.property === 'metadata.testCoverage',
      );
      expect(coverage).toMatchObject({
        entityRef: 'component:default/svc',
        mode: 'replace',
        value: 85,
        updatedBy: 'user:default/jane',
      });
      expect(new Date(coverage.updatedAt).getTime()).toBeGreaterThan(
        Date.now() - 120_000,
      );

      const removed = await catalog.request(
        'DELETE',
        '/pipeline-engine/properties?entityRef=component:default/svc&property=metadata.testCoverage',
      );
      expect(removed.status).toBe(204);
      await catalog.waitForEntity(
        'component',
        'svc',
        e => e.metadata.testCoverage === undefined,
      );
      const again = await catalog.request(
        'DELETE',
        '/pipeline-engine/properties?entityRef=component:default/svc&property=metadata.testCoverage',
      );
      expect(again.status).toBe(404);
    });

    it('requires valid credentials', async () => {
      const response = await fetch(
        `${catalog.baseUrl}/pipeline-engine/properties`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: mockCredentials.user.invalidHeader(),
          },
          body: JSON.stringify({ updates: [] }),
        },
      );
      expect(response.status).toBe(401);
    });
  },
);
