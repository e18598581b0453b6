import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { readRunnerSettings, StepRunners } from '../../../runners';

/** Config data as ConfigReader takes it. */
export type ConfigData = NonNullable<
  ConstructorParameters<typeof ConfigReader>[0]
>;

/** Temporary directories removed by {@link cleanupTemp}. */
const temps: string[] = [];

/** A fresh temporary directory. */
export function tempDir(prefix = 'run-steps-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Removes every directory made by {@link tempDir}. */
export function cleanupTemp(): void {
  for (const dir of temps.splice(0))
    rmSync(dir, { recursive: true, force: true });
}

/** A stage workspace inside its own execution directory (scratch dirs go beside it). */
export function workspaceDir(): string {
  const ws = join(tempDir('execution-'), 'main');
  mkdirSync(ws);
  return ws;
}

/** Runners from a `pipelineEngine.runners` config object. */
export function runnersFor(runners: ConfigData): StepRunners {
  return new StepRunners(
    readRunnerSettings(new ConfigReader({ pipelineEngine: { runners } })),
  );
}

/**
 * A stand-in executable `name` in a fresh bin directory. Each call records
 * its arguments and environment (NUL-separated) in `recordDir`, runs
 * `script`, prints `output` and exits with `exitCode`.
 */
export function standIn(
  name: string,
  options: { output?: string; exitCode?: number; script?: string } = {},
): {
  bin: string;
  path: string;
  recordDir: string;
  /** Each invocation's arguments. */
  calls(): string[][];
  /** Each invocation's environment. */
  envs(): Array<Record<string, string>>;
} {
  const bin = tempDir('bin-');
  const recordDir = tempDir('record-');
  const path = join(bin, name);
  writeFileSync(
    path,
    `#!/bin/bash
n=$(ls ${recordDir} | grep -c '^args-' || true)
printf '%s\\0' "$@" > ${recordDir}/args-$n
env -0 > ${recordDir}/env-$n
${options.script ?? ''}
${options.output !== undefined ? `printf '%s\\n' ${JSON.stringify(options.output)}` : ''}
exit ${options.exitCode ?? 0}
`,
  );
  chmodSync(path, 0o755);
  const count = () =>
    readdirSync(recordDir).filter(f => f.startsWith('args-')).length;
  return {
    bin,
    path,
    recordDir,
    calls: () =>
      Array.from({ length: count() }, (_, i) =>
        split0(readFileSync(join(recordDir, `args-${i}`), 'utf8')),
      ),
    envs: () =>
      Array.from({ length: count() }, (_, i) =>
        Object.fromEntries(
          split0(readFileSync(join(recordDir, `env-${i}`), 'utf8')).map(kv => [
            kv.slice(0, kv.indexOf('=')),
            kv.slice(kv.indexOf('=') + 1),
          ]),
        ),
      ),
  };
}

function split0(text: string): string[] {
  return text.split('\0').slice(0, -1);
}
