import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  stat,
} from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { ConflictError } from '@backstage/errors';
import { PathEscapeError } from './errors';
import { isInside, toPosix } from './paths';

/*
 * Moves a project rendered in a staging directory into place: a rename when
 * the target is new, a merge with overwriteIfExists (cookiecutter -f), and a
 * no-op when the target already holds exactly the same files, which is what
 * makes re-running the step after an engine restart safe.
 */

/** What {@link installProject} did. */
export type InstallOutcome = 'created' | 'merged' | 'unchanged';

/** Files under `dir`, relative and `/`-separated, sorted (symlinks are listed, not followed). */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      if (e.isDirectory()) await walk(abs);
      else out.push(toPosix(relative(dir, abs)));
    }
  };
  await walk(dir);
  return out.sort();
}

async function sameTree(a: string, b: string): Promise<boolean> {
  const [ea, eb] = await Promise.all([
    readdir(a, { withFileTypes: true }),
    readdir(b, { withFileTypes: true }),
  ]);
  if (ea.length !== eb.length) return false;
  const byName = new Map(eb.map(e => [e.name, e]));
  for (const x of ea) {
    const y = byName.get(x.name);
    if (
      !y ||
      x.isDirectory() !== y.isDirectory() ||
      x.isSymbolicLink() !== y.isSymbolicLink()
    )
      return false;
    const pa = join(a, x.name);
    const pb = join(b, x.name);
    if (x.isDirectory()) {
      if (!(await sameTree(pa, pb))) return false;
    } else if (x.isSymbolicLink()) {
      if ((await readlink(pa)) !== (await readlink(pb))) return false;
    } else {
      const [sa, sb] = await Promise.all([stat(pa), stat(pb)]);
      if ((sa.mode & 0o7777) !== (sb.mode & 0o7777) || sa.size !== sb.size)
        return false;
      if (!(await readFile(pa)).equals(await readFile(pb))) return false;
    }
  }
  return true;
}

/** Refuses an existing path that is a symlink leading outside `root`; cookiecutter would write through it. */
async function checkLink(path: string, root: string): Promise<void> {
  const real = await realpath(path).catch(() => undefined);
  const realRoot = await realpath(root);
  if (!real || !isInside(realRoot, real)) {
    throw new PathEscapeError(
      `refusing to write through "${path}": it is a symbolic link leading outside the output directory`,
      path,
    );
  }
}

async function merge(from: string, to: string, root: string): Promise<void> {
  for (const e of await readdir(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    const existing = await lstat(dst).catch(() => undefined);
    if (existing?.isSymbolicLink()) await checkLink(dst, root);
    if (e.isDirectory()) {
      if (!existing) {
        await mkdir(dst);
        await chmod(dst, (await stat(src)).mode & 0o7777);
      } else if (!(await stat(dst)).isDirectory()) {
        throw new ConflictError(
          `cannot merge directory "${dst}": a file of that name exists`,
        );
      }
      await merge(src, dst, root);
    } else {
      if (existing && (await stat(dst)).isDirectory()) continue; // cookiecutter skips a file whose path is a directory
      await copyFile(src, dst);
      await chmod(dst, (await stat(src)).mode & 0o7777);
    }
  }
}

/**
 * Installs `staged` (a rendered project directory) at `target`, which must be
 * inside `outputRoot`.
 */
export async function installProject(
  staged: string,
  target: string,
  overwrite: boolean,
  outputRoot: string,
): Promise<InstallOutcome> {
  const existing = await lstat(target).catch(() => undefined);
  if (!existing) {
    await mkdir(dirname(target), { recursive: true });
    await checkLink(dirname(target), outputRoot);
    await rename(staged, target);
    return 'created';
  }
  if (existing.isSymbolicLink()) await checkLink(target, outputRoot);
  if (!(await stat(target)).isDirectory()) {
    throw new ConflictError(
      `"${target}" already exists and is not a directory`,
    );
  }
  if (!overwrite) {
    if (await sameTree(staged, target)) return 'unchanged';
    throw new ConflictError(
      `"${target}" directory already exists; set overwriteIfExists: true to render into it`,
    );
  }
  await merge(staged, target, outputRoot);
  return 'merged';
}
