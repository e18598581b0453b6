import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { createPipelineEngineStores } from './createStores';
import { cacheSqliteStatements } from './sqliteStatementCache';

// better-sqlite3 ships no types; only its compile method is spied on here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database: {
  prototype: { prepare(sql: string): unknown };
} = require('better-sqlite3');

describe('cacheSqliteStatements', () => {
  let db: Knex;
  let compiled: jest.SpyInstance;

  beforeEach(async () => {
    // Spied before any connection exists, so every compile is seen.
    compiled = jest.spyOn(Database.prototype, 'prepare');
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await db.schema.createTable('items', table => {
      table.string('id').primary();
      table.integer('size');
    });
  });

  afterEach(async () => {
    await db.destroy();
    compiled.mockRestore();
  });

  const compilesOf = (sql: string) =>
    compiled.mock.calls.filter(([text]) => text === sql).length;

  it('compiles a repeated statement once, in and out of transactions', async () => {
    cacheSqliteStatements(db);
    const read = () => db('items').where({ id: 'a' }).first();
    const readSql = read().toSQL().sql;
    await db('items').insert({ id: 'a', size: 1 });
    expect(await read()).toEqual({ id: 'a', size: 1 });
    await db.transaction(async tx => {
      await tx('items').where({ id: 'a' }).update({ size: 2 });
      expect(await tx('items').where({ id: 'a' }).first()).toEqual({
        id: 'a',
        size: 2,
      });
    });
    expect(await read()).toEqual({ id: 'a', size: 2 });
    expect(compilesOf(readSql)).toBe(1);
  });

  it('compiles every query anew without it', async () => {
    const read = () => db('items').where({ id: 'a' }).first();
    await read();
    await read();
    expect(compilesOf(read().toSQL().sql)).toBe(2);
  });

  it('keeps a bounded number of statements, least recently used dropped', async () => {
    cacheSqliteStatements(db, 2);
    const byId = (id: string) => db('items').where({ id }).first();
    const bySize = (size: number) => db('items').where({ size }).first();
    const byBoth = () => db('items').where({ id: 'x', size: 1 }).first();
    await byId('a');
    await bySize(1);
    await byId('b'); // byId is now the most recently used
    await byBoth(); // drops bySize
    await byId('c');
    await bySize(2);
    expect(compilesOf(byId('a').toSQL().sql)).toBe(1);
    expect(compilesOf(bySize(1).toSQL().sql)).toBe(2);
  });
});

describe('the engine stores on SQLite', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('reuse compiled statements', async () => {
    const knex = await databases.init('SQLITE_3');
    const stores = await createPipelineEngineStores({
      database: mockServices.database({ knex }),
    });
    const compiled = jest.spyOn(Database.prototype, 'prepare');
    try {
      const key = {
        orgIdentifier: 'default',
        projectIdentifier: 'p',
        pipelineIdentifier: 'x',
      };
      for (let i = 0; i < 3; i++)
        await expect(stores.pipelines.get(key)).rejects.toThrow(/not found/i);
      expect(compiled).toHaveBeenCalledTimes(1);
    } finally {
      compiled.mockRestore();
    }
  });
});
