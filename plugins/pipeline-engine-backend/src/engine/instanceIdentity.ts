import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/**
 * The default `pipelineEngine.worker.instanceId`: the host name and a hash
 * of the workspace root. A backend restarted on the same host with the same
 * workspace is the same instance (its workspaces are there too); two
 * backends on one host need different workspace roots anyway.
 */
export function defaultInstanceId(workspaceRoot: string): string {
  const host =
    hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 60) || 'host';
  const dir = createHash('sha256')
    .update(resolve(workspaceRoot))
    .digest('hex')
    .slice(0, 12);
  return `${host}-${dir}`;
}

/** Throws unless `id` can name an instance (it prefixes lease owner ids). */
export function assertInstanceId(id: string): void {
  if (!INSTANCE_ID.test(id)) {
    throw new Error(
      `pipelineEngine.worker.instanceId ${JSON.stringify(id)} is not valid: use 1-100 letters, digits, '.', '_', ':' or '-', ` +
        'starting with a letter or digit, unique per replica and stable across its restarts',
    );
  }
}

/**
 * The lease owner id of one run of an instance: `<instanceId>/<random>`.
 * A restart gets a new owner id, so writes of a predecessor that somehow
 * still runs stay fenced off, while the shared prefix tells the new run
 * which leases were its own.
 */
export function leaseOwnerId(instanceId: string): string {
  return `${instanceOwnerPrefix(instanceId)}${randomUUID()}`;
}

/** The prefix of every lease owner id of `instanceId`. */
export function instanceOwnerPrefix(instanceId: string): string {
  return `${instanceId}/`;
}
