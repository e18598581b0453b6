import {
  createTestDatabases,
  initStores,
  newExecution,
  sleep,
} from './__testUtils__/testDatabases';

const databases = createTestDatabases();

jest.setTimeout(60_000);

const LONG_LEASE = 60_000;

/** Enqueues `count` executions and claims each for `owner` with `leaseMs`. */
async function claimedBy(
  stores: Awaited<ReturnType<typeof initStores>>['stores'],
  owner: string,
  count: number,
  leaseMs: number,
) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { id } = await stores.executions.enqueue(newExecution());
    const [claimed] = await stores.executions.claimQueued(owner, leaseMs, 1);
    expect(claimed.id).toBe(id);
    ids.push(id);
  }
  return ids;
}

describe('ExecutionStore recovery after a crash', () => {
  it.each(databases.eachSupportedId())(
    'takes over every expired execution in one claim, and only those, on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const deadA = await claimedBy(stores, 'replica-a', 3, 20);
      const deadB = await claimedBy(stores, 'replica-b', 2, 20);
      const alive = await claimedBy(stores, 'replica-c', 1, LONG_LEASE);
      await sleep(60);

      const taken = await stores.executions.claimExpiredBatch(
        'replica-d',
        LONG_LEASE,
        10,
      );
      expect(taken.map(e => e.id).sort()).toEqual([...deadA, ...deadB].sort());
      for (const execution of taken) {
        expect(execution).toMatchObject({
          leaseOwner: 'replica-d',
          recoveryCount: 1,
          status: 'Running',
        });
      }
      expect((await stores.executions.get(alive[0])).leaseOwner).toBe(
        'replica-c',
      );
      await expect(
        stores.executions.claimExpiredBatch('replica-e', LONG_LEASE, 10),
      ).resolves.toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'respects the claim limit on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      await claimedBy(stores, 'replica-a', 3, 20);
      await sleep(60);
      await expect(
        stores.executions.claimExpiredBatch('replica-b', LONG_LEASE, 2),
      ).resolves.toHaveLength(2);
      await expect(
        stores.executions.claimExpiredBatch('replica-c', LONG_LEASE, 2),
      ).resolves.toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    "ends at once the leases of an instance's earlier runs, not those of other instances, on %p",
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const earlier = await claimedBy(stores, 'host-a/run-1', 2, LONG_LEASE);
      const current = await claimedBy(stores, 'host-a/run-2', 1, LONG_LEASE);
      // A longer instance id that starts with the same characters is another instance.
      const similar = await claimedBy(stores, 'host-ab/run-1', 1, LONG_LEASE);
      const other = await claimedBy(stores, 'host-b/run-1', 1, LONG_LEASE);

      await expect(
        stores.executions.expireLeasesOfOwners('host-a/', 'host-a/run-2'),
      ).resolves.toBe(2);
      const taken = await stores.executions.claimExpiredBatch(
        'host-a/run-2',
        LONG_LEASE,
        10,
      );
      expect(taken.map(e => e.id).sort()).toEqual([...earlier].sort());
      for (const id of [...current, ...similar, ...other]) {
        expect(
          Date.parse((await stores.executions.get(id)).leaseExpiresAt!),
        ).toBeGreaterThan(Date.now() + LONG_LEASE / 2);
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'gives up every lease of one owner at shutdown on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const mine = await claimedBy(stores, 'replica-a', 2, LONG_LEASE);
      const theirs = await claimedBy(stores, 'replica-b', 1, LONG_LEASE);
      await expect(
        stores.executions.releaseLeasesOf('replica-a'),
      ).resolves.toBe(2);
      const taken = await stores.executions.claimExpiredBatch(
        'replica-c',
        LONG_LEASE,
        10,
      );
      expect(taken.map(e => e.id).sort()).toEqual([...mine].sort());
      expect((await stores.executions.get(theirs[0])).leaseOwner).toBe(
        'replica-b',
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'records step processes per instance and forgets them on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const group = await stores.stepProcesses.add({
        instanceId: 'host-a',
        bootId: 'boot',
        pgid: 4242,
        startTime: '123456789012',
      });
      const container = await stores.stepProcesses.add({
        instanceId: 'host-a',
        containerName: 'pipeline-x',
        containerCommand: '/usr/bin/docker',
      });
      await stores.stepProcesses.add({ instanceId: 'host-b', pgid: 1 });
      expect(await stores.stepProcesses.listForInstance('host-a')).toEqual(
        expect.arrayContaining([
          {
            id: group,
            instanceId: 'host-a',
            bootId: 'boot',
            pgid: 4242,
            startTime: '123456789012',
          },
          {
            id: container,
            instanceId: 'host-a',
            containerName: 'pipeline-x',
            containerCommand: '/usr/bin/docker',
          },
        ]),
      );
      await stores.stepProcesses.remove(group);
      await stores.stepProcesses.remove(container);
      await expect(
        stores.stepProcesses.listForInstance('host-a'),
      ).resolves.toEqual([]);
      await expect(
        stores.stepProcesses.listForInstance('host-b'),
      ).resolves.toHaveLength(1);
    },
  );
});
