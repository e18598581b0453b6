import { TestDatabaseId } from '@backstage/backend-test-utils';
import { createPipelineEngineStores } from './createStores';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  initStores,
  newExecution,
  PIPELINE,
  replicaClients,
} from './__testUtils__/testDatabases';

const databases = createTestDatabases();

const JANE = { identity: 'user:default/jane' };
const JOE = { identity: 'user:default/joe' };

async function executionCount(
  knex: Awaited<ReturnType<typeof initStores>>['knex'],
): Promise<number> {
  return Number((await knex('executions').count({ n: '*' }))[0].n);
}

describe('ExecutionStore.enqueue with an idempotency key', () => {
  it.each(databases.eachSupportedId())(
    'returns the first execution for a repeated key from the same caller and pipeline, on %p',
    async (databaseId: TestDatabaseId) => {
      const { knex, stores } = await initStores(databases, databaseId);
      const first = await stores.executions.enqueue(
        newExecution({ triggeredBy: JANE, idempotencyKey: 'k-1' }),
      );
      const again = await stores.executions.enqueue(
        newExecution({
          triggeredBy: JANE,
          idempotencyKey: 'k-1',
          inputs: { other: 'inputs' },
        }),
      );
      expect(again.id).toBe(first.id);
      expect(again.sequenceId).toBe(1);
      expect(
        await stores.executions.findByIdempotencyKey(
          PIPELINE,
          JANE.identity,
          'k-1',
        ),
      ).toEqual(expect.objectContaining({ id: first.id }));

      // Another caller, another pipeline, another key or no key: new executions.
      const joe = await stores.executions.enqueue(
        newExecution({ triggeredBy: JOE, idempotencyKey: 'k-1' }),
      );
      const otherPipeline = await stores.executions.enqueue(
        newExecution({
          pipelineIdentifier: 'other',
          triggeredBy: JANE,
          idempotencyKey: 'k-1',
        }),
      );
      const otherKey = await stores.executions.enqueue(
        newExecution({ triggeredBy: JANE, idempotencyKey: 'k-2' }),
      );
      const noKey1 = await stores.executions.enqueue(
        newExecution({ triggeredBy: JANE }),
      );
      const noKey2 = await stores.executions.enqueue(
        newExecution({ triggeredBy: JANE }),
      );
      const ids = new Set([
        first.id,
        joe.id,
        otherPipeline.id,
        otherKey.id,
        noKey1.id,
        noKey2.id,
      ]);
      expect(ids.size).toBe(6);
      expect(await executionCount(knex)).toBe(6);
      // The duplicate did not use up a sequence number.
      expect([joe, otherKey, noKey1, noKey2].map(e => e.sequenceId)).toEqual([
        2, 3, 4, 5,
      ]);
      expect(
        await stores.executions.findByIdempotencyKey(
          PIPELINE,
          JANE.identity,
          'nope',
        ),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'yields one execution for concurrent duplicates, on %p',
    async (databaseId: TestDatabaseId) => {
      const { knex } = await initStores(databases, databaseId);
      // Separate clients on PostgreSQL, standing in for replicas racing.
      const replicas = replicaClients(knex, 4);
      try {
        const stores = await Promise.all(
          replicas.clients.map(client =>
            createPipelineEngineStores({
              database: mockServices.database({ knex: client }),
            }),
          ),
        );
        const results = await Promise.all(
          stores.flatMap(s =>
            [1, 2].map(() =>
              s.executions.enqueue(
                newExecution({ triggeredBy: JANE, idempotencyKey: 'same' }),
              ),
            ),
          ),
        );
        expect(new Set(results.map(r => r.id)).size).toBe(1);
        expect(await executionCount(knex)).toBe(1);
      } finally {
        await replicas.destroy();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects a malformed key naming the header, on %p',
    async (databaseId: TestDatabaseId) => {
      const { stores } = await initStores(databases, databaseId);
      for (const key of ['', 'has space', 'x'.repeat(256), 'ünï']) {
        await expect(
          stores.executions.enqueue(newExecution({ idempotencyKey: key })),
        ).rejects.toThrow(
          /the Idempotency-Key header must be 1 to 255 visible ASCII characters/,
        );
      }
    },
  );
});
