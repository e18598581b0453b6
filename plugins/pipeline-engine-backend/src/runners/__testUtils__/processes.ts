import { execFileSync } from 'node:child_process';
import type { StepLogger } from '@idp-pipelines/plugin-pipeline-engine-node';

/**
 * Whether process `pid` is alive per `ps` (a zombie, dead but not yet
 * reaped by init, counts as dead).
 */
export function alive(pid: number): boolean {
  try {
    const stat = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], {
      encoding: 'utf8',
    }).trim();
    return stat !== '' && !stat.startsWith('Z');
  } catch {
    return false; // ps exits 1 when there is no such process
  }
}

/** Kills `pids` that a failed test left behind. */
export function killLeftovers(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** A logger that keeps everything written to it. */
export function recordingLogger(): StepLogger & {
  text(): string;
  stdout(): string;
} {
  const entries: Array<{ stream: string; text: string }> = [];
  return {
    info: text => entries.push({ stream: 'info', text }),
    warn: text => entries.push({ stream: 'warn', text }),
    error: text => entries.push({ stream: 'error', text }),
    write: (stream, text) => entries.push({ stream, text }),
    text: () => entries.map(e => e.text).join(''),
    stdout: () =>
      entries
        .filter(e => e.stream === 'stdout')
        .map(e => e.text)
        .join(''),
  };
}

/** Resolves once `check()` is true; fails after `ms`. */
export async function waitUntil(
  check: () => boolean,
  ms = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 25));
  }
}

/** `name=123` numbers printed by a script. */
export function pidsIn(text: string): Record<string, number> {
  return Object.fromEntries(
    [...text.matchAll(/(\w+)=(\d+)/g)].map(m => [m[1], Number(m[2])]),
  );
}
