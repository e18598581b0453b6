import { TestDatabaseId } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { ExecutionStore } from './ExecutionStore';
import { createAesGcmSecretCipher } from './secretCipher';
import { LogStore } from './LogStore';
import {
  createTestDatabases,
  initStores,
  newExecution,
  replicaClients,
  sleep,
} from './__testUtils__/testDatabases';
import { NodeExecutionInput } from './nodeExecutions';

const databases = createTestDatabases();

const OWNER = 'replica-a';
const SECRET = 'ghp_superSecretTokenValue123';

const STAGE: NodeExecutionInput = {
  fqn: 'pipeline.stages.scaffold',
  nodeType: 'stage',
  identifier: 'scaffold',
  name: 'Scaffold',
  status: 'Running',
};

const STEP: NodeExecutionInput = {
  fqn: 'pipeline.stages.scaffold.spec.execution.steps.create_repo',
  parentFqn: 'pipeline.stages.scaffold',
  nodeType: 'step',
  identifier: 'create_repo',
  name: 'Create repo',
  stepType: 'CreateRepo',
  status: 'Queued',
  idempotent: true,
};

async function runningExecution(
  databaseId: TestDatabaseId,
  options: Parameters<typeof initStores>[2] = {},
) {
  const ctx = await initStores(databases, databaseId, options);
  const { id } = await ctx.stores.executions.enqueue(newExecution());
  await ctx.stores.executions.claimNext(OWNER, 60_000);
  return { ...ctx, id };
}

