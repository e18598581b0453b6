import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A backend running in a child process (see childBackend.ts). */
export interface ChildBackend {
  process: ChildProcess;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** A port that was free a moment ago, for a child backend to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Starts a backend with `config` in a child process and waits until it has started. */
export async function startChildBackend(
  config: object,
  options: { timeoutMs?: number } = {},
): Promise<ChildBackend> {
  const child = fork(join(__dirname, 'childBackend.ts'), [], {
    execArgv: [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a bench's backend.
      ...(process.env.PIPELINE_ENGINE_CHILD_NODE_ARGS?.split(/\s+/).filter(
        Boolean,
      ) ?? []),
    ],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PIPELINE_ENGINE_CHILD_CONFIG: JSON.stringify(config),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<number | NodeJS.Signals | null>(resolve =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the child backend did not start in time')),
      options.timeoutMs ?? 120_000,
    );
    // Only our own message: the TypeScript loader may send others over IPC.
    child.on('message', message => {
      if (
        message &&
        typeof message === 'object' &&
        (message as { ready?: unknown }).ready === true
      ) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(how => {
      clearTimeout(timer);
      reject(new Error(`the child backend exited (${how}) before it started`));
    });
  });
  return { process: child, exited };
}

/** CPU time and SQL statement counts of a child backend since it started. */
export interface ChildBackendStats {
  cpuMs: number;
  /** Statements executed (SQLite: run/get/all/iterate; PostgreSQL: queries). */
  executed: number;
  /** SQLite statements compiled. */
  prepared: number;
}

/** Asks a child backend for its {@link ChildBackendStats}. */
export function childBackendStats(
  backend: ChildBackend,
): Promise<ChildBackendStats> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      backend.process.off('message', onMessage);
      reject(new Error('the child backend did not report its stats'));
    }, 10_000);
    function onMessage(message: unknown) {
      const stats = (message as { stats?: ChildBackendStats } | null)?.stats;
      if (!stats || typeof stats !== 'object') return;
      clearTimeout(timer);
      backend.process.off('message', onMessage);
      resolve(stats);
    }
    backend.process.on('message', onMessage);
    backend.process.send({ stats: true });
  });
}
