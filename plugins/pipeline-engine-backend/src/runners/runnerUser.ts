import { execFile } from 'node:child_process';
import { chmod, lchown, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The unprivileged account local processes run as. */
export interface RunnerIdentity {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** The script that creates the embedded configuration's account. */
export const ENSURE_RUNNER_USER_SCRIPT = 'scripts/ensure-runner-user.sh';

/**
 * Looks `user` (a name or a numeric uid) up in the system's user database
 * (`getent passwd`, so NSS/LDAP accounts count). Undefined when unknown.
 */
export async function lookupRunnerUser(
  user: string,
): Promise<RunnerIdentity | undefined> {
  let line: string;
  try {
    line = (await run('getent', ['passwd', user])).stdout.split('\n')[0] ?? '';
  } catch {
    return undefined; // getent exits 2 for an unknown user
  }
  const [name, , uid, gid, , home] = line.split(':');
  if (!name || !/^\d+$/.test(uid ?? '') || !/^\d+$/.test(gid ?? ''))
    return undefined;
  return { name, uid: Number(uid), gid: Number(gid), home: home || '/' };
}

/**
 * Who local processes run as: `user` when the backend runs as root (it must
 * exist and must not be root itself); the backend's own user — undefined —
 * when the backend is not root, since only root can switch users.
 * @throws Error naming the setting and the fix when the account is unusable
 */
export async function resolveRunnerIdentity(
  user: string | undefined,
): Promise<RunnerIdentity | undefined> {
  if (!user || process.getuid?.() !== 0) return undefined;
  const identity = await lookupRunnerUser(user);
  if (!identity) {
    throw new Error(
      `pipelineEngine.runners.local.user "${user}" does not exist on the backend host; ` +
        `create it (e.g. bash ${ENSURE_RUNNER_USER_SCRIPT}, or useradd --system ${user}) or remove the setting`,
    );
  }
  if (identity.uid === 0) {
    throw new Error(
      `pipelineEngine.runners.local.user "${user}" is root; name an unprivileged account so steps cannot read the backend's memory and files`,
    );
  }
  return identity;
}

/**
 * Gives `path` and everything below it to `identity`, so a step running as
 * that account can use what in-process steps (GitClone, CookieCutter) wrote.
 * Symbolic links are changed themselves, never followed.
 */
export async function chownTree(
  path: string,
  identity: RunnerIdentity,
): Promise<void> {
  const pending = [path];
  while (pending.length > 0) {
    const current = pending.pop()!;
    await lchown(current, identity.uid, identity.gid);
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      continue; // not a directory
    }
    for (const entry of entries) {
      const child = join(current, entry.name);
      if (entry.isDirectory()) pending.push(child);
      else await lchown(child, identity.uid, identity.gid);
    }
  }
}

/**
 * Lets other users pass through `dir` (search permission only, no listing),
 * so the account reaches the workspace and scratch directories inside the
 * execution directory.
 */
export async function allowTraversal(dir: string): Promise<void> {
  const { mode } = await stat(dir);
  if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
}
