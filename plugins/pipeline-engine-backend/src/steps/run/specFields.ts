import type { StepContext } from '@idp-pipelines/plugin-pipeline-engine-node';
import { z } from 'zod';
import type { ContainerOptions, ProcessResult } from '../../runners';

/*
 * Runtime schemas of resolved spec fields, shared by the script-like steps.
 * They accept what the static schemas in pipeline-engine-common accept once
 * expressions are resolved (a text field may be a number or boolean).
 */

/** Text that YAML or an expression may have turned into a number or boolean. */
export const textValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/** A boolean, or the text `true`/`false` an expression may resolve to. */
export const booleanValue = z.union([z.boolean(), z.enum(['true', 'false'])]).transform(v => v === true || v === 'true');

/** An integer, or its text. */
export const integerValue = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(Number);

/** A map of environment variables; null values become empty strings. */
export const envMap = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .transform(map => Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v === null ? '' : String(v)])));

/** Harness `{name, type, value}` lists (ShellScript and Http variables). */
export const namedVariableList = z.array(
  z
    .object({
      name: z.string().min(1),
      type: z.string().optional(),
      value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional().transform(v => (v === null || v === undefined ? undefined : String(v))),
    })
    .passthrough(),
);

const pullPolicy = z.enum(['Always', 'Never', 'IfNotPresent']);

/** Container fields of Run and Plugin. */
export const containerFields = {
  connectorRef: textValue.optional(),
  image: textValue.optional(),
  imagePullPolicy: pullPolicy.optional(),
  privileged: booleanValue.optional(),
  runAsUser: integerValue.optional(),
  resources: z
    .object({
      limits: z.object({ memory: textValue.optional(), cpu: textValue.optional() }).passthrough().optional(),
    })
    .passthrough()
    .optional(),
};

/** The container fields as parsed by {@link containerFields}. */
export interface ContainerSpec {
  connectorRef?: string;
  image?: string;
  imagePullPolicy?: z.infer<typeof pullPolicy>;
  privileged?: boolean;
  runAsUser?: number;
  resources?: { limits?: { memory?: string; cpu?: string } };
}

/** Kubernetes-style `500Mi`, `1Gi`, `512M` → docker's `500m`, `1g`, `512m`. */
export function dockerMemory(value: string): string {
  const match = /^(\d+)\s*(Ki|Mi|Gi|Ti|K|M|G|T|k|m|g|b)?$/.exec(value.trim());
  if (!match) throw new Error(`resources.limits.memory ${JSON.stringify(value)} is not a size such as 512Mi or 2Gi`);
  const unit = (match[2] ?? 'b').charAt(0).toLowerCase();
  return unit === 't' ? `${Number(match[1]) * 1024}g` : `${match[1]}${unit}`;
}

/** Kubernetes-style `500m` (millicores) or `1.5` → docker's `--cpus` value. */
export function dockerCpus(value: string): string {
  const trimmed = value.trim();
  const milli = /^(\d+)m$/.exec(trimmed);
  if (milli) return String(Number(milli[1]) / 1000);
  if (/^\d+(\.\d+)?$/.test(trimmed)) return trimmed;
  throw new Error(`resources.limits.cpu ${JSON.stringify(value)} is not a CPU amount such as 500m or 1.5`);
}

/** The container a step asks for, or undefined without an image. */
export function containerOptions(spec: ContainerSpec, ctx: StepContext<unknown>, entrypoint?: string[]): ContainerOptions | undefined {
  if (!spec.image) return undefined;
  if (spec.connectorRef) {
    ctx.logger.warn(`connectorRef ${spec.connectorRef} is not used: images are pulled with the container runner's own registry login`);
  }
  return {
    image: spec.image,
    entrypoint: entrypoint?.length ? entrypoint : undefined,
    pullPolicy: spec.imagePullPolicy,
    privileged: spec.privileged,
    runAsUser: spec.runAsUser,
    memory: spec.resources?.limits?.memory ? dockerMemory(spec.resources.limits.memory) : undefined,
    cpus: spec.resources?.limits?.cpu ? dockerCpus(spec.resources.limits.cpu) : undefined,
  };
}

/** Names in an `outputVariables` list, for the static reference check. */
export function declaredOutputs(spec: Record<string, unknown>): string[] | undefined {
  const list = spec.outputVariables;
  if (list === undefined) return [];
  if (!Array.isArray(list)) return undefined;
  return list.flatMap(item =>
    item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string'
      ? [(item as { name: string }).name]
      : [],
  );
}

/** "X exited with code 3; last lines of output: ..." for a failed process. */
export function processFailure(label: string, result: ProcessResult): string {
  const how = result.exitCode !== null
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
