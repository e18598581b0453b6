import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBareRepo, tempDir } from '../../scm/__testUtils__/gitFixtures';
import { clonePublicTemplate } from './templateSource';

jest.setTimeout(30_000);

describe('clonePublicTemplate from the built-in git host', () => {
  // Nothing listens there: a template read over HTTP would fail.
  const baseUrl = 'http://127.0.0.1:9/api/pipeline-engine/git';
  const allow = async () => ({ configArgs: [] });
  const root = tempDir('template-host-');
  createBareRepo(root, 'templates', 'service', {
    main: [
      { files: { 'cookiecutter.json': '{"v": 1}\n' }, tag: 'v1' },
      {
        files: {
          'cookiecutter.json': '{"v": 2}\n',
          'sub/cookiecutter.json': '{"s": 1}\n',
        },
      },
    ],
  });
  createBareRepo(
    root,
    'templates',
    'secret',
    { main: [{ files: { 'cookiecutter.json': '{}\n' } }] },
    'main',
    'private',
  );

  it('reads public repositories from disk, with ref and subdirectory', async () => {
    const head = await clonePublicTemplate(
      `${baseUrl}/templates/service.git`,
      allow,
      undefined,
      { root, baseUrl },
    );
    expect(
      readFileSync(join(head.templateDir, 'cookiecutter.json'), 'utf8'),
    ).toBe('{"v": 2}\n');
    await head.cleanup();
    const tagged = await clonePublicTemplate(
      `${baseUrl}/templates/service.git?ref=v1`,
      allow,
      undefined,
      { root, baseUrl },
    );
    expect(
      readFileSync(join(tagged.templateDir, 'cookiecutter.json'), 'utf8'),
    ).toBe('{"v": 1}\n');
    await tagged.cleanup();
    const sub = await clonePublicTemplate(
      `${baseUrl}/templates/service.git//sub`,
      allow,
      undefined,
      { root, baseUrl },
    );
    expect(
      readFileSync(join(sub.templateDir, 'cookiecutter.json'), 'utf8'),
    ).toBe('{"s": 1}\n');
    await sub.cleanup();
  });

  it('clones private repositories over HTTP like any other URL (anonymous readers are refused there)', async () => {
    await expect(
      clonePublicTemplate(`${baseUrl}/templates/secret.git`, allow, undefined, {
        root,
        baseUrl,
      }),
    ).rejects.toThrow(
      /^cloning the template http:\/\/127\.0\.0\.1:9\/api\/pipeline-engine\/git\/templates\/secret\.git failed/,
    );
  });
});
