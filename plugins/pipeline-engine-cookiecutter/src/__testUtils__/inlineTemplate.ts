import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir } from './trees';

/** A file of an inline template: text, or bytes/mode/symlink. */
export type InlineFile =
  string | { content: string | Buffer; mode?: number } | { symlink: string };

/** Writes a template (paths relative to its root) into a fresh temp dir; returns the root. */
export async function inlineTemplate(
  files: Record<string, InlineFile>,
): Promise<string> {
  const root = await tempDir('tpl');
  for (const [rel, spec] of Object.entries(files)) {
    const abs = join(root, rel);
    await mkdir(dirname(abs), { recursive: true });
    if (typeof spec === 'string') {
      await writeFile(abs, spec);
    } else if ('symlink' in spec) {
      await symlink(spec.symlink, abs);
    } else {
      await writeFile(abs, spec.content);
      if (spec.mode !== undefined) await chmod(abs, spec.mode);
    }
  }
  return root;
}
