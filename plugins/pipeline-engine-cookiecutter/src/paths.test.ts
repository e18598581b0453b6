import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  describeWithCookiecutter,
  findCookiecutter,
  inCi,
} from './__testUtils__/cookiecutterCli';
import { inlineTemplate } from './__testUtils__/inlineTemplate';
import { tempDir } from './__testUtils__/trees';
import { createBuiltinEngine } from './builtin/builtinEngine';
import { createCliEngine } from './cli/cliEngine';
import { PathEscapeError } from './errors';
import { safeRelativePath } from './paths';
import type { CookiecutterEngine } from './types';

/* Nothing rendered or configured may leave the output directory or the workspace. */

jest.setTimeout(60_000);

const dirs: string[] = [];
const track = async (p: Promise<string>) => {
  const d = await p;
  dirs.push(d);
  return d;
};
afterAll(async () => {
  await Promise.all(dirs.map(d => rm(d, { recursive: true, force: true })));
});

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** An output directory nested in a sandbox, so an escape would land in the sandbox, where we look for it. */
async function sandbox(): Promise<{ root: string; output: string }> {
  const root = await track(tempDir('sandbox'));
  const output = join(root, 'work', 'out');
  await mkdir(output, { recursive: true });
  return { root, output };
}

async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      out.push(`${rel}${e.name}`);
      if (e.isDirectory()) await walk(join(d, e.name), `${rel}${e.name}/`);
    }
  };
  await walk(dir, '');
  return out.sort();
}

/** The engines under test: the cli one when cookiecutter is installed, and always in CI (where its absence fails). */
const engines: Array<[string, () => CookiecutterEngine]> = [
  ['builtin', () => createBuiltinEngine()],
  ...(findCookiecutter() || inCi()
    ? [
        [
          'cli',
          () => {
            const cli = findCookiecutter();
            if (!cli)
              throw new Error(
                'cookiecutter is not on PATH: install it (apt-get install -y cookiecutter)',
              );
            return createCliEngine({
              command: cli,
              planner: createBuiltinEngine(),
            });
          },
        ] as [string, () => CookiecutterEngine],
      ]
    : []),
];

describe('safeRelativePath', () => {
  it('normalizes harmless names and refuses escapes', () => {
    expect(safeRelativePath('a/./b//c', 'x')).toBe('a/b/c');
    expect(safeRelativePath('', 'x')).toBe('');
    expect(() => safeRelativePath('../a', 'x')).toThrow(PathEscapeError);
    expect(() => safeRelativePath('a/../../b', 'x')).toThrow(/contains "\.\."/);
    expect(() => safeRelativePath('/etc/passwd', 'x')).toThrow(/absolute path/);
    expect(() => safeRelativePath('a\0b', 'x')).toThrow(/NUL/);
  });
});

