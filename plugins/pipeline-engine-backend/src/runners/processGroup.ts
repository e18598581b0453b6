import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { StepLogger } from '@idp-pipelines/plugin-pipeline-engine-node';
import { readProcessStat } from './procfs';
import type { StepProcessTracker } from './stepProcessTracker';
import type { ProcessResult } from './types';

/** Lines kept for error messages. */
export const TAIL_LINES = 20;
const TAIL_LINE_CHARS = 1000;
const POLL_MS = 50;
/** How long to wait for output pipes to close once the group is gone. */
const PIPE_CLOSE_MS = 2000;

/** What {@link runProcessGroup} runs. */
export interface ProcessGroupOptions {
  /** Absolute path (or name on `env.PATH`) of the program. */
  program: string;
  args: string[];
  cwd: string;
  /** The complete environment: nothing of the backend's is added. */
  env: Record<string, string>;
  logger: StepLogger;
  signal: AbortSignal;
  /** Time between SIGTERM and SIGKILL. */
  graceMs: number;
  /** Records the group while it runs, so a restarted backend can kill it after a crash. */
  tracker?: StepProcessTracker;
  /** Run as this user and group (the backend must be root); default the backend's. */
  uid?: number;
  gid?: number;
}

/** The last lines of output across streams, for error messages. */
export class OutputTail {
  readonly #lines: string[] = [];
  readonly #partial = new Map<string, string>();

  constructor(private readonly max = TAIL_LINES) {}

  push(stream: string, text: string): void {
    const parts = ((this.#partial.get(stream) ?? '') + text).split(/\r?\n/);
    this.#partial.set(stream, parts.pop() ?? '');
    for (const line of parts) this.add(line);
  }

  /** Complete lines plus what is left of unfinished ones. */
  lines(): string[] {
    const rest = [...this.#partial.values()].filter(Boolean).map(clip);
    return [...this.#lines, ...rest].slice(-this.max);
  }

  private add(line: string): void {
    this.#lines.push(clip(line));
    if (this.#lines.length > this.max) this.#lines.shift();
  }
}

function clip(line: string): string {
  return line.length > TAIL_LINE_CHARS
    ? `${line.slice(0, TAIL_LINE_CHARS)}…`
    : line;
}

/**
 * True while any process of group `pgid` lives. On Linux /proc is read so
 * that zombies (dead, not yet reaped by init) do not count as alive.
 */
export function processGroupAlive(pgid: number): boolean {
  if (process.platform === 'linux') {
    let entries: string[] | undefined;
    try {
      entries = readdirSync('/proc');
    } catch {
      entries = undefined;
    }
    if (entries) {
      for (const entry of entries) {
        if (!/^\d+$/.test(entry)) continue;
        let stat: string;
        try {
          stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        } catch {
          continue;
        }
        // `pid (comm) state ppid pgrp ...`; comm may contain spaces and parentheses.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (
          Number(fields[2]) === pgid &&
          fields[0] !== 'Z' &&
          fields[0] !== 'X'
        )
          return true;
      }
      return false;
    }
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Runs a program as the leader of its own process group (`detached`), so
 * that abort and timeout reach every process it started: SIGTERM to the
 * group, SIGKILL after the grace period. Processes still in the group when
 * the program exits (background jobs) get the same treatment, so nothing
 * outlives the step. A process that leaves the group (setsid, daemons)
 * escapes this; only a container runner contains those.
 *
 * Output is streamed to `logger.write` as it arrives. Rejects only when the
 * program cannot be started.
 */
export function runProcessGroup(
  o: ProcessGroupOptions,
): Promise<ProcessResult> {
  const groups = process.platform !== 'win32';
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(o.program, o.args, {
      cwd: o.cwd,
      env: o.env,
      detached: groups,
      ...(o.uid !== undefined ? { uid: o.uid } : {}),
      ...(o.gid !== undefined ? { gid: o.gid } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    // Read at once, while the pid surely is this child's.
    const forget =
      groups && o.tracker && child.pid !== undefined
        ? o.tracker.processGroupStarted({
            pgid: child.pid,
            startTime: readProcessStat(child.pid)?.startTime,
          })
        : undefined;
    const tail = new OutputTail();
    let aborted = false;
    let abortedAt = 0;
    let killTimer: NodeJS.Timeout | undefined;
    let settled = false;

    const signalGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        if (groups) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // already gone
      }
    };
    const onAbort = () => {
      aborted = true;
      abortedAt = Date.now();
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), o.graceMs);
    };

    const closed = [child.stdout, child.stderr].map(
      stream => new Promise<void>(done => stream.once('close', () => done())),
    );
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      stream.setEncoding('utf8');
      stream.on('data', (text: string) => {
        o.logger.write(name, text);
        tail.push(name, text);
      });
    }

    child.once('error', error => {
      if (settled) return;
      settled = true;
      o.signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      reject(error);
    });

    child.once('exit', (exitCode, exitSignal) => {
      if (settled) return;
      settled = true;
      o.signal.removeEventListener('abort', onAbort);
      const finish = async () => {
        const pgid = child.pid;
        if (groups && pgid !== undefined && processGroupAlive(pgid)) {
          // Leftover background processes: same treatment as on abort.
          if (!aborted) signalGroup('SIGTERM');
          const deadline = (aborted ? abortedAt : Date.now()) + o.graceMs;
          while (processGroupAlive(pgid) && Date.now() < deadline)
            await sleep(POLL_MS);
          if (processGroupAlive(pgid)) signalGroup('SIGKILL');
          while (processGroupAlive(pgid) && Date.now() < deadline + 1000)
            await sleep(POLL_MS);
        }
        clearTimeout(killTimer);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.all(closed),
          new Promise(done => {
            timer = setTimeout(done, PIPE_CLOSE_MS);
          }),
        ]);
        clearTimeout(timer);
        child.stdout.destroy();
        child.stderr.destroy();
        if (forget) await (await forget)();
        resolve({ exitCode, signal: exitSignal, aborted, tail: tail.lines() });
      };
      void finish();
    });

    if (o.signal.aborted) onAbort();
    else o.signal.addEventListener('abort', onAbort, { once: true });
  });
}
