import { TestDatabaseId } from '@backstage/backend-test-utils';
import { InputError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { LogStore } from './LogStore';
import {
  createTestDatabases,
  initStores,
  newExecution,
  replicaClients,
} from './__testUtils__/testDatabases';

const databases = createTestDatabases();

jest.setTimeout(60_000);

async function withExecution(databaseId: TestDatabaseId) {
  const ctx = await initStores(databases, databaseId);
  const { id } = await ctx.stores.executions.enqueue(newExecution());
  return { ...ctx, id };
}

describe('LogStore', () => {
  it('is append-only: it has no way to change or remove lines', () => {
    expect(Object.getOwnPropertyNames(LogStore.prototype).sort()).toEqual([
      'append',
      'constructor',
      'read',
    ]);
  });

  it.each(databases.eachSupportedId())(
    'appends lines with increasing seq and reads them by cursor on %p',
    async databaseId => {
      const { stores, id } = await withExecution(databaseId);
      await expect(stores.logs.append(id, 'a', [])).resolves.toBeUndefined();
      await expect(
        stores.logs.append(id, undefined, [
          { line: 'Pipeline started', stream: 'info' },
        ]),
      ).resolves.toEqual({ firstSeq: 1, lastSeq: 1 });
      await expect(
        stores.logs.append(id, 'pipeline.stages.s.spec.execution.steps.a', [
          { line: 'hello' },
          { line: 'oops', stream: 'stderr' },
          { line: 'żółw 🐢 \t tab', stream: 'stdout' },
        ]),
      ).resolves.toEqual({ firstSeq: 2, lastSeq: 4 });
      await stores.logs.append(id, 'pipeline.stages.s.spec.execution.steps.b', [
        { line: 'from b' },
        { line: 'nul\u0000byte' },
      ]);

      const all = await stores.logs.read(id);
      expect(all.lines.map(l => [l.seq, l.stream, l.line, l.nodeFqn])).toEqual([
        [1, 'info', 'Pipeline started', undefined],
        [2, 'stdout', 'hello', 'pipeline.stages.s.spec.execution.steps.a'],
        [3, 'stderr', 'oops', 'pipeline.stages.s.spec.execution.steps.a'],
        [
          4,
          'stdout',
          'żółw 🐢 \t tab',
          'pipeline.stages.s.spec.execution.steps.a',
        ],
        [5, 'stdout', 'from b', 'pipeline.stages.s.spec.execution.steps.b'],
        [
          6,
          'stdout',
          'nul\uFFFDbyte',
          'pipeline.stages.s.spec.execution.steps.b',
        ],
      ]);
      expect(all).toMatchObject({ nextAfterSeq: 6, hasMore: false });
      expect(Date.parse(all.lines[0].createdAt)).not.toBeNaN();

      const page1 = await stores.logs.read(id, { limit: 2 });
      expect(page1.lines.map(l => l.seq)).toEqual([1, 2]);
      expect(page1).toMatchObject({ nextAfterSeq: 2, hasMore: true });
      const page2 = await stores.logs.read(id, {
        afterSeq: page1.nextAfterSeq,
        limit: 4,
      });
      expect(page2.lines.map(l => l.seq)).toEqual([3, 4, 5, 6]);
      expect(page2.hasMore).toBe(false);
      const caughtUp = await stores.logs.read(id, { afterSeq: 6 });
      expect(caughtUp).toEqual({ lines: [], nextAfterSeq: 6, hasMore: false });

      const ofB = await stores.logs.read(id, {
        nodeFqn: 'pipeline.stages.s.spec.execution.steps.b',
      });
      expect(ofB.lines.map(l => l.seq)).toEqual([5, 6]);
    },
  );

  it.each(databases.eachSupportedId())(
    'appends large batches in chunks on %p',
    async databaseId => {
      const { stores, id } = await withExecution(databaseId);
      const lines = Array.from({ length: 1234 }, (_, i) => ({
        line: `line ${i + 1}`,
      }));
      await expect(stores.logs.append(id, 'n', lines)).resolves.toEqual({
        firstSeq: 1,
        lastSeq: 1234,
      });
      const read = await stores.logs.read(id, { afterSeq: 1000, limit: 5000 });
      expect(read.lines).toHaveLength(234);
      expect(read.lines[0]).toMatchObject({ seq: 1001, line: 'line 1001' });
    },
  );

  it.each(databases.eachSupportedId())(
    'hands out gap-free seq numbers to concurrent appenders on %p',
    async databaseId => {
      const { knex, id } = await withExecution(databaseId);
      const replicas = replicaClients(knex, 4);
      try {
        const results = await Promise.all(
          Array.from({ length: 10 }, async (_, step) => {
            const logs = new LogStore(replicas.clients[step % 4]);
            const batches = [];
            for (let batch = 0; batch < 10; batch++) {
              batches.push(
                await logs.append(
                  id,
                  `step_${step}`,
                  Array.from({ length: 5 }, (_x, i) => ({
                    line: `${step}/${batch}/${i}`,
                  })),
                ),
              );
            }
            return batches;
          }),
        );
        // Each batch got a contiguous range...
        for (const batch of results.flat()) {
          expect(batch!.lastSeq - batch!.firstSeq).toBe(4);
        }
        // ...and together they cover 1..500 without gaps or overlaps.
        const seqs = results
          .flat()
          .flatMap(b => Array.from({ length: 5 }, (_, i) => b!.firstSeq + i))
          .sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      } finally {
        await replicas.destroy();
      }
      const logs = new LogStore(knex);
      const read = await logs.read(id, { limit: 1000 });
      expect(read.lines.map(l => l.seq)).toEqual(
        Array.from({ length: 500 }, (_, i) => i + 1),
      );
      // Lines of one step keep their order.
      const step3 = read.lines.filter(l => l.nodeFqn === 'step_3');
      expect(step3.map(l => l.line)).toEqual(
        Array.from({ length: 50 }, (_, i) => `3/${Math.floor(i / 5)}/${i % 5}`),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects unknown executions and bad input on %p',
    async databaseId => {
      const { stores, id } = await withExecution(databaseId);
      await expect(
        stores.logs.append(randomUUID(), undefined, [{ line: 'x' }]),
      ).rejects.toThrow(NotFoundError);
      await expect(
        stores.logs.append('nope', undefined, [{ line: 'x' }]),
      ).rejects.toThrow(NotFoundError);
      await expect(stores.logs.read(randomUUID())).rejects.toThrow(
        NotFoundError,
      );
      await expect(
        stores.logs.append(id, undefined, [
          { line: 'x', stream: 'debug' as unknown as 'info' },
        ]),
      ).rejects.toThrow(InputError);
      await expect(stores.logs.read(id, { afterSeq: -1 })).rejects.toThrow(
        InputError,
      );
      await expect(stores.logs.read(id, { limit: 0 })).rejects.toThrow(
        InputError,
      );
      // Nothing half-written: the failed batch left no lines and no gap.
      await expect(
        stores.logs.append(id, undefined, [{ line: 'first' }]),
      ).resolves.toEqual({ firstSeq: 1, lastSeq: 1 });
    },
  );

  it.each(databases.eachSupportedId())(
    'never writes line contents to the console or into errors on %p',
    async databaseId => {
      const { stores, id } = await withExecution(databaseId);
      const marker = `LINE-CONTENT-${randomUUID()}`;
      const spies = [
        jest.spyOn(console, 'log'),
        jest.spyOn(console, 'info'),
        jest.spyOn(console, 'warn'),
        jest.spyOn(console, 'error'),
        jest.spyOn(console, 'debug'),
        jest.spyOn(process.stdout, 'write'),
        jest.spyOn(process.stderr, 'write'),
      ];
      try {
        await stores.logs.append(id, 'n', [{ line: marker }]);
        await stores.logs.read(id);
        const failure = await stores.logs
          .append(randomUUID(), 'n', [{ line: marker }])
          .catch((e: Error) => e);
        expect(failure).toBeInstanceOf(NotFoundError);
        expect(String(failure)).not.toContain(marker);
        expect((failure as Error).stack).not.toContain(marker);
        const badStream = await stores.logs
          .append(id, 'n', [{ line: marker, stream: 'x' as unknown as 'info' }])
          .catch((e: Error) => e);
        expect((badStream as Error).message).not.toContain(marker);
        for (const spy of spies) {
          expect(JSON.stringify(spy.mock.calls)).not.toContain(marker);
        }
      } finally {
        spies.forEach(spy => spy.mockRestore());
      }
    },
  );
});
