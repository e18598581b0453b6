import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '@backstage/errors';

/** One organization or repository name of the local git host. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$/;

/** True for names the local host accepts (no slashes, no leading dot, no `..`). */
export function isValidLocalName(name: string): boolean {
  return NAME.test(name) && !name.includes('..') && !name.endsWith('.lock');
}

/** `repo.git` → `repo`. */
export function stripGitSuffix(name: string): string {
  return name.replace(/\.git$/, '');
}

/**
 * `<root>/<organization>/<repository>.git`, after checking both names so a
 * path from a URL or a pipeline can never leave the root.
 */
export function localRepoDir(
  root: string,
  organization: string,
  repository: string,
): string {
  const repo = stripGitSuffix(repository);
  for (const [field, value] of [
    ['organization', organization],
    ['repository', repo],
  ] as const) {
    if (!isValidLocalName(value)) {
      throw new InputError(
        `local git host: ${field} "${value}" is not a valid name (letters, digits, ".", "_", "-"; one path segment)`,
      );
    }
  }
  return join(resolve(root), organization, `${repo}.git`);
}

/** True when `dir` looks like a bare repository (has HEAD and objects/). */
export async function isBareRepo(dir: string): Promise<boolean> {
  try {
    const [head, objects] = await Promise.all([
      stat(join(dir, 'HEAD')),
      stat(join(dir, 'objects')),
    ]);
    return head.isFile() && objects.isDirectory();
  } catch {
    return false;
  }
}
