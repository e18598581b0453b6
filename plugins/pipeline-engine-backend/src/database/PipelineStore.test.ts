import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  createTestDatabases,
  initStores,
  PIPELINE,
  PIPELINE_YAML,
} from './__testUtils__/testDatabases';
import { NewPipeline } from './PipelineStore';

const databases = createTestDatabases();

const NEW_PIPELINE: NewPipeline = {
  orgIdentifier: PIPELINE.orgIdentifier,
  projectIdentifier: PIPELINE.projectIdentifier,
  identifier: PIPELINE.pipelineIdentifier,
  name: 'Create service',
  yaml: PIPELINE_YAML,
  tags: { team: 'platform' },
  createdBy: 'user:default/jane',
};

describe('PipelineStore', () => {
  it.each(databases.eachSupportedId())(
    'creates, reads and lists pipelines on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const created = await stores.pipelines.create(NEW_PIPELINE);
      expect(created).toMatchObject({
        identifier: 'create_service',
        name: 'Create service',
        version: 1,
        storeType: 'INLINE',
        tags: { team: 'platform' },
        yaml: PIPELINE_YAML,
        createdBy: 'user:default/jane',
      });
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
      expect(Math.abs(Date.parse(created.createdAt) - Date.now())).toBeLessThan(
        60_000,
      );
      expect(created.source).toBeUndefined();

      await expect(stores.pipelines.get(PIPELINE)).resolves.toEqual(created);

      await stores.pipelines.create({
        ...NEW_PIPELINE,
        identifier: 'remote_one',
        name: 'Remote 100%_done',
        storeType: 'REMOTE',
        source: { type: 'url', location: 'https://example.com/p.yaml' },
      });
      await stores.pipelines.create({
        ...NEW_PIPELINE,
        projectIdentifier: 'other',
      });

      const all = await stores.pipelines.list({
        orgIdentifier: 'default',
        projectIdentifier: 'platform',
      });
      expect(all.totalCount).toBe(2);
      expect(all.items.map(p => p.identifier).sort()).toEqual([
        'create_service',
        'remote_one',
      ]);
      const remote = all.items.find(p => p.identifier === 'remote_one');
      expect(remote?.source).toEqual({
        type: 'url',
        location: 'https://example.com/p.yaml',
      });

      // LIKE wildcards in the search text match literally.
      const searched = await stores.pipelines.list({
        orgIdentifier: 'default',
        projectIdentifier: 'platform',
        search: '100%_',
      });
      expect(searched.items.map(p => p.identifier)).toEqual(['remote_one']);
      const byIdentifier = await stores.pipelines.list({
        orgIdentifier: 'default',
        projectIdentifier: 'platform',
        search: 'CREATE',
      });
      expect(byIdentifier.items.map(p => p.identifier)).toEqual([
        'create_service',
      ]);

      const paged = await stores.pipelines.list({
        orgIdentifier: 'default',
        projectIdentifier: 'platform',
        limit: 1,
        offset: 1,
      });
      expect(paged.items).toHaveLength(1);
      expect(paged.totalCount).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects duplicate identifiers with a ConflictError on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      await stores.pipelines.create(NEW_PIPELINE);
      await expect(stores.pipelines.create(NEW_PIPELINE)).rejects.toThrow(
        ConflictError,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'increments the version on update and honours expectedVersion on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      await stores.pipelines.create(NEW_PIPELINE);

      const v2 = await stores.pipelines.update(
        PIPELINE,
        { name: 'Renamed', description: 'desc', yaml: `${PIPELINE_YAML}#2\n` },
        { updatedBy: 'user:default/joe', expectedVersion: 1 },
      );
      expect(v2).toMatchObject({
        version: 2,
        name: 'Renamed',
        description: 'desc',
        updatedBy: 'user:default/joe',
        createdBy: 'user:default/jane',
        tags: { team: 'platform' },
      });
      expect(v2.yaml.endsWith('#2\n')).toBe(true);

      const v3 = await stores.pipelines.update(PIPELINE, {
        description: null,
        storeType: 'REMOTE',
        source: { type: 'config', location: 'pipelines.create_service' },
      });
      expect(v3.version).toBe(3);
      expect(v3.description).toBeUndefined();
      expect(v3.storeType).toBe('REMOTE');

      // A writer that read version 2 loses against the write that made 3.
      await expect(
        stores.pipelines.update(
          PIPELINE,
          { name: 'Stale' },
          { expectedVersion: 2 },
        ),
      ).rejects.toThrow(ConflictError);
      expect((await stores.pipelines.get(PIPELINE)).name).toBe('Renamed');
    },
  );

  it.each(databases.eachSupportedId())(
    'lets exactly one of several concurrent updates at the same version win on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      await stores.pipelines.create(NEW_PIPELINE);
      const results = await Promise.allSettled(
        ['a', 'b', 'c', 'd'].map(name =>
          stores.pipelines.update(PIPELINE, { name }, { expectedVersion: 1 }),
        ),
      );
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      expect((await stores.pipelines.get(PIPELINE)).version).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'throws NotFoundError for missing pipelines on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const missing = { ...PIPELINE, pipelineIdentifier: 'nope' };
      await expect(stores.pipelines.get(missing)).rejects.toThrow(
        NotFoundError,
      );
      await expect(
        stores.pipelines.update(missing, { name: 'x' }),
      ).rejects.toThrow(NotFoundError);
      await expect(stores.pipelines.delete(missing)).rejects.toThrow(
        NotFoundError,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes a pipeline with its input sets and triggers but keeps executions on %p',
    async databaseId => {
      const { stores, knex } = await initStores(databases, databaseId);
      await stores.pipelines.create(NEW_PIPELINE);
      await stores.inputSets.create({
        ...PIPELINE,
        identifier: 'defaults',
        name: 'Defaults',
        yaml: 'inputSet: {}\n',
      });
      await stores.triggers.create({
        ...PIPELINE,
        identifier: 'on_push',
        name: 'On push',
        type: 'Webhook',
      });
      const execution = await stores.executions.enqueue({
        ...PIPELINE,
        pipelineVersion: 1,
        pipelineYaml: PIPELINE_YAML,
        triggeredBy: { identity: 'user:default/jane' },
        triggerType: 'MANUAL',
      });

      await stores.pipelines.delete(PIPELINE);
      await expect(stores.pipelines.get(PIPELINE)).rejects.toThrow(
        NotFoundError,
      );
      expect(Number((await knex('input_sets').count({ c: '*' }))[0].c)).toBe(0);
      expect(Number((await knex('triggers').count({ c: '*' }))[0].c)).toBe(0);
      await expect(stores.executions.get(execution.id)).resolves.toMatchObject({
        id: execution.id,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'validates input before touching the database on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      await expect(
        stores.pipelines.create({ ...NEW_PIPELINE, identifier: '1bad' }),
      ).rejects.toThrow(InputError);
      await expect(
        stores.pipelines.create({
          ...NEW_PIPELINE,
          identifier: 'x'.repeat(129),
        }),
      ).rejects.toThrow(InputError);
      await expect(
        stores.pipelines.create({ ...NEW_PIPELINE, name: ' ' }),
      ).rejects.toThrow(InputError);
      await expect(
        stores.pipelines.create({
          ...NEW_PIPELINE,
          storeType: 'GIT' as unknown as 'INLINE',
        }),
      ).rejects.toThrow(InputError);
      await expect(
        stores.pipelines.list({ ...PIPELINE, limit: 0 }),
      ).rejects.toThrow(InputError);
    },
  );
});
