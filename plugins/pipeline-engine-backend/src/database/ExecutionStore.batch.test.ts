import { TestDatabaseId } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { LeaseLostError } from './dbErrors';
import { createAesGcmSecretCipher } from './secretCipher';
import { usesBetterSqlite } from './sqliteBatchWriter';
import { writeBatchWithKnex, type ExecutionWriteBatch } from './executionBatch';
import {
  createTestDatabases,
  initStores,
  newExecution,
  sleep,
} from './__testUtils__/testDatabases';
import { NodeExecutionInput } from './nodeExecutions';

const databases = createTestDatabases();

const OWNER = 'replica-a';
const SECRET = 'ghp_batchSecretTokenValue456';
const STAGE: NodeExecutionInput = {
  fqn: 'pipeline.stages.main',
  nodeType: 'stage',
  identifier: 'main',
  name: 'Main',
  status: 'Running',
};
const step = (
  i: number,
  status: NodeExecutionInput['status'],
): NodeExecutionInput => ({
  fqn: `pipeline.stages.main.spec.execution.steps.s${i}`,
  parentFqn: STAGE.fqn,
  nodeType: 'step',
  identifier: `s${i}`,
  name: `Step ${i}`,
  stepType: 'Wait',
  idempotent: true,
  status,
});

const cipher = createAesGcmSecretCipher(
  'a-long-random-key-only-for-the-batch-test',
);

type Writer = (batch: ExecutionWriteBatch) => Promise<{ lastLogSeq?: number }>;

// Each case runs through the store (the dialect's own writer: one statement
// on PostgreSQL, prepared statements on better-sqlite3) and through the
// portable Knex writer other drivers use.
const WRITERS = {
  store:
    (
      ctx: Awaited<ReturnType<typeof initStores>>,
      id: string,
      owner: string,
    ): Writer =>
    batch =>
      ctx.stores.executions.writeBatch(id, owner, batch),
  knex:
    (
      ctx: Awaited<ReturnType<typeof initStores>>,
      id: string,
      owner: string,
    ): Writer =>
    batch =>
      writeBatchWithKnex(ctx.knex, id, owner, batch, cipher),
};

async function runningExecution(
  databaseId: TestDatabaseId,
  writer: keyof typeof WRITERS,
) {
  const ctx = await initStores(databases, databaseId, { secretCipher: cipher });
  const { id } = await ctx.stores.executions.enqueue(newExecution());
  await ctx.stores.executions.claimNext(OWNER, 60_000);
  return {
    ...ctx,
    id,
    write: WRITERS[writer](ctx, id, OWNER),
    writeAs: (owner: string, execId = id) =>
      WRITERS[writer](ctx, execId, owner),
  };
}

const CASES = databases
  .eachSupportedId()
  .flatMap(([databaseId]) =>
    (Object.keys(WRITERS) as Array<keyof typeof WRITERS>).map(
      writer => [databaseId, writer] as const,
    ),
  );

