import { TestDatabaseId } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  createTestDatabases,
  initStores,
  PIPELINE,
  PIPELINE_YAML,
} from './__testUtils__/testDatabases';

const databases = createTestDatabases();

async function setup(databaseId: TestDatabaseId) {
  const ctx = await initStores(databases, databaseId);
  await ctx.stores.pipelines.create({
    orgIdentifier: PIPELINE.orgIdentifier,
    projectIdentifier: PIPELINE.projectIdentifier,
    identifier: PIPELINE.pipelineIdentifier,
    name: 'Create service',
    yaml: PIPELINE_YAML,
  });
  return ctx;
}

const INPUT_SET_YAML = `inputSet:
  identifier: defaults
  pipeline:
    identifier: create_service
    variables:
      - name: region
        type: String
        value: eu-west-1
`;

describe('InputSetStore', () => {
  it.each(databases.eachSupportedId())(
    'creates, reads, lists, updates and deletes input sets on %p',
    async databaseId => {
      const { stores } = await setup(databaseId);
      const created = await stores.inputSets.create({
        ...PIPELINE,
        identifier: 'defaults',
        name: 'Defaults',
        tags: { env: 'prod' },
        yaml: INPUT_SET_YAML,
        createdBy: 'user:default/jane',
      });
      expect(created).toMatchObject({
        ...PIPELINE,
        identifier: 'defaults',
        version: 1,
        tags: { env: 'prod' },
        yaml: INPUT_SET_YAML,
      });
      await expect(stores.inputSets.get(PIPELINE, 'defaults')).resolves.toEqual(
        created,
      );

      await stores.inputSets.create({
        ...PIPELINE,
        identifier: 'canary',
        name: 'Canary',
        yaml: 'inputSet: {}\n',
      });
      const page = await stores.inputSets.list(PIPELINE);
      expect(page.totalCount).toBe(2);
      expect(page.items.map(i => i.identifier)).toEqual(['canary', 'defaults']);

      await expect(
        stores.inputSets.getMany(PIPELINE, ['defaults', 'canary']),
      ).resolves.toMatchObject([
        { identifier: 'defaults' },
        { identifier: 'canary' },
      ]);
      await expect(
        stores.inputSets.getMany(PIPELINE, ['defaults', 'gone', 'lost']),
      ).rejects.toThrow(/gone, lost/);

      const updated = await stores.inputSets.update(
        PIPELINE,
        'defaults',
        { name: 'Prod defaults' },
        { expectedVersion: 1, updatedBy: 'user:default/joe' },
      );
      expect(updated).toMatchObject({
        version: 2,
        name: 'Prod defaults',
        updatedBy: 'user:default/joe',
      });
      await expect(
        stores.inputSets.update(
          PIPELINE,
          'defaults',
          { name: 'x' },
          {
            expectedVersion: 1,
          },
        ),
      ).rejects.toThrow(ConflictError);

      await stores.inputSets.delete(PIPELINE, 'defaults');
      await expect(stores.inputSets.get(PIPELINE, 'defaults')).rejects.toThrow(
        NotFoundError,
      );
      await expect(
        stores.inputSets.delete(PIPELINE, 'defaults'),
      ).rejects.toThrow(NotFoundError);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects duplicates, missing pipelines and bad input on %p',
    async databaseId => {
      const { stores } = await setup(databaseId);
      const input = {
        ...PIPELINE,
        identifier: 'defaults',
        name: 'Defaults',
        yaml: INPUT_SET_YAML,
      };
      await stores.inputSets.create(input);
      await expect(stores.inputSets.create(input)).rejects.toThrow(
        ConflictError,
      );
      await expect(
        stores.inputSets.create({ ...input, pipelineIdentifier: 'missing' }),
      ).rejects.toThrow(NotFoundError);
      await expect(
        stores.inputSets.create({ ...input, identifier: 'has-dash' }),
      ).rejects.toThrow(InputError);
      await expect(
        stores.inputSets.update(PIPELINE, 'missing', { name: 'x' }),
      ).rejects.toThrow(NotFoundError);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the same identifier apart across pipelines on %p',
    async databaseId => {
      const { stores } = await setup(databaseId);
      await stores.pipelines.create({
        orgIdentifier: PIPELINE.orgIdentifier,
        projectIdentifier: PIPELINE.projectIdentifier,
        identifier: 'other',
        name: 'Other',
        yaml: PIPELINE_YAML,
      });
      const other = { ...PIPELINE, pipelineIdentifier: 'other' };
      await stores.inputSets.create({
        ...PIPELINE,
        identifier: 'defaults',
        name: 'A',
        yaml: 'a: 1\n',
      });
      await stores.inputSets.create({
        ...other,
        identifier: 'defaults',
        name: 'B',
        yaml: 'b: 1\n',
      });
      expect((await stores.inputSets.get(other, 'defaults')).name).toBe('B');
      expect((await stores.inputSets.list(PIPELINE)).totalCount).toBe(1);
    },
  );
});
