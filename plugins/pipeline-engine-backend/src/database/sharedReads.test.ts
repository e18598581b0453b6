import { SharedReads } from './sharedReads';

describe('SharedReads', () => {
  it('shares one read among callers that asked before it started', async () => {
    const reads: string[] = [];
    const shared = new SharedReads(
      async (key: string) => {
        reads.push(key);
        return { key, n: reads.length };
      },
      key => key,
    );
    const [a, b, c] = await Promise.all([
      shared.get('p'),
      shared.get('p'),
      shared.get('q'),
    ]);
    expect(reads).toEqual(['p', 'q']);
    expect(a).toBe(b);
    expect(c.key).toBe('q');
  });

  it('starts a new read for a caller that asks once a read has begun', async () => {
    let release: () => void = () => undefined;
    const reads: number[] = [];
    const shared = new SharedReads(
      async (_key: string) => {
        reads.push(reads.length + 1);
        const n = reads.length;
        if (n === 1) await new Promise<void>(resolve => (release = resolve));
        return n;
      },
      key => key,
    );
    const first = shared.get('p');
    await new Promise(resolve => setImmediate(resolve));
    expect(reads).toEqual([1]);
    // The first read is in flight: it may predate this caller's request.
    const second = shared.get('p');
    release();
    expect(await first).toBe(1);
    expect(await second).toBe(2);
  });
});
