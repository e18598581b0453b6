import {
  createTestDatabases,
  postgresExpected,
  TEST_DATABASE_IDS,
} from './__testUtils__/testDatabases';

const databases = createTestDatabases();

describe('test database setup', () => {
  // A PostgreSQL run that is silently skipped would hide every bug in the
  // locking code, so expecting PostgreSQL and not getting it is a failure.
  it('runs on PostgreSQL whenever it is configured or CI is set', async () => {
    const ids = databases.eachSupportedId().map(([id]) => id);
    expect(ids).toContain('SQLITE_3');
    if (!postgresExpected()) {
      return;
    }
    expect(ids).toContain('POSTGRES_15');
    const knex = await databases.init('POSTGRES_15');
    const result = await knex.raw('SELECT version() AS version');
    expect(result.rows[0].version).toMatch(/^PostgreSQL 15\./);
  });

  it('lists the engines the other tests use', () => {
    expect(TEST_DATABASE_IDS).toEqual(['POSTGRES_15', 'SQLITE_3']);
  });
});
