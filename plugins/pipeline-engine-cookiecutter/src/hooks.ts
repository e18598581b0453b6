import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/* cookiecutter's hooks: hooks/pre_gen_project.* and hooks/post_gen_project.* beside cookiecutter.json. */

const HOOKS = ['pre_gen_project', 'post_gen_project'];

/** The hook scripts cookiecutter would run, as `hooks/<file>` paths. */
export async function findHooks(templateDir: string): Promise<string[]> {
  const entries = await readdir(join(templateDir, 'hooks')).catch(
    () => [] as string[],
  );
  return entries
    .filter(
      f =>
        !f.endsWith('~') &&
        HOOKS.includes(f.includes('.') ? f.slice(0, f.lastIndexOf('.')) : f),
    )
    .map(f => `hooks/${f}`)
    .sort();
}
