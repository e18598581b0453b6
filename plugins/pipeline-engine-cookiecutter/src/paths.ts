import { readdirSync, realpathSync, statSync } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { PathEscapeError } from './errors';

/* Containment checks: nothing rendered or configured may leave its directory. */

/** Whether `child` is `parent` or inside it (both absolute, normalized). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * A rendered file or directory name, checked and normalized to a
 * `/`-separated relative path ('' for the directory itself). Absolute paths,
 * `..` segments and NUL bytes are refused.
 */
export function safeRelativePath(rendered: string, what: string): string {
  if (rendered.includes('\0'))
    throw new PathEscapeError(
      `${what} "${rendered}" contains a NUL byte`,
      rendered,
    );
  if (rendered.startsWith('/')) {
    throw new PathEscapeError(
      `${what} "${rendered}" is an absolute path; rendered paths must stay inside the output directory`,
      rendered,
    );
  }
  const segments = rendered.split('/');
  if (segments.includes('..')) {
    throw new PathEscapeError(
      `${what} "${rendered}" contains "..", which could leave the output directory`,
      rendered,
    );
  }
  return segments.filter(s => s !== '' && s !== '.').join('/');
}

async function deepestExisting(p: string): Promise<string> {
  let current = p;
  for (;;) {
    try {
      await lstat(current);
      return current;
    } catch {
      const parent = resolve(current, '..');
      if (parent === current) return current;
      current = parent;
    }
  }
}

/**
 * Resolves `p` against `base` (absolute `p` must already be inside it) and
 * checks the result stays inside `base`, also after following symlinks of
 * the part that exists. `where` names `base` in errors.
 *
 * @public
 */
export async function resolveInside(
  base: string,
  p: string,
  what: string,
  where = 'the stage workspace',
): Promise<string> {
  const abs = resolve(base, p);
  if (!isInside(resolve(base), abs)) {
    throw new PathEscapeError(`${what} "${p}" is outside ${where}`, p);
  }
  const realBase = await realpath(base);
  const existing = await deepestExisting(abs);
  const realExisting = await realpath(existing).catch(() => existing);
  if (!isInside(realBase, realExisting)) {
    throw new PathEscapeError(
      `${what} "${p}" leads outside ${where} through a symbolic link`,
      p,
    );
  }
  return abs;
}

/** A symbolic link found in a template. */
export interface TemplateSymlink {
  /** Path relative to the scanned root, `/`-separated. */
  path: string;
  /** Whether it points at a directory. */
  isDir: boolean;
}

/**
 * Every symbolic link under `root` (except in `.git`); a link that points
 * outside `root`, or nowhere, is refused, since cookiecutter would copy the
 * file it points at into the project.
 */
export async function scanSymlinks(root: string): Promise<TemplateSymlink[]> {
  const realRoot = await realpath(root);
  const found: Array<TemplateSymlink & { target?: string }> = [];
  // Synchronous: one readdir per directory, which for a template of many small directories beats the thread pool's round trips.
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (rel === '' && entry.name === '.git') continue;
      const abs = join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) {
        let target: string | undefined;
        try {
          target = realpathSync(abs);
        } catch {
          target = undefined;
        }
        found.push({
          path: relPath,
          isDir: target ? statSync(abs).isDirectory() : false,
          target,
        });
      } else if (entry.isDirectory()) {
        walk(abs, relPath);
      }
    }
  };
  walk(root, '');
  found.sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const link of found) {
    if (!link.target)
      throw new PathEscapeError(
        `template symlink "${link.path}" points nowhere`,
        link.path,
      );
    if (!isInside(realRoot, link.target)) {
      throw new PathEscapeError(
        `template symlink "${link.path}" points outside the template (${link.target})`,
        link.path,
      );
    }
  }
  return found.map(({ path, isDir }) => ({ path, isDir }));
}

/** `a/b` from segments, for messages and file lists. @public */
export function toPosix(p: string): string {
  return p.split(sep).join(posix.sep);
}
