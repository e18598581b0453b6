import type { StepContext } from '@idp-pipelines/plugin-pipeline-engine-node';
import type { ContainerOptions, ProcessResult } from '../../runners';

/*
 * Helpers of the script-like steps, whose specs are declared in
 * pipeline-engine-common (steps/builtin/run.ts).
 */

/** The container fields of Run and Plugin, as parsed. */
export interface ContainerSpec {
  connectorRef?: string;
  image?: string;
  imagePullPolicy?: 'Always' | 'Never' | 'IfNotPresent';
  privileged?: boolean;
  runAsUser?: number;
  resources?: { limits?: { memory?: string; cpu?: string } };
}

/** Kubernetes-style `500Mi`, `1Gi`, `512M` → docker's `500m`, `1g`, `512m`. */
export function dockerMemory(value: string): string {
  const match = /^(\d+)\s*(Ki|Mi|Gi|Ti|K|M|G|T|k|m|g|b)?$/.exec(value.trim());
  if (!match)
    throw new Error(
      `resources.limits.memory ${JSON.stringify(value)} is not a size such as 512Mi or 2Gi`,
    );
  const unit = (match[2] ?? 'b').charAt(0).toLowerCase();
  return unit === 't' ? `${Number(match[1]) * 1024}g` : `${match[1]}${unit}`;
}

/** Kubernetes-style `500m` (millicores) or `1.5` → docker's `--cpus` value. */
export function dockerCpus(value: string): string {
  const trimmed = value.trim();
  const milli = /^(\d+)m$/.exec(trimmed);
  if (milli) return String(Number(milli[1]) / 1000);
  if (/^\d+(\.\d+)?$/.test(trimmed)) return trimmed;
  throw new Error(
    `resources.limits.cpu ${JSON.stringify(value)} is not a CPU amount such as 500m or 1.5`,
  );
}

/** The container a step asks for, or undefined without an image. */
export function containerOptions(
  spec: ContainerSpec,
  ctx: StepContext<unknown>,
  entrypoint?: string[],
): ContainerOptions | undefined {
  if (!spec.image) return undefined;
  if (spec.connectorRef) {
    ctx.logger.warn(
      `connectorRef ${spec.connectorRef} is not used: images are pulled with the container runner's own registry login`,
    );
  }
  return {
    image: spec.image,
    entrypoint: entrypoint?.length ? entrypoint : undefined,
    pullPolicy: spec.imagePullPolicy,
    privileged: spec.privileged,
    runAsUser: spec.runAsUser,
    memory: spec.resources?.limits?.memory
      ? dockerMemory(spec.resources.limits.memory)
      : undefined,
    cpus: spec.resources?.limits?.cpu
      ? dockerCpus(spec.resources.limits.cpu)
      : undefined,
  };
}

/** "X exited with code 3; last lines of output: ..." for a failed process. */
export function processFailure(label: string, result: ProcessResult): string {
  const how =
    result.exitCode !== null
      ? `exited with code ${result.exitCode}${result.exitCode === 127 ? ' (command not found)' : ''}`
      : `was killed by ${result.signal ?? 'a signal'}`;
  const tail = result.tail.length
    ? `; last ${result.tail.length} lines of output:\n${result.tail.join('\n')}`
    : '; it printed nothing';
  return `${label} ${how}${tail}`;
}

/** The error to throw once the step's signal fired (timeout or abort). */
export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