describe('ExecutionStore.writeBatch (group commit)', () => {
  it.each(CASES)(
    'writes node states and log lines together on %p (%s writer)',
    async (databaseId, writer) => {
      const { stores, knex, id, write } = await runningExecution(
        databaseId,
        writer,
      );
      // SQLite takes the prepared-statement path; PostgreSQL the Knex one.
      expect(usesBetterSqlite(knex)).toBe(databaseId.startsWith('SQLITE'));

      const first = await write({
        nodes: [STAGE, step(1, 'Running'), step(2, 'Queued')],
        logs: [
          { nodeFqn: step(1, 'Running').fqn, stream: 'info', line: 'one' },
          { nodeFqn: step(1, 'Running').fqn, line: 'two\u0000' },
        ],
      });
      expect(first.lastLogSeq).toBe(2);
      await sleep(5);
      const second = await write({
        nodes: [
          {
            ...step(1, 'Success'),
            attempt: 2,
            outputs: { url: 'https://x' },
            secretOutputs: { token: SECRET },
          },
          {
            ...step(2, 'Failed'),
            errorMessage: 'boom\u0000',
            failureType: 'Unknown',
          },
        ],
        logs: [{ line: 'three' }],
      });
      expect(second.lastLogSeq).toBe(3);

      const nodes = Object.fromEntries(
        (await stores.executions.listNodes(id)).map(n => [n.identifier, n]),
      );
      expect(nodes.main).toMatchObject({
        status: 'Running',
        nodeType: 'stage',
        attempt: 1,
      });
      expect(nodes.main.endedAt).toBeUndefined();
      expect(nodes.s1).toMatchObject({
        status: 'Success',
        parentFqn: STAGE.fqn,
        stepType: 'Wait',
        idempotent: true,
        attempt: 2,
        outputs: { url: 'https://x' },
        secretOutputs: { token: { secret: true, value: SECRET } },
      });
      // started_at is kept from the first write; ended_at follows the status.
      expect(Date.parse(nodes.s1.startedAt!)).toBeLessThan(
        Date.parse(nodes.s1.endedAt!),
      );
      expect(nodes.s2).toMatchObject({
        status: 'Failed',
        errorMessage: 'boom\uFFFD',
        failureType: 'Unknown',
      });
      expect(nodes.s2.startedAt).toBeDefined();
      expect(nodes.s2.endedAt).toBe(nodes.s2.startedAt);

      const page = await stores.logs.read(id);
      expect(
        page.lines.map(l => [l.seq, l.nodeFqn ?? null, l.stream, l.line]),
      ).toEqual([
        [1, step(1, 'Running').fqn, 'info', 'one'],
        [2, step(1, 'Running').fqn, 'stdout', 'two\uFFFD'],
        [3, null, 'stdout', 'three'],
      ]);
      const rows = await knex('node_executions').select();
      expect(JSON.stringify(rows)).not.toContain(SECRET);
    },
  );

  it.each(CASES)(
    'writes nothing for a replica that lost the lease on %p (%s writer)',
    async (databaseId, writer) => {
      const { knex, id, write } = await runningExecution(databaseId, writer);
      await knex('executions')
        .where({ id })
        .update({ lease_owner: 'replica-b' });
      await expect(
        write({ nodes: [STAGE], logs: [{ line: 'lost' }] }),
      ).rejects.toThrow(LeaseLostError);
      await knex('executions')
        .where({ id })
        .update({ lease_owner: OWNER, status: 'Success' });
      await expect(write({ nodes: [STAGE], logs: [] })).rejects.toThrow(
        LeaseLostError,
      );
      expect(await knex('node_executions').where({ execution_id: id })).toEqual(
        [],
      );
      expect(await knex('execution_logs').where({ execution_id: id })).toEqual(
        [],
      );
      expect(
        Number(
          (await knex('executions').where({ id }).first('log_seq')).log_seq,
        ),
      ).toBe(0);
    },
  );

  it.each(CASES)(
    'rejects bad input and unknown executions, writing nothing, on %p (%s writer)',
    async (databaseId, writer) => {
      const { knex, id, write, writeAs } = await runningExecution(
        databaseId,
        writer,
      );
      await expect(
        write({
          nodes: [
            STAGE,
            { ...step(1, 'Running'), status: 'Done' as unknown as 'Running' },
          ],
          logs: [],
        }),
      ).rejects.toThrow(InputError);
      await expect(
        write({
          nodes: [STAGE],
          logs: [{ line: 'x', stream: 'tty' as unknown as 'stdout' }],
        }),
      ).rejects.toThrow(InputError);
      await expect(
        write({ nodes: [{ ...STAGE, attempt: 0 }], logs: [] }),
      ).rejects.toThrow(InputError);
      expect(await knex('node_executions').where({ execution_id: id })).toEqual(
        [],
      );
      expect(await knex('execution_logs').where({ execution_id: id })).toEqual(
        [],
      );
      await expect(
        writeAs(OWNER, randomUUID())({ nodes: [STAGE], logs: [] }),
      ).rejects.toThrow(NotFoundError);
      // An empty batch touches nothing.
      expect(await write({ nodes: [], logs: [] })).toEqual({});
    },
  );
});
