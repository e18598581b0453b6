import { InputError } from '@backstage/errors';
import { createTestDatabases, initStores } from './__testUtils__/testDatabases';

const databases = createTestDatabases();

describe('ExecutionConfigStore', () => {
  it.each(databases.eachSupportedId())(
    'sets, lists and resets overrides per infra on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const config = stores.executionConfig;
      await expect(config.list('K8')).resolves.toEqual([]);

      const afterSet = await config.upsert(
        'K8',
        [
          { field: 'gitCloneTag', value: 'harness/drone-git:1.6.0' },
          { field: 'addonTag', value: 'harness/ci-addon:1.16.0' },
        ],
        'user:default/jane',
      );
      expect(afterSet.map(o => [o.field, o.value, o.updatedBy])).toEqual([
        ['addonTag', 'harness/ci-addon:1.16.0', 'user:default/jane'],
        ['gitCloneTag', 'harness/drone-git:1.6.0', 'user:default/jane'],
      ]);
      expect(Date.parse(afterSet[0].updatedAt)).not.toBeNaN();

      await config.upsert('VM', [{ field: 'gitCloneTag', value: 'vm:1' }]);
      const overwritten = await config.upsert('K8', [
        { field: 'gitCloneTag', value: 'harness/drone-git:1.7.0' },
      ]);
      expect(overwritten.map(o => [o.field, o.value])).toEqual([
        ['addonTag', 'harness/ci-addon:1.16.0'],
        ['gitCloneTag', 'harness/drone-git:1.7.0'],
      ]);

      await expect(config.reset('K8', ['addonTag', 'unknown'])).resolves.toBe(
        1,
      );
      await expect(config.reset('K8', [])).resolves.toBe(0);
      expect((await config.list('K8')).map(o => o.field)).toEqual([
        'gitCloneTag',
      ]);
      await expect(config.reset('K8')).resolves.toBe(1);
      await expect(config.list('K8')).resolves.toEqual([]);
      expect(await config.list('VM')).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects unknown infras and bad fields on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const config = stores.executionConfig;
      await expect(config.list('ECS' as unknown as 'K8')).rejects.toThrow(
        InputError,
      );
      await expect(
        config.upsert('K8', [{ field: 'bad field', value: 'x' }]),
      ).rejects.toThrow(InputError);
      await expect(
        config.upsert('K8', [{ field: 'ok', value: 1 as unknown as string }]),
      ).rejects.toThrow(InputError);
    },
  );
});
