import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { dbNowPlus } from './dbClock';
import { deleteExpiredExecutions } from './executionRetention';
import {
  createTestDatabases,
  initStores,
  newExecution,
} from './__testUtils__/testDatabases';
import type { PipelineEngineStores } from './createStores';

const databases = createTestDatabases();
const OWNER = 'replica-a';
const DAY_MS = 24 * 60 * 60 * 1000;

/** Moves an execution's timestamps `days` into the past. */
async function age(knex: Knex, id: string, days: number) {
  await knex('executions')
    .where({ id })
    .update({ created_at: dbNowPlus(knex, -days * DAY_MS) });
  await knex('executions')
    .where({ id })
    .whereNotNull('ended_at')
    .update({ ended_at: dbNowPlus(knex, -days * DAY_MS) });
}

/** A claimed execution with one node and one log line, ended with `status` unless null. */
async function execution(
  stores: PipelineEngineStores,
  status: 'Success' | 'Failed' | null,
): Promise<string> {
  const { id } = await stores.executions.enqueue(newExecution());
  const claimed = await stores.executions.claimNext(OWNER, 60_000);
  expect(claimed?.id).toBe(id);
  await stores.executions.upsertNode(id, OWNER, {
    fqn: 'pipeline.stages.main',
    nodeType: 'stage',
    identifier: 'main',
    name: 'Main',
    status: 'Running',
  });
  await stores.logs.append(id, 'pipeline.stages.main', [
    { line: `line of ${id}` },
  ]);
  if (status) await stores.executions.complete(id, OWNER, status);
  return id;
}

async function rowCounts(knex: Knex, id: string) {
  const count = async (table: string, column: string) =>
    Number((await knex(table).where(column, id).count({ n: '*' }))[0].n);
  return {
    executions: await count('executions', 'id'),
    nodes: await count('node_executions', 'execution_id'),
    logs: await count('execution_logs', 'execution_id'),
  };
}

const GONE = { executions: 0, nodes: 0, logs: 0 };
const KEPT = { executions: 1, nodes: 1, logs: 1 };

describe('deleteExpiredExecutions', () => {
  it.each(databases.eachSupportedId())(
    'deletes ended executions older than the cutoff with their nodes and logs, on %p',
    async (databaseId: TestDatabaseId) => {
      const { knex, stores } = await initStores(databases, databaseId);
      const oldSuccess = await execution(stores, 'Success');
      await age(knex, oldSuccess, 100);
      const oldFailure = await execution(stores, 'Failed');
      await age(knex, oldFailure, 91);
      const recent = await execution(stores, 'Success');
      await age(knex, recent, 89);
      const oldRunning = await execution(stores, null);
      await age(knex, oldRunning, 200);
      const { id: oldQueued } = await stores.executions.enqueue(newExecution());
      await age(knex, oldQueued, 200);

      expect(
        await deleteExpiredExecutions(knex, { retentionDays: 90 }),
      ).toEqual({ deleted: 2, batches: 1 });

      expect(await rowCounts(knex, oldSuccess)).toEqual(GONE);
      expect(await rowCounts(knex, oldFailure)).toEqual(GONE);
      expect(await rowCounts(knex, recent)).toEqual(KEPT);
      // A running execution older than the cutoff is kept, and so is a queued one.
      expect(await rowCounts(knex, oldRunning)).toEqual(KEPT);
      expect((await stores.executions.get(oldQueued)).status).toBe('Queued');
      // A second pass finds nothing more.
      expect(
        (await deleteExpiredExecutions(knex, { retentionDays: 90 })).deleted,
      ).toBe(0);
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes in batches of batchSize executions, one transaction each, on %p',
    async (databaseId: TestDatabaseId) => {
      const { knex, stores } = await initStores(databases, databaseId);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const id = await execution(stores, 'Success');
        await age(knex, id, 30);
        ids.push(id);
      }
      // 3 + 3 + 1: the short batch ends the loop.
      expect(
        await deleteExpiredExecutions(knex, { retentionDays: 7, batchSize: 3 }),
      ).toEqual({ deleted: 7, batches: 3 });
      for (const id of ids) expect(await rowCounts(knex, id)).toEqual(GONE);
    },
  );

  it.each(databases.eachSupportedId())(
    'deletes nothing when retention is disabled (0 days), on %p',
    async (databaseId: TestDatabaseId) => {
      const { knex, stores } = await initStores(databases, databaseId);
      const id = await execution(stores, 'Success');
      await age(knex, id, 1000);
      expect(await deleteExpiredExecutions(knex, { retentionDays: 0 })).toEqual(
        { deleted: 0, batches: 0 },
      );
      expect(await rowCounts(knex, id)).toEqual(KEPT);
    },
  );
});
