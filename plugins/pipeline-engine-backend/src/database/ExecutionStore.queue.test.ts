import { ConflictError, InputError } from '@backstage/errors';
import { LeaseLostError } from './dbErrors';
import { ExecutionStore } from './ExecutionStore';
import {
  createTestDatabases,
  initStores,
  newExecution,
  replicaClients,
  sleep,
} from './__testUtils__/testDatabases';

const databases = createTestDatabases();

jest.setTimeout(60_000);

const LONG_LEASE = 60_000;

describe('ExecutionStore queue and leases', () => {
  it.each(databases.eachSupportedId())(
    'claims queued executions oldest first, once each, on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const first = await stores.executions.enqueue(newExecution());
      await sleep(5);
      const second = await stores.executions.enqueue(newExecution());

      const a = await stores.executions.claimNext('replica-a', LONG_LEASE);
      expect(a).toMatchObject({
        id: first.id,
        status: 'Running',
        leaseOwner: 'replica-a',
        attempt: 1,
        recoveryCount: 0,
      });
      expect(Date.parse(a!.leaseExpiresAt!)).toBeGreaterThan(
        Date.parse(a!.heartbeatAt!) + LONG_LEASE - 1000,
      );
      const b = await stores.executions.claimNext('replica-b', LONG_LEASE);
      expect(b?.id).toBe(second.id);
      await expect(
        stores.executions.claimNext('replica-c', LONG_LEASE),
      ).resolves.toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'never hands one execution to two of 20 concurrent claimers on %p',
    async databaseId => {
      const { stores, knex } = await initStores(databases, databaseId);
      const queued = await Promise.all(
        Array.from({ length: 50 }, () =>
          stores.executions.enqueue(newExecution()),
        ),
      );
      // Four pools stand in for four replicas with five workers each.
      const replicas = replicaClients(knex, 4);
      try {
        const claims = await Promise.all(
          Array.from({ length: 20 }, async (_, worker) => {
            const store = new ExecutionStore(replicas.clients[worker % 4]);
            const owner = `worker-${worker}`;
            const mine: Array<{ id: string; owner: string }> = [];
            for (;;) {
              const claimed = await store.claimNext(owner, LONG_LEASE);
              if (!claimed) {
                return mine;
              }
              expect(claimed.leaseOwner).toBe(owner);
              mine.push({ id: claimed.id, owner });
            }
          }),
        );
        const all = claims.flat();
        expect(all).toHaveLength(50);
        expect(new Set(all.map(c => c.id)).size).toBe(50);
        expect(new Set(all.map(c => c.id))).toEqual(
          new Set(queued.map(e => e.id)),
        );
        // The database agrees with what each worker was told.
        const rows = await knex('executions').select(
          'id',
          'lease_owner',
          'status',
          'attempt',
        );
        for (const row of rows) {
          expect(row.status).toBe('Running');
          expect(Number(row.attempt)).toBe(1);
          expect(row.lease_owner).toBe(all.find(c => c.id === row.id)?.owner);
        }
        // On PostgreSQL real concurrency happened: several workers got work.
        const busyWorkers = claims.filter(c => c.length > 0).length;
        expect(databaseId !== 'POSTGRES_15' || busyWorkers > 1).toBe(true);
      } finally {
        await replicas.destroy();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'extends the lease only for its owner on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const { id } = await stores.executions.enqueue(newExecution());
      const claimed = await stores.executions.claimNext('replica-a', 1_000);

      await expect(
        stores.executions.heartbeat(id, 'replica-b', LONG_LEASE),
      ).resolves.toBe(false);
      await sleep(5);
      await expect(
        stores.executions.heartbeat(id, 'replica-a', LONG_LEASE),
      ).resolves.toBe(true);
      const extended = await stores.executions.get(id);
      expect(Date.parse(extended.leaseExpiresAt!)).toBeGreaterThan(
        Date.parse(claimed!.leaseExpiresAt!),
      );
      expect(Date.parse(extended.heartbeatAt!)).toBeGreaterThanOrEqual(
        Date.parse(claimed!.heartbeatAt!),
      );
      expect(extended.leaseOwner).toBe('replica-a');

      await expect(
        stores.executions.heartbeat('not-a-uuid', 'replica-a', LONG_LEASE),
      ).resolves.toBe(false);
      await expect(
        stores.executions.heartbeat(id, '', LONG_LEASE),
      ).rejects.toThrow(InputError);
      await expect(
        stores.executions.heartbeat(id, 'replica-a', 0),
      ).rejects.toThrow(InputError);

      await stores.executions.complete(id, 'replica-a', 'Success');
      await expect(
        stores.executions.heartbeat(id, 'replica-a', LONG_LEASE),
      ).resolves.toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'lets another replica take over an expired lease and fences the old owner on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const { id } = await stores.executions.enqueue(newExecution());
      await stores.executions.claimNext('replica-a', 50);
      await stores.executions.upsertNode(id, 'replica-a', {
        fqn: 'pipeline.stages.build',
        nodeType: 'stage',
        identifier: 'build',
        name: 'Build',
        status: 'Running',
      });

      // Not expired yet: nothing to take over.
      await expect(
        stores.executions.claimExpired('replica-b', LONG_LEASE),
      ).resolves.toBeUndefined();
      await sleep(120);

      const taken = await stores.executions.claimExpired(
        'replica-b',
        LONG_LEASE,
      );
      expect(taken).toMatchObject({
        id,
        status: 'Running',
        leaseOwner: 'replica-b',
        attempt: 2,
        recoveryCount: 1,
      });
      await expect(
        stores.executions.claimExpired('replica-c', LONG_LEASE),
      ).resolves.toBeUndefined();

      // The old owner learns it lost the lease and cannot write any more.
      await expect(
        stores.executions.heartbeat(id, 'replica-a', LONG_LEASE),
      ).resolves.toBe(false);
      await expect(
        stores.executions.complete(id, 'replica-a', 'Success'),
      ).rejects.toThrow(LeaseLostError);
      await expect(
        stores.executions.updateNodeStatus(
          id,
          'replica-a',
          'pipeline.stages.build',
          { status: 'Success' },
        ),
      ).rejects.toThrow(ConflictError);
      await expect(
        stores.executions.upsertNode(id, 'replica-a', {
          fqn: 'pipeline.stages.deploy',
          nodeType: 'stage',
          identifier: 'deploy',
          name: 'Deploy',
          status: 'Running',
        }),
      ).rejects.toThrow(LeaseLostError);

      // The new owner sees what was in flight and can finish it.
      const running = await stores.executions.listRunningNodes(id);
      expect(running.map(n => n.fqn)).toEqual(['pipeline.stages.build']);
      await stores.executions.updateNodeStatus(
        id,
        'replica-b',
        'pipeline.stages.build',
        { status: 'Success' },
      );
      await expect(
        stores.executions.complete(id, 'replica-b', 'Success'),
      ).resolves.toMatchObject({ status: 'Success' });
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps a lease alive with heartbeats and takes over waiting executions too on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const alive = await stores.executions.enqueue(newExecution());
      const waiting = await stores.executions.enqueue(newExecution());
      // Leases long enough that a loaded CI machine cannot stall a
      // heartbeat past them; the heartbeats outlive the first lease.
      await stores.executions.claimNext('replica-a', 1_000);
      await stores.executions.claimNext('replica-a', 50);
      await stores.executions.updateStatus(
        waiting.id,
        'replica-a',
        'ApprovalWaiting',
      );
      for (let i = 0; i < 4; i++) {
        await sleep(300);
        expect(
          await stores.executions.heartbeat(alive.id, 'replica-a', 1_000),
        ).toBe(true);
      }
      const taken = await stores.executions.claimExpired('replica-b', 1_000);
      expect(taken).toMatchObject({
        id: waiting.id,
        status: 'ApprovalWaiting',
        leaseOwner: 'replica-b',
      });
      await expect(
        stores.executions.claimExpired('replica-b', 1_000),
      ).resolves.toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'makes a released lease available for takeover at once on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const { id } = await stores.executions.enqueue(newExecution());
      await stores.executions.claimNext('replica-a', LONG_LEASE);
      await expect(
        stores.executions.releaseLease(id, 'replica-b'),
      ).resolves.toBe(false);
      await expect(
        stores.executions.releaseLease(id, 'replica-a'),
      ).resolves.toBe(true);
      await sleep(5);
      await expect(
        stores.executions.claimExpired('replica-b', LONG_LEASE),
      ).resolves.toMatchObject({
        id,
        leaseOwner: 'replica-b',
        recoveryCount: 1,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'takes over each expired execution exactly once under concurrency on %p',
    async databaseId => {
      const { stores, knex } = await initStores(databases, databaseId);
      for (let i = 0; i < 10; i++) {
        await stores.executions.enqueue(newExecution());
        await stores.executions.claimNext('crashed', 20);
      }
      await sleep(80);
      const replicas = replicaClients(knex, 4);
      try {
        const taken = await Promise.all(
          Array.from({ length: 12 }, async (_, worker) => {
            const store = new ExecutionStore(replicas.clients[worker % 4]);
            const ids: string[] = [];
            for (;;) {
              const execution = await store.claimExpired(
                `rescuer-${worker}`,
                LONG_LEASE,
              );
              if (!execution) {
                return ids;
              }
              ids.push(execution.id);
            }
          }),
        );
        const all = taken.flat();
        expect(all).toHaveLength(10);
        expect(new Set(all).size).toBe(10);
        const rows = await knex('executions').select(
          'recovery_count',
          'attempt',
        );
        expect(rows.map(r => Number(r.recovery_count))).toEqual(
          Array(10).fill(1),
        );
        expect(rows.map(r => Number(r.attempt))).toEqual(Array(10).fill(2));
      } finally {
        await replicas.destroy();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'claims several queued executions in one call, disjoint across concurrent claimers, on %p',
    async databaseId => {
      const { knex, stores } = await initStores(databases, databaseId);
      const queued = [];
      for (let i = 0; i < 12; i++) {
        queued.push(await stores.executions.enqueue(newExecution()));
        await sleep(2);
      }
      const firstThree = await stores.executions.claimQueued(
        'replica-a',
        LONG_LEASE,
        3,
      );
      // Oldest first, all moved to Running under the claimer's lease.
      expect(firstThree.map(e => e.id)).toEqual(
        queued.slice(0, 3).map(e => e.id),
      );
      expect(
        firstThree.every(
          e => e.status === 'Running' && e.leaseOwner === 'replica-a',
        ),
      ).toBe(true);

      const replicas = replicaClients(knex, 2);
      try {
        const [b, c] = await Promise.all(
          ['replica-b', 'replica-c'].map((owner, i) =>
            new ExecutionStore(replicas.clients[i]).claimQueued(
              owner,
              LONG_LEASE,
              8,
            ),
          ),
        );
        const ids = [...b, ...c].map(e => e.id);
        expect(ids).toHaveLength(9);
        expect(new Set(ids)).toEqual(new Set(queued.slice(3).map(e => e.id)));
        const rows = await knex('executions').select(
          'id',
          'lease_owner',
          'status',
        );
        for (const row of rows) {
          expect(row.status).toBe('Running');
          const claimers = {
            'replica-a': firstThree,
            'replica-b': b,
            'replica-c': c,
          };
          const owners = Object.entries(claimers).filter(([, got]) =>
            got.some(e => e.id === row.id),
          );
          expect(owners.map(([owner]) => owner)).toEqual([row.lease_owner]);
        }
      } finally {
        await replicas.destroy();
      }
      expect(
        await stores.executions.claimQueued('replica-a', LONG_LEASE, 5),
      ).toEqual([]);
      await expect(
        stores.executions.claimQueued('replica-a', LONG_LEASE, 0),
      ).rejects.toThrow(InputError);
    },
  );
});
