import { mockServices } from '@backstage/backend-test-utils';
import type { Execution, ExecutionStore } from '../database';
import { AdmissionGate } from './admissionGate';
import { ExecutionWorker } from './worker';

/** A store that hands out `queued` (and `expired`) in claim batches and records the calls. */
function fakeStore(
  queued: Execution[],
  expired: Execution[] = [],
  woken: Execution[] = [],
) {
  const calls = {
    claimQueued: [] as number[],
    claimExpired: [] as number[],
    claimWoken: [] as number[],
    log: [] as string[],
  };
  const store = {
    async claimWoken(_owner: string, _leaseMs: number, limit: number) {
      calls.claimWoken.push(limit);
      return woken.splice(0, limit);
    },
    async claimQueued(_owner: string, _leaseMs: number, limit: number) {
      calls.claimQueued.push(limit);
      calls.log.push(`claimQueued ${limit}`);
      return queued.splice(0, limit);
    },
    async claimExpiredBatch(_owner: string, _leaseMs: number, limit: number) {
      calls.claimExpired.push(limit);
      calls.log.push(`claimExpired ${limit}`);
      return expired.splice(0, limit);
    },
    async expireLeasesOfOwners(prefix: string, keep: string) {
      calls.log.push(`expireLeasesOfOwners ${prefix} ${keep}`);
      return 0;
    },
    async releaseLeasesOf(owner: string) {
      calls.log.push(`releaseLeasesOf ${owner}`);
      return 0;
    },
    async heartbeat() {
      return true;
    },
    async get(id: string) {
      return { id, abortRequested: false };
    },
  };
  return { store: store as unknown as ExecutionStore, calls };
}

