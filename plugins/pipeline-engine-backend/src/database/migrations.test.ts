import { mockServices } from '@backstage/backend-test-utils';
import { applyMigrations, MIGRATIONS_DIRECTORY } from './migrations';
import { PipelineStore } from './PipelineStore';
import { createTestDatabases } from './__testUtils__/testDatabases';

const databases = createTestDatabases();

const TABLES = [
  'pipelines',
  'input_sets',
  'triggers',
  'execution_sequences',
  'executions',
  'node_executions',
  'execution_logs',
  'execution_config_overrides',
  'step_processes',
];

async function existingTables(knex: import('knex').Knex) {
  const present = await Promise.all(TABLES.map(t => knex.schema.hasTable(t)));
  return TABLES.filter((_, i) => present[i]);
}

describe('migrations', () => {
  it.each(databases.eachSupportedId())(
    'migrates up, down and up again on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      expect(await existingTables(knex)).toEqual(TABLES);

      await knex.migrate.rollback({ directory: MIGRATIONS_DIRECTORY }, true);
      expect(await existingTables(knex)).toEqual([]);

      await knex.migrate.latest({ directory: MIGRATIONS_DIRECTORY });
      expect(await existingTables(knex)).toEqual(TABLES);
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates once even when many stores start together on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database({ knex });
      await Promise.all(
        Array.from({ length: 5 }, () => PipelineStore.create({ database })),
      );
      await applyMigrations(knex);
      const [, pending] = await knex.migrate.list({
        directory: MIGRATIONS_DIRECTORY,
      });
      expect(pending).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'leaves the schema alone when migrations are skipped on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await PipelineStore.create({
        database: mockServices.database({ knex, migrations: { skip: true } }),
      });
      expect(await existingTables(knex)).toEqual([]);
    },
  );
});