describe('ExecutionStore node executions', () => {
  it.each(databases.eachSupportedId())(
    'records node state before and after each node on %p',
    async databaseId => {
      const { stores, id } = await runningExecution(databaseId);
      const stage = await stores.executions.upsertNode(id, OWNER, STAGE);
      expect(stage).toMatchObject({
        executionId: id,
        fqn: STAGE.fqn,
        nodeType: 'stage',
        status: 'Running',
        attempt: 1,
        idempotent: false,
        outputs: {},
        secretOutputs: {},
      });
      expect(stage.startedAt).toBeDefined();
      expect(stage.endedAt).toBeUndefined();

      const queued = await stores.executions.upsertNode(id, OWNER, STEP);
      expect(queued).toMatchObject({
        status: 'Queued',
        parentFqn: STAGE.fqn,
        stepType: 'CreateRepo',
        idempotent: true,
      });
      expect(queued.startedAt).toBeUndefined();

      await sleep(5);
      const started = await stores.executions.updateNodeStatus(
        id,
        OWNER,
        STEP.fqn,
        { status: 'Running' },
      );
      expect(started.startedAt).toBeDefined();
      expect(started.id).toBe(queued.id);

      await sleep(5);
      const failed = await stores.executions.updateNodeStatus(
        id,
        OWNER,
        STEP.fqn,
        {
          status: 'Failed',
          errorMessage: 'Repository already exists',
          failureType: 'Unknown',
        },
      );
      expect(failed).toMatchObject({
        status: 'Failed',
        errorMessage: 'Repository already exists',
        failureType: 'Unknown',
      });
      expect(failed.startedAt).toBe(started.startedAt);
      expect(Date.parse(failed.endedAt!)).toBeGreaterThanOrEqual(
        Date.parse(failed.startedAt!),
      );

      // A retry re-opens the node: no end time, error cleared, start kept.
      const retry = await stores.executions.updateNodeStatus(
        id,
        OWNER,
        STEP.fqn,
        {
          status: 'Running',
          attempt: 2,
          errorMessage: null,
          failureType: null,
        },
      );
      expect(retry).toMatchObject({ status: 'Running', attempt: 2 });
      expect(retry.endedAt).toBeUndefined();
      expect(retry.errorMessage).toBeUndefined();
      expect(retry.startedAt).toBe(started.startedAt);

      const outputs = {
        repoUrl: 'https://github.com/acme/svc',
        files: ['a', 'b'],
        meta: { stars: 0, private: true, license: null },
      };
      await stores.executions.updateNodeStatus(id, OWNER, STEP.fqn, {
        status: 'Success',
        outputs,
      });
      expect((await stores.executions.getNode(id, STEP.fqn)).outputs).toEqual(
        outputs,
      );

      const nodes = await stores.executions.listNodes(id);
      expect(nodes.map(n => [n.fqn, n.status])).toEqual([
        [STAGE.fqn, 'Running'],
        [STEP.fqn, 'Success'],
      ]);
      const running = await stores.executions.listRunningNodes(id);
      expect(running.map(n => n.fqn)).toEqual([STAGE.fqn]);
    },
  );

  it.each(databases.eachSupportedId())(
    'overwrites a node on upsert and keeps what was left out on %p',
    async databaseId => {
      const { stores, id } = await runningExecution(databaseId);
      const first = await stores.executions.upsertNode(id, OWNER, {
        ...STEP,
        status: 'Running',
        outputs: { a: 1 },
        errorMessage: 'transient',
      });
      await sleep(5);
      const second = await stores.executions.upsertNode(id, OWNER, {
        ...STEP,
        name: 'Create repository',
        status: 'Success',
      });
      expect(second).toMatchObject({
        id: first.id,
        name: 'Create repository',
        status: 'Success',
        outputs: { a: 1 },
        errorMessage: 'transient',
        idempotent: true,
      });
      expect(second.startedAt).toBe(first.startedAt);
      expect(second.createdAt).toBe(first.createdAt);
      expect(second.endedAt).toBeDefined();
      expect(await stores.executions.listNodes(id)).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'never stores secret outputs in clear without a cipher on %p',
    async databaseId => {
      const { stores, knex, id } = await runningExecution(databaseId);
      const node = await stores.executions.upsertNode(id, OWNER, {
        ...STEP,
        status: 'Success',
        outputs: { repoUrl: 'https://github.com/acme/svc' },
        secretOutputs: { token: SECRET },
      });
      expect(node.secretOutputs).toEqual({ token: { secret: true } });
      expect(JSON.stringify(node)).not.toContain(SECRET);

      await stores.executions.updateNodeStatus(id, OWNER, STEP.fqn, {
        status: 'Success',
        secretOutputs: { token: SECRET, other: `${SECRET}-2` },
      });
      const rows = await knex('node_executions').select();
      expect(JSON.stringify(rows)).not.toContain(SECRET);
      expect(JSON.parse(rows[0].secret_outputs)).toEqual({
        token: { secret: true },
        other: { secret: true },
      });
      expect(JSON.parse(rows[0].outputs)).toEqual({
        repoUrl: 'https://github.com/acme/svc',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'stores secret outputs encrypted and recovers them with a cipher on %p',
    async databaseId => {
      const secretCipher = createAesGcmSecretCipher(
        'a-long-random-test-key-that-is-not-used-anywhere-else',
      );
      const { stores, knex, id } = await runningExecution(databaseId, {
        secretCipher,
      });
      const node = await stores.executions.upsertNode(id, OWNER, {
        ...STEP,
        status: 'Success',
        secretOutputs: { token: SECRET },
      });
      expect(node.secretOutputs).toEqual({
        token: { secret: true, value: SECRET },
      });
      const rows = await knex('node_executions').select();
      expect(JSON.stringify(rows)).not.toContain(SECRET);
      expect(JSON.parse(rows[0].secret_outputs).token).toMatchObject({
        secret: true,
        ciphertext: expect.stringMatching(/^v1:/),
      });

      // A store with another key (rotated or misconfigured) sees markers only.
      const otherKey = new ExecutionStore(knex, {
        secretCipher: createAesGcmSecretCipher(
          'a-different-key-entirely-0123456789',
        ),
      });
      expect((await otherKey.getNode(id, STEP.fqn)).secretOutputs).toEqual({
        token: { secret: true },
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects unknown nodes, executions and bad input on %p',
    async databaseId => {
      const { stores, id } = await runningExecution(databaseId);
      await expect(
        stores.executions.updateNodeStatus(id, OWNER, 'pipeline.nope', {
          status: 'Success',
        }),
      ).rejects.toThrow(NotFoundError);
      await expect(
        stores.executions.upsertNode(randomUUID(), OWNER, STAGE),
      ).rejects.toThrow(NotFoundError);
      await expect(
        stores.executions.upsertNode('not-a-uuid', OWNER, STAGE),
      ).rejects.toThrow(NotFoundError);
      await expect(
        stores.executions.getNode(id, 'pipeline.nope'),
      ).rejects.toThrow(NotFoundError);
      await expect(
        stores.executions.upsertNode(id, OWNER, {
          ...STAGE,
          status: 'Done' as unknown as 'Success',
        }),
      ).rejects.toThrow(InputError);
      await expect(
        stores.executions.upsertNode(id, OWNER, {
          ...STAGE,
          nodeType: 'job' as unknown as 'stage',
        }),
      ).rejects.toThrow(InputError);
      await expect(
        stores.executions.upsertNode(id, OWNER, { ...STAGE, attempt: 0 }),
      ).rejects.toThrow(InputError);
      expect(await stores.executions.listNodes('not-a-uuid')).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'records parallel nodes written concurrently on %p',
    async databaseId => {
      const { stores, id } = await runningExecution(databaseId);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          stores.executions.upsertNode(id, OWNER, {
            ...STEP,
            fqn: `${STAGE.fqn}.spec.execution.steps.step_${i}`,
            identifier: `step_${i}`,
            status: 'Running',
          }),
        ),
      );
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          stores.executions.updateNodeStatus(
            id,
            OWNER,
            `${STAGE.fqn}.spec.execution.steps.step_${i}`,
            { status: 'Success', outputs: { i } },
          ),
        ),
      );
      const nodes = await stores.executions.listNodes(id);
      expect(nodes).toHaveLength(10);
      expect(nodes.every(n => n.status === 'Success')).toBe(true);
    },
  );

  it.each(databases.eachSupportedId())(
    'mixes node writes, log appends and heartbeats without deadlocks on %p',
    async databaseId => {
      const { knex, id } = await runningExecution(databaseId);
      const replicas = replicaClients(knex, 3);
      try {
        await Promise.all(
          Array.from({ length: 12 }, async (_, i) => {
            const client = replicas.clients[i % 3];
            const executions = new ExecutionStore(client);
            const logs = new LogStore(client);
            const fqn = `${STAGE.fqn}.spec.execution.steps.p_${i}`;
            await executions.upsertNode(id, OWNER, {
              ...STEP,
              fqn,
              identifier: `p_${i}`,
              status: 'Running',
            });
            for (let j = 0; j < 3; j++) {
              await logs.append(id, fqn, [{ line: `${i}:${j}` }]);
              expect(await executions.heartbeat(id, OWNER, 60_000)).toBe(true);
            }
            await executions.updateNodeStatus(id, OWNER, fqn, {
              status: 'Success',
            });
          }),
        );
      } finally {
        await replicas.destroy();
      }
      const executions = new ExecutionStore(knex);
      expect(await executions.listRunningNodes(id)).toEqual([]);
      expect(await executions.listNodes(id)).toHaveLength(12);
      const read = await new LogStore(knex).read(id);
      expect(read.lines.map(l => l.seq)).toEqual(
        Array.from({ length: 36 }, (_, i) => i + 1),
      );
    },
  );
});
