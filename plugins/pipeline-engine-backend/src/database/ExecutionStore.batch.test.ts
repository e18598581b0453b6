import { TestDatabaseId } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { LeaseLostError } from './dbErrors';
import { createAesGcmSecretCipher } from './secretCipher';
import { usesBetterSqlite } from './sqliteBatchWriter';
import { createTestDatabases, initStores, newExecution, sleep } from './__testUtils__/testDatabases';
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
const step = (i: number, status: NodeExecutionInput['status']): NodeExecutionInput => ({
  fqn: `pipeline.stages.main.spec.execution.steps.s${i}`,
  parentFqn: STAGE.fqn,
  nodeType: 'step',
  identifier: `s${i}`,
  name: `Step ${i}`,
  stepType: 'Wait',
  idempotent: true,
  status,
});

async function runningExecution(databaseId: TestDatabaseId) {
  const ctx = await initStores(databases, databaseId, {
    secretCipher: createAesGcmSecretCipher('a-long-random-key-only-for-the-batch-test'),
  });
  const { id } = await ctx.stores.executions.enqueue(newExecution());
  await ctx.stores.executions.claimNext(OWNER, 60_000);
  return { ...ctx, id };
}

describe('ExecutionStore.writeBatch (group commit)', () => {
  it.each(databases.eachSupportedId())('writes node states and log lines together on %p', async databaseId => {
    const { stores, knex, id } = await runningExecution(databaseId);
    // SQLite takes the prepared-statement path; PostgreSQL the Knex one.
    expect(usesBetterSqlite(knex)).toBe(databaseId.startsWith('SQLITE'));

    const first = await stores.executions.writeBatch(id, OWNER, {
      nodes: [STAGE, step(1, 'Running'), step(2, 'Queued')],
      logs: [
        { nodeFqn: step(1, 'Running').fqn, stream: 'info', line: 'one' },
        { nodeFqn: step(1, 'Running').fqn, line: 'two\u0000' },
      ],
    });
    expect(first.lastLogSeq).toBe(2);
    await sleep(5);
    const second = await stores.executions.writeBatch(id, OWNER, {
      nodes: [
        { ...step(1, 'Success'), attempt: 2, outputs: { url: 'https://x' }, secretOutputs: { token: SECRET } },
        { ...step(2, 'Failed'), errorMessage: 'boom', failureType: 'Unknown' },
      ],
      logs: [{ line: 'three' }],
    });
    expect(second.lastLogSeq).toBe(3);

    const nodes = Object.fromEntries((await stores.executions.listNodes(id)).map(n => [n.identifier, n]));
    expect(nodes.main).toMatchObject({ status: 'Running', nodeType: 'stage', attempt: 1 });
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
    expect(Date.parse(nodes.s1.startedAt!)).toBeLessThan(Date.parse(nodes.s1.endedAt!));
    expect(nodes.s2).toMatchObject({ status: 'Failed', errorMessage: 'boom', failureType: 'Unknown' });
    expect(nodes.s2.startedAt).toBeDefined();
    expect(nodes.s2.endedAt).toBe(nodes.s2.startedAt);

    const page = await stores.logs.read(id);
    expect(page.lines.map(l => [l.seq, l.nodeFqn ?? null, l.stream, l.line])).toEqual([
      [1, step(1, 'Running').fqn, 'info', 'one'],
      [2, step(1, 'Running').fqn, 'stdout', 'two\uFFFD'],
      [3, null, 'stdout', 'three'],
    ]);
    const rows = await knex('node_executions').select();
    expect(JSON.stringify(rows)).not.toContain(SECRET);
  });

  it.each(databases.eachSupportedId())('writes nothing for a replica that lost the lease on %p', async databaseId => {
    const { stores, knex, id } = await runningExecution(databaseId);
    await knex('executions').where({ id }).update({ lease_owner: 'replica-b' });
    await expect(
      stores.executions.writeBatch(id, OWNER, { nodes: [STAGE], logs: [{ line: 'lost' }] }),
    ).rejects.toThrow(LeaseLostError);
    expect(await knex('node_executions').where({ execution_id: id })).toEqual([]);
    expect(await knex('execution_logs').where({ execution_id: id })).toEqual([]);
    expect(Number((await knex('executions').where({ id }).first('log_seq')).log_seq)).toBe(0);
  });

  it.each(databases.eachSupportedId())('rejects bad input and unknown executions, writing nothing, on %p', async databaseId => {
    const { stores, knex, id } = await runningExecution(databaseId);
    await expect(
      stores.executions.writeBatch(id, OWNER, {
        nodes: [STAGE, { ...step(1, 'Running'), status: 'Done' as unknown as 'Running' }],
        logs: [],
      }),
    ).rejects.toThrow(InputError);
    await expect(
      stores.executions.writeBatch(id, OWNER, { nodes: [STAGE], logs: [{ line: 'x', stream: 'tty' as unknown as 'stdout' }] }),
    ).rejects.toThrow(InputError);
    await expect(
      stores.executions.writeBatch(id, OWNER, { nodes: [{ ...STAGE, attempt: 0 }], logs: [] }),
    ).rejects.toThrow(InputError);
    expect(await knex('node_executions').where({ execution_id: id })).toEqual([]);
    await expect(
      stores.executions.writeBatch(randomUUID(), OWNER, { nodes: [STAGE], logs: [] }),
    ).rejects.toThrow(NotFoundError);
    // An empty batch touches nothing.
    expect(await stores.executions.writeBatch(id, OWNER, { nodes: [], logs: [] })).toEqual({});
  });
});