describe.each(engines)('%s engine refuses path escapes', (_name, make) => {
  const attempts: Array<
    [string, Record<string, string>, Record<string, string>, RegExp]
  > = [
    [
      'a project name rendering to ..',
      {
        'cookiecutter.json': '{"name": "../../escaped"}',
        '{{cookiecutter.name}}/f.txt': 'x',
      },
      {},
      /project directory name "\.\.\/\.\.\/escaped" contains "\.\."/,
    ],
    [
      'a variable turning a directory name into ..',
      {
        'cookiecutter.json': '{"name": "p", "sub": "ok"}',
        '{{cookiecutter.name}}/{{cookiecutter.sub}}/f.txt': 'x',
      },
      { sub: '../../../escaped' },
      /contains "\.\."/,
    ],
    [
      'a file name rendering to an absolute path',
      {
        'cookiecutter.json': '{"name": "p", "file": "f.txt"}',
        '{{cookiecutter.name}}/{{cookiecutter.file}}': 'x',
      },
      { file: '/tmp/escaped.txt' },
      /is an absolute path|looks like a path out/,
    ],
    [
      'a file name with .. after a slash',
      {
        'cookiecutter.json': '{"name": "p", "file": "f.txt"}',
        '{{cookiecutter.name}}/{{cookiecutter.file}}': 'x',
      },
      { file: 'a/../../../escaped.txt' },
      /contains "\.\."/,
    ],
    [
      'a _copy_without_render pattern with ..',
      {
        'cookiecutter.json': '{"name": "p", "_copy_without_render": ["../*"]}',
        '{{cookiecutter.name}}/f.txt': 'x',
      },
      {},
      /_copy_without_render pattern "\.\.\/\*" points outside/,
    ],
    [
      'an absolute _copy_without_render pattern',
      {
        'cookiecutter.json':
          '{"name": "p", "_copy_without_render": ["/etc/*"]}',
        '{{cookiecutter.name}}/f.txt': 'x',
      },
      {},
      /points outside/,
    ],
  ];

  it.each(attempts)('%s', async (_what, files, variables, message) => {
    const engine = make();
    const t = await track(inlineTemplate(files));
    const { root, output } = await sandbox();
    const e = await errorOf(
      engine.render({
        templateDir: t,
        outputDir: output,
        variables,
        overwriteIfExists: false,
      }),
    );
    expect(e).toBeInstanceOf(PathEscapeError);
    expect(e.message).toMatch(message);
    expect(await tree(root)).toEqual(['work', 'work/out']);
  });

  it('a template symlink pointing outside the template', async () => {
    const engine = make();
    const secretDir = await track(tempDir('secret'));
    await writeFile(join(secretDir, 'secret.txt'), 'top secret');
    const t = await track(
      inlineTemplate({
        'cookiecutter.json': '{"name": "p"}',
        '{{cookiecutter.name}}/ok.txt': 'x',
        '{{cookiecutter.name}}/leak.txt': {
          symlink: join(secretDir, 'secret.txt'),
        },
      }),
    );
    const { root, output } = await sandbox();
    const e = await errorOf(
      engine.render({
        templateDir: t,
        outputDir: output,
        variables: {},
        overwriteIfExists: false,
      }),
    );
    expect(e).toBeInstanceOf(PathEscapeError);
    expect(e.message).toContain(
      'template symlink "{{cookiecutter.name}}/leak.txt" points outside the template',
    );
    expect(await tree(root)).toEqual(['work', 'work/out']);
  });

  it('an existing project containing a symlink out of the output directory (overwrite)', async () => {
    const engine = make();
    const elsewhere = await track(tempDir('elsewhere'));
    const t = await track(
      inlineTemplate({
        'cookiecutter.json': '{"name": "p"}',
        '{{cookiecutter.name}}/conf/app.txt': 'x',
      }),
    );
    const { output } = await sandbox();
    await mkdir(join(output, 'p'));
    await symlink(elsewhere, join(output, 'p', 'conf'));
    const e = await errorOf(
      engine.render({
        templateDir: t,
        outputDir: output,
        variables: {},
        overwriteIfExists: true,
      }),
    );
    expect(e).toBeInstanceOf(PathEscapeError);
    expect(e.message).toMatch(
      /refusing to write through ".*\/p\/conf": it is a symbolic link leading outside the output directory/,
    );
    expect(await readdir(elsewhere)).toEqual([]);
  });
});

describeWithCookiecutter('cli engine path checks', cli => {
  it('falls back to checking variables when the builtin engine cannot read the names', async () => {
    const t = await track(
      inlineTemplate({
        'cookiecutter.json':
          '{"name": "p", "sub": "ok", "_extensions": ["jinja2.ext.i18n"]}',
        '{{cookiecutter.name}}/{{cookiecutter.sub}}/f.txt': 'x',
      }),
    );
    const { output } = await sandbox();
    const e = await errorOf(
      createCliEngine({
        command: cli(),
        planner: createBuiltinEngine(),
      }).render({
        templateDir: t,
        outputDir: output,
        variables: { sub: '../../x' },
        overwriteIfExists: false,
      }),
    );
    expect(e.message).toMatch(
      /cookieCutterVariables.sub = "\.\.\/\.\.\/x" looks like a path out of the output directory/,
    );
  });
});
