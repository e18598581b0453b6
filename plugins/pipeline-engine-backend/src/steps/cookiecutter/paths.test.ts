import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PathEscapeError } from '@idp-pipelines/plugin-pipeline-engine-cookiecutter';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import { createCookieCutterStep } from './step';

/* The step's directories (pathForTemplate, outputDirectory) stay in the workspace. */

const dirs: string[] = [];
const track = async (p: Promise<string>) => {
  const d = await p;
  dirs.push(d);
  return d;
};
const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), `cc-${prefix}-`));
afterAll(async () => {
  await Promise.all(dirs.map(d => rm(d, { recursive: true, force: true })));
});

async function errorOf(run: ReturnType<typeof runMockStep>): Promise<Error> {
  const { error } = await run;
  if (!error) throw new Error('expected the step to fail');
  return error;
}

describe('CookieCutter step confines its directories to the workspace', () => {
  const step = createCookieCutterStep();

  async function workspaceWithTemplate(): Promise<string> {
    const ws = await track(tempDir('ws'));
    await mkdir(join(ws, 'tpl', '{{cookiecutter.name}}'), { recursive: true });
    await writeFile(join(ws, 'tpl', 'cookiecutter.json'), '{"name": "svc"}');
    await writeFile(join(ws, 'tpl', '{{cookiecutter.name}}', 'f.txt'), 'x');
    return ws;
  }

  it.each([
    [
      'outputDirectory ../out',
      { outputDirectory: '../out' },
      /spec.outputDirectory "\.\.\/out" is outside the stage workspace/,
    ],
    [
      'outputDirectory /tmp',
      { outputDirectory: '/tmp' },
      /spec.outputDirectory "\/tmp" is outside the stage workspace/,
    ],
    [
      'pathForTemplate ../tpl',
      { pathForTemplate: '../tpl' },
      /spec.pathForTemplate "\.\.\/tpl" is outside the stage workspace/,
    ],
    [
      'pathForTemplate /etc',
      { pathForTemplate: '/etc' },
      /spec.pathForTemplate "\/etc" is outside the stage workspace/,
    ],
  ])('refuses %s', async (_what, override, message) => {
    const ws = await workspaceWithTemplate();
    const spec = {
      templateType: 'private',
      pathForTemplate: 'tpl',
      cookieCutterVariables: {},
      ...override,
    };
    const e = await errorOf(runMockStep(step, spec, { workspace: ws }));
    expect(e).toBeInstanceOf(PathEscapeError);
    expect(e.message).toMatch(message);
  });

  it('refuses an outputDirectory that leaves the workspace through a symlink', async () => {
    const ws = await workspaceWithTemplate();
    const elsewhere = await track(tempDir('elsewhere'));
    await symlink(elsewhere, join(ws, 'link'));
    const e = await errorOf(
      runMockStep(
        step,
        {
          templateType: 'private',
          pathForTemplate: 'tpl',
          outputDirectory: 'link/sub',
          cookieCutterVariables: {},
        },
        { workspace: ws },
      ),
    );
    expect(e.message).toMatch(
      /spec.outputDirectory "link\/sub" leads outside the stage workspace through a symbolic link/,
    );
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('accepts an absolute path inside the workspace', async () => {
    const ws = await workspaceWithTemplate();
    const run = await runMockStep(
      step,
      {
        templateType: 'private',
        pathForTemplate: join(ws, 'tpl'),
        outputDirectory: join(ws, 'out'),
        cookieCutterVariables: {},
      },
      { workspace: ws },
    );
    expect(run.error).toBeUndefined();
    expect((await lstat(join(ws, 'out', 'svc', 'f.txt'))).isFile()).toBe(true);
  });
});
