import { mockServices } from '@backstage/backend-test-utils';
import type { Execution, ExecutionStore } from '../database';
import { ExecutionWorker } from './worker';

/** A store that hands out `queued` in claim batches and counts the calls. */
function fakeStore(queued: Execution[]) {
  const calls = { claimQueued: [] as number[], claimExpired: 0 };
  const store = {
    async claimQueued(_owner: string, _leaseMs: number, limit: number) {
      calls.claimQueued.push(limit);
      return queued.splice(0, limit);
    },
    async claimExpired() {
      calls.claimExpired++;
      return undefined;
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
    const { store, calls } = fakeStore(['a', 'b', 'c', 'd', 'e'].map(execution));
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

  it('polls for queued work every pollMs but looks for expired leases only every quarter lease', async () => {
    const { store, calls } = fakeStore([]);
    const worker = new ExecutionWorker({
      store,
      logger: mockServices.logger.mock(),
      concurrency: 2,
      leaseMs: 400,
      pollMs: 10,
      run: async () => undefined,
    });
    worker.start();
    await sleep(250);
    await worker.stop();
    // ~25 polls for queued work; orphan scans at 0, 100, 200 ms.
    expect(calls.claimQueued.length).toBeGreaterThan(10);
    expect(calls.claimExpired).toBeGreaterThanOrEqual(2);
    expect(calls.claimExpired).toBeLessThanOrEqual(4);
  });
});
