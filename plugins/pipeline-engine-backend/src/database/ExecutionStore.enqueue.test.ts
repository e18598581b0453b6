import { randomUUID } from 'node:crypto';
import { ConflictError } from '@backstage/errors';
import {
  createTestDatabases,
  initStores,
  newExecution,
} from './__testUtils__/testDatabases';

const databases = createTestDatabases();

jest.setTimeout(60_000);

describe('ExecutionStore.enqueue under a burst', () => {
  it.each(databases.eachSupportedId())(
    'writes concurrent enqueues together, numbered per pipeline without gaps, on %p',
    async databaseId => {
      const { knex, stores } = await initStores(databases, databaseId);
      const statements: string[] = [];
      const onQuery = (query: { sql: string }) => statements.push(query.sql);
      knex.on('query', onQuery);
      const other = { pipelineIdentifier: 'other_pipeline' };
      const executions = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          stores.executions.enqueue(newExecution(i % 3 === 0 ? other : {})),
        ),
      );
      // One write for the whole burst (at most a second one for stragglers), not 60.
      knex.off('query', onQuery);
      const inserts = statements.filter(sql =>
        /^insert into .executions./i.test(sql),
      );
      expect(inserts.length).toBeGreaterThan(0);
      expect(inserts.length).toBeLessThanOrEqual(2);
      const numbers = (pipeline: string) =>
        executions
          .filter(e => e.pipelineIdentifier === pipeline)
          .map(e => e.sequenceId)
          .sort((a, b) => a - b);
      expect(numbers('other_pipeline')).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(numbers('create_service')).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      for (const execution of executions) {
        expect(await stores.executions.get(execution.id)).toMatchObject({
          status: 'Queued',
          sequenceId: execution.sequenceId,
        });
      }
      // Later enqueues continue the numbering.
      await expect(
        stores.executions.enqueue(newExecution(other)),
      ).resolves.toMatchObject({ sequenceId: 21 });
    },
  );

  it.each(databases.eachSupportedId())(
    'fails only the execution whose id is taken when a burst contains one, on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const taken = await stores.executions.enqueue(newExecution());
      const results = await Promise.allSettled([
        stores.executions.enqueue(newExecution({ id: randomUUID() })),
        stores.executions.enqueue(newExecution({ id: taken.id })),
        stores.executions.enqueue(newExecution()),
      ]);
      expect(results.map(r => r.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
      ]);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(
        ConflictError,
      );
      const stored = await stores.executions.list({
        orgIdentifier: 'default',
        projectIdentifier: 'platform',
      });
      expect(stored.totalCount).toBe(3);
    },
  );
});
