import { stringifyError } from '@backstage/errors';
import type { PipelineSecretSource } from '@idp-pipelines/plugin-pipeline-engine-node';

const GET_VALUE = /secrets\.getValue\(\s*["']([^"']+)["']\s*\)/g;

/** `account.x`, `org.x` and `x` name the same secret. */
export function bareSecretId(reference: string): string {
  return reference.replace(/^(account|org)\./, '');
}

/**
 * The secret ids a pipeline reads: `<+secrets.getValue("x")>` in any of its
 * strings, and the values of `Secret` variables (at any level). It walks the
 * parsed pipeline, not the stored text: the engine freezes executions as
 * JSON, where the quotes inside expressions are escaped.
 */
export function referencedSecretIds(pipeline: unknown): Set<string> {
  const ids = new Set<string>();
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      for (const match of node.matchAll(GET_VALUE))
        ids.add(bareSecretId(match[1]));
    } else if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (
        record.type === 'Secret' &&
        typeof record.value === 'string' &&
        !record.value.includes('<+')
      ) {
        ids.add(bareSecretId(record.value));
      }
      Object.values(record).forEach(visit);
    }
  };
  visit(pipeline);
  return ids;
}

/**
 * Asks the sources, in order, for one secret; undefined when none holds it.
 * A source that fails is an error naming it and the secret (never the value).
 */
export async function readFromSources(
  sources: readonly PipelineSecretSource[],
  id: string,
): Promise<string | undefined> {
  for (const source of sources) {
    let value: string | undefined;
    try {
      value = await source.getSecret(id);
    } catch (error) {
      throw new Error(
        `secret source "${source.name}" could not read secret "${id}": ${stringifyError(error)}`,
      );
    }
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * The configured secrets plus those of `ids` the sources hold. Config wins:
 * the sources are asked only for ids it does not have. Expressions read
 * secrets synchronously, so an execution's are fetched before it runs.
 */
export async function withSourcedSecrets(
  configured: Record<string, string>,
  sources: readonly PipelineSecretSource[],
  ids: Iterable<string>,
): Promise<Record<string, string>> {
  if (sources.length === 0) return configured;
  const secrets = { ...configured };
  const has = (id: string) =>
    [id, `account.${id}`, `org.${id}`].some(key =>
      Object.prototype.hasOwnProperty.call(configured, key),
    );
  for (const id of ids) {
    if (has(id)) continue;
    const value = await readFromSources(sources, id);
    if (value !== undefined) secrets[id] = value;
  }
  return secrets;
}