const execution = (id: string) => ({ id, abortRequested: false }) as Execution;
// Fake timers (setTimeout and Date.now): the worker's polling runs on the clock.
const sleep = (ms: number) => jest.advanceTimersByTimeAsync(ms);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('ExecutionWorker', () => {
  it('fills its free slots with one claim and claims again as runs end', async () => {
    const { store, calls } = fakeStore(
      ['a', 'b', 'c', 'd', 'e'].map(execution),
    );
    const started: string[] = [];
    const release: Array<() => void> = [];
    const worker = new ExecutionWorker({
      store,
      logger: mockServices.logger.mock(),
      concurrency: 3,
      leaseMs: 60_000,
      pollMs: 10_000,
      run: async e => {
        started.push(e.id);
        await new Promise<void>(resolve => release.push(resolve));
      },
    });
    worker.start();
    await sleep(20);
    expect(started).toEqual(['a', 'b', 'c']);
    expect(calls.claimQueued).toEqual([3]);
    release.shift()!();
    await sleep(20);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(calls.claimQueued).toEqual([3, 1]);
    release.splice(0).forEach(r => r());
    await sleep(20);
    release.splice(0).forEach(r => r());
    await worker.stop();
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('claims orphans before queued work, as many as there are free slots, at most once per poll', async () => {
    const { store, calls } = fakeStore(
      ['q1', 'q2'].map(execution),
      ['o1', 'o2', 'o3'].map(execution),
    );
    const started: string[] = [];
    const worker = new ExecutionWorker({
      store,
      logger: mockServices.logger.mock(),
      concurrency: 4,
      leaseMs: 60_000,
      pollMs: 100,
      run: async e => {
        started.push(e.id);
        await new Promise(() => {});
      },
    });
    worker.start();
    await sleep(20);
    expect(started).toEqual(['o1', 'o2', 'o3', 'q1']);
    expect(calls.log.slice(0, 2)).toEqual(['claimExpired 4', 'claimQueued 1']);
    await sleep(1000);
    // Full: no more claims at all while every slot is busy.
    expect(calls.claimExpired).toEqual([4]);
    void worker.stop();
  });

  it('claims nothing while an admission is in flight, for at most the gate bound', async () => {
    const { store, calls } = fakeStore(['a', 'b', 'c'].map(execution));
    const admission = new AdmissionGate({ claimWaitMs: 500 });
    const started: string[] = [];
    const worker = new ExecutionWorker({
      store,
      logger: mockServices.logger.mock(),
      concurrency: 1,
      leaseMs: 60_000,
      pollMs: 10_000,
      admission,
      run: async e => {
        started.push(e.id);
      },
    });
    const leave = admission.enter();
    worker.start();
    await sleep(100);
    expect(calls.claimQueued).toEqual([]);
    leave();
    await sleep(50);
    expect(started).toEqual(['a', 'b', 'c']);
    // A steady stream of admissions delays claims by the bound, no more.
    const { store: busyStore, calls: busyCalls } = fakeStore([execution('d')]);
    const busy = new ExecutionWorker({
      store: busyStore,
      logger: mockServices.logger.mock(),
      concurrency: 1,
      leaseMs: 60_000,
      pollMs: 10_000,
      admission,
      run: async () => undefined,
    });
    admission.enter();
    busy.start();
    await sleep(499);
    expect(busyCalls.claimQueued).toEqual([]);
    await sleep(2);
    expect(busyCalls.claimQueued).toEqual([1]);
    await worker.stop();
    await busy.stop();
  });

  it('polls for expired leases every pollMs when idle', async () => {
    const { store, calls } = fakeStore([]);
    const worker = new ExecutionWorker({
      store,
      logger: mockServices.logger.mock(),
      concurrency: 2,
      leaseMs: 60_000,
      pollMs: 10,
      run: async () => undefined,
    });
    worker.start();
    await sleep(250);
    await worker.stop();
    expect(calls.claimExpired.length).toBeGreaterThan(10);
    expect(calls.claimQueued.length).toBe(calls.claimExpired.length);
  });

  it("at start cleans up, then ends its instance's earlier leases, before it claims anything", async () => {
    const { store, calls } = fakeStore([]);
    const worker = new ExecutionWorker({
      store,
      logger: mockServices.logger.mock(),
      concurrency: 2,
      leaseMs: 60_000,
      pollMs: 10_000,
      instanceId: 'host-1',
      beforeFirstClaim: async () => {
        calls.log.push('beforeFirstClaim');
      },
      run: async () => undefined,
    });
    expect(worker.ownerId).toMatch(/^host-1\/[0-9a-f-]{36}$/);
    worker.start();
    await worker.ready();
    await sleep(20);
    await worker.stop();
    expect(calls.log.slice(0, 4)).toEqual([
      'beforeFirstClaim',
      `expireLeasesOfOwners host-1/ ${worker.ownerId}`,
      'claimExpired 2',
      'claimQueued 2',
    ]);
  });

  it('gives up the leases of the executions it ran when it stops', async () => {
    const { store, calls } = fakeStore(['a', 'b'].map(execution));
    const worker = new ExecutionWorker({
      store,
      logger: mockServices.logger.mock(),
      concurrency: 2,
      leaseMs: 60_000,
      pollMs: 10_000,
      ownerId: 'replica-1',
      run: (_e, lease) =>
        new Promise<void>(resolve =>
          lease.signal.addEventListener('abort', () => resolve()),
        ),
    });
    worker.start();
    await sleep(20);
    expect(worker.runningCount).toBe(2);
    await worker.stop();
    expect(calls.log.at(-1)).toBe('releaseLeasesOf replica-1');
  });

  it('resumes parked executions at its orphan scans and at once when told a wait ended', async () => {
    const woken = [execution('p1')];
    const { store, calls } = fakeStore([], [], woken);
    const started: string[] = [];
    const worker = new ExecutionWorker({
      store,
      logger: mockServices.logger.mock(),
      concurrency: 2,
      leaseMs: 60_000,
      pollMs: 10_000,
      run: async e => {
        started.push(e.id);
      },
    });
    worker.start();
    await sleep(20);
    expect(started).toEqual(['p1']);
    const scans = calls.claimWoken.length;
    woken.push(execution('p2'));
    worker.wakeParked();
    await sleep(20);
    expect(started).toEqual(['p1', 'p2']);
    expect(calls.claimWoken.length).toBeGreaterThan(scans);
    await worker.stop();
  });
});
