import { tmpdir } from 'node:os';
import { OutputTail, processGroupAlive, runProcessGroup } from './processGroup';
import {
  alive,
  killLeftovers,
  pidsIn,
  recordingLogger,
  waitUntil,
} from './__testUtils__/processes';

jest.setTimeout(30_000);

const leftovers: number[] = [];
afterEach(() => killLeftovers(leftovers.splice(0)));

function start(
  script: string,
  options: { graceMs?: number; signal?: AbortSignal } = {},
) {
  const logger = recordingLogger();
  const result = runProcessGroup({
    program: '/bin/bash',
    args: ['-c', script],
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    logger,
    signal: options.signal ?? new AbortController().signal,
    graceMs: options.graceMs ?? 5000,
  });
  return { logger, result };
}

describe('runProcessGroup', () => {
  it('kills the whole process group on abort: no child survives', async () => {
    const abort = new AbortController();
    const { logger, result } = start(
      'echo main=$$; sleep 300 & echo child=$!; sleep 300',
      { signal: abort.signal },
    );
    await waitUntil(
      () => 'child' in pidsIn(logger.stdout()),
      10_000,
      'the script to start its child',
    );
    const { main, child } = pidsIn(logger.stdout());
    leftovers.push(main, child);
    expect(alive(main)).toBe(true);
    expect(alive(child)).toBe(true);
    abort.abort(new Error('aborted by test'));
    const ended = await result;
    expect(ended.aborted).toBe(true);
    expect(ended.exitCode).toBeNull();
    expect(ended.signal).toBe('SIGTERM');
    expect(alive(main)).toBe(false);
    expect(alive(child)).toBe(false);
    expect(processGroupAlive(main)).toBe(false);
  });

  it('escalates to SIGKILL after the grace period when processes ignore SIGTERM', async () => {
    const abort = new AbortController();
    // An ignored signal stays ignored in the children the shell starts.
    const { logger, result } = start(
      'trap "" TERM; echo main=$$; sleep 300 & echo child=$!; sleep 300; sleep 300',
      {
        signal: abort.signal,
        graceMs: 400,
      },
    );
    await waitUntil(() => 'child' in pidsIn(logger.stdout()));
    const { main, child } = pidsIn(logger.stdout());
    leftovers.push(main, child);
    const abortedAt = Date.now();
    abort.abort();
    const ended = await result;
    expect(Date.now() - abortedAt).toBeGreaterThanOrEqual(400);
    expect(ended.aborted).toBe(true);
    expect(ended.signal).toBe('SIGKILL');
    expect(alive(main)).toBe(false);
    expect(alive(child)).toBe(false);
  });

  it('kills background processes left behind when the program exits', async () => {
    const { logger, result } = start('sleep 300 & echo child=$!; echo done', {
      graceMs: 2000,
    });
    const ended = await result;
    const { child } = pidsIn(logger.stdout());
    leftovers.push(child);
    expect(ended).toMatchObject({ exitCode: 0, aborted: false });
    expect(alive(child)).toBe(false);
  });

  it('kills a group that is already aborted before it starts', async () => {
    const abort = new AbortController();
    abort.abort();
    const started = Date.now();
    const { result } = start('sleep 300', { signal: abort.signal });
    const ended = await result;
    expect(ended.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('streams stdout and stderr and keeps the last lines for messages', async () => {
    const { logger, result } = start(
      'for i in $(seq 1 30); do echo "line $i"; done; echo oops >&2; exit 3',
    );
    const ended = await result;
    expect(ended.exitCode).toBe(3);
    expect(logger.stdout()).toContain('line 1\n');
    expect(ended.tail).toHaveLength(20);
    expect(ended.tail[0]).toBe('line 12');
    expect(ended.tail).toContain('oops');
    expect(ended.tail).not.toContain('line 11');
  });

  it('rejects when the program cannot be started', async () => {
    await expect(
      runProcessGroup({
        program: '/nonexistent/program',
        args: [],
        cwd: tmpdir(),
        env: {},
        logger: recordingLogger(),
        signal: new AbortController().signal,
        graceMs: 100,
      }),
    ).rejects.toThrow(/ENOENT/);
  });
});

describe('OutputTail', () => {
  it('joins partial lines per stream and includes unfinished ones', () => {
    const tail = new OutputTail(3);
    tail.push('stdout', 'a\nb');
    tail.push('stderr', 'x\n');
    tail.push('stdout', 'c\nd');
    expect(tail.lines()).toEqual(['x', 'bc', 'd']);
  });
});
