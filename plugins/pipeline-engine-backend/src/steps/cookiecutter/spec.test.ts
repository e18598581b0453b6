import { createCookiecutterEngine } from '@idp-pipelines/plugin-pipeline-engine-cookiecutter';
import { createCookieCutterStep } from './step';
import { parseTemplateUrl, redactUrl } from './templateUrl';

describe('parseTemplateUrl', () => {
  it.each([
    [
      'https://github.com/acme/cookiecutter-svc',
      { cloneUrl: 'https://github.com/acme/cookiecutter-svc', subdir: '' },
    ],
    [
      'https://github.com/acme/templates/tree/main/python/service',
      {
        cloneUrl: 'https://github.com/acme/templates',
        ref: 'main',
        subdir: 'python/service',
      },
    ],
    [
      'https://github.com/acme/templates/tree/v1.2',
      {
        cloneUrl: 'https://github.com/acme/templates',
        ref: 'v1.2',
        subdir: '',
      },
    ],
    [
      'https://gitlab.com/group/sub/repo/-/tree/develop/tpl',
      {
        cloneUrl: 'https://gitlab.com/group/sub/repo',
        ref: 'develop',
        subdir: 'tpl',
      },
    ],
    [
      'https://bitbucket.org/ws/repo/src/master/tpl/x',
      {
        cloneUrl: 'https://bitbucket.org/ws/repo',
        ref: 'master',
        subdir: 'tpl/x',
      },
    ],
    [
      'https://git.example.com/acme/templates.git//svc/go',
      {
        cloneUrl: 'https://git.example.com/acme/templates.git',
        subdir: 'svc/go',
      },
    ],
    [
      'https://git.example.com/acme/templates.git//svc?ref=v2',
      {
        cloneUrl: 'https://git.example.com/acme/templates.git',
        ref: 'v2',
        subdir: 'svc',
      },
    ],
    [
      'file:///srv/git/templates.git//component',
      { cloneUrl: 'file:///srv/git/templates.git', subdir: 'component' },
    ],
    [
      'file:///srv/git/templates.git',
      { cloneUrl: 'file:///srv/git/templates.git', subdir: '' },
    ],
    [
      '/srv/git/templates.git//component',
      { cloneUrl: '/srv/git/templates.git', subdir: 'component' },
    ],
    [
      'git@github.com:acme/templates.git',
      { cloneUrl: 'git@github.com:acme/templates.git', subdir: '' },
    ],
  ])('%s', (url, expected) => {
    expect(parseTemplateUrl(url)).toEqual({ ref: undefined, ...expected });
  });

  it('refuses option-like URLs and climbing subdirectories', () => {
    expect(() => parseTemplateUrl('--upload-pack=evil')).toThrow(
      /is not a repository URL/,
    );
    expect(() => parseTemplateUrl('https://x.test/r.git//../..')).toThrow(
      /contains "\.\."/,
    );
    expect(() => parseTemplateUrl('  ')).toThrow(/is empty/);
  });

  it('redacts credentials', () => {
    expect(redactUrl('https://user:token@github.com/a/b')).toBe(
      'https://***@github.com/a/b',
    );
    expect(redactUrl('https://github.com/a/b')).toBe('https://github.com/a/b');
  });
});

describe('CookieCutter step spec', () => {
  const step = createCookieCutterStep();

  it('declares the Harness step type, idempotent, without outputs', () => {
    expect(step.type).toBe('CookieCutter');
    expect(step.idempotent).toBe(true);
    expect(step.outputs?.({})).toEqual([]);
  });

  it('accepts resolved expressions: string flags, numbers, a JSON object of variables', () => {
    expect(
      step.spec.parse({
        templateType: 'public',
        publicTemplateUrl: 'https://x.test/t',
        verbose: 'true',
        overwriteIfExists: false,
        cookieCutterVariables: {
          name: 'svc',
          replicas: 3,
          debug: true,
          empty: null,
        },
      }),
    ).toEqual({
      templateType: 'public',
      publicTemplateUrl: 'https://x.test/t',
      verbose: true,
      overwriteIfExists: false,
      cookieCutterVariables: {
        name: 'svc',
        replicas: '3',
        debug: 'true',
        empty: '',
      },
    });
    expect(
      step.spec.parse({
        templateType: 'private',
        pathForTemplate: 'tpl',
        cookieCutterVariables: '{"a": "b"}',
      }).cookieCutterVariables,
    ).toEqual({ a: 'b' });
  });

  it('explains what is missing', () => {
    const messages = (spec: unknown) => {
      const r = step.spec.safeParse(spec);
      return r.success
        ? []
        : r.error.issues.map(i => `${i.path.join('.')}: ${i.message}`);
    };
    expect(
      messages({ templateType: 'public', cookieCutterVariables: {} }),
    ).toEqual([
      'publicTemplateUrl: templateType "public" needs publicTemplateUrl (a git repository URL)',
    ]);
    expect(messages({ templateType: 'private' })).toEqual([
      'pathForTemplate: templateType "private" needs pathForTemplate (a directory of the workspace, such as a GitClone step\'s cloneDirectory)',
    ]);
    expect(
      messages({
        templateType: 'private',
        pathForTemplate: 'x',
        cookieCutterVariables: '[1]',
      }),
    ).toEqual([
      'cookieCutterVariables: must be a map of variable names to values (or a JSON object)',
    ]);
  });

  it('selects the engine from configuration', () => {
    expect(createCookiecutterEngine().name).toBe('builtin');
    expect(
      createCookiecutterEngine({ engine: 'cli', command: '/opt/cc' }).name,
    ).toBe('cli');
    expect(() =>
      createCookiecutterEngine({ engine: 'python' as 'cli' }),
    ).toThrow(/must be builtin or cli/);
  });
});
