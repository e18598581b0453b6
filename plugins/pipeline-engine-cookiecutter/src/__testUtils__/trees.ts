import { execFile } from 'node:child_process';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { buildContext } from '../builtin/context';
import { pyStr } from '../jinja/values';

const run = promisify(execFile);

/** A directory tree as `path -> "type mode content"`, for byte-exact comparisons with readable diffs. */
export async function snapshotTree(
  root: string,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const name of (await readdir(dir)).sort()) {
      const abs = join(dir, name);
      const rel = relative(root, abs);
      const st = await lstat(abs);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[rel] = `symlink ${await readlink(abs)}`;
      else if (st.isDirectory()) {
        out[rel] = `dir ${mode}`;
        await walk(abs);
      } else {
        const bytes = await readFile(abs);
        const text = bytes.toString('utf8');
        out[rel] =
          `file ${mode} ${Buffer.from(text, 'utf8').equals(bytes) ? JSON.stringify(text) : `base64:${bytes.toString('base64')}`}`;
      }
    }
  };
  await walk(root);
  return out;
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `cc-${prefix}-`));
}

/** Runs the real cookiecutter with a private config, as `cookiecutter --no-input -o OUT TEMPLATE k=v`. */
export async function runCookiecutter(
  cli: string,
  templateDir: string,
  outputDir: string,
  variables: Record<string, string>,
  overwrite = false,
): Promise<void> {
  const home = await tempDir('home');
  try {
    const config = join(home, 'config.yaml');
    await writeFile(
      config,
      `cookiecutters_dir: ${JSON.stringify(join(home, 'cc'))}\nreplay_dir: ${JSON.stringify(join(home, 'replay'))}\n`,
    );
    await mkdir(outputDir, { recursive: true });
    await run(
      cli,
      [
        '--no-input',
        '--config-file',
        config,
        '-o',
        outputDir,
        ...(overwrite ? ['-f'] : []),
        '--',
        templateDir,
        ...Object.entries(variables).map(([k, v]) => `${k}=${v}`),
      ],
      { cwd: home },
    );
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

let rendersPrivate: Promise<boolean> | undefined;

/** Whether this cookiecutter renders `__` private variables (2.1+); 1.7 copies them raw. */
export function cliRendersDoubleUnderscore(cli: string): Promise<boolean> {
  rendersPrivate ??= (async () => {
    const t = await tempDir('probe');
    try {
      await mkdir(join(t, 'tpl', '{{cookiecutter.a}}'), { recursive: true });
      await writeFile(
        join(t, 'tpl', 'cookiecutter.json'),
        '{"a": "x", "__b": "{{ cookiecutter.a }}y"}',
      );
      await writeFile(
        join(t, 'tpl', '{{cookiecutter.a}}', 'f'),
        '{{ cookiecutter.__b }}',
      );
      await runCookiecutter(cli, join(t, 'tpl'), join(t, 'out'), {});
      return (await readFile(join(t, 'out', 'x', 'f'), 'utf8')) === 'xy';
    } finally {
      await rm(t, { recursive: true, force: true });
    }
  })();
  return rendersPrivate;
}

/**
 * The `__` variables as the builtin engine renders them. Given to a
 * cookiecutter that does not render them itself (1.7 sets overridden `__`
 * values verbatim), so the rest of the tree can still be compared.
 */
export async function renderedPrivateVariables(
  templateDir: string,
  variables: Record<string, string>,
): Promise<Record<string, string>> {
  const ctx = await buildContext(templateDir, variables, templateDir);
  const out: Record<string, string> = {};
  for (const [k, v] of ctx.cookiecutter.entries()) {
    if (typeof k === 'string' && k.startsWith('__') && typeof v === 'string')
      out[k] = pyStr(v);
  }
  return out;
}
