import {
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { describeWithCookiecutter } from './__testUtils__/cookiecutterCli';
import { inlineTemplate } from './__testUtils__/inlineTemplate';
import { tempDir } from './__testUtils__/trees';
import { createBuiltinEngine } from './builtin/builtinEngine';
import { buildContext } from './builtin/context';
import { createCliEngine } from './cli/cliEngine';
import { CookiecutterTemplateError } from './errors';
import { pyRepr } from './jinja/values';

jest.setTimeout(60_000);

const CLI_HINT = 'pipelineEngine.cookiecutter.engine: cli';
const dirs: string[] = [];
async function out(): Promise<string> {
  const d = await tempDir('out');
  dirs.push(d);
  return d;
}
async function template(
  files: Parameters<typeof inlineTemplate>[0],
): Promise<string> {
  const d = await inlineTemplate(files);
  dirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(dirs.map(d => rm(d, { recursive: true, force: true })));
});

const builtin = createBuiltinEngine();
const render = async (
  templateDir: string,
  variables: Record<string, string> = {},
  extra: { overwriteIfExists?: boolean; outputDir?: string } = {},
) =>
  builtin.render({
    templateDir,
    outputDir: extra.outputDir ?? (await out()),
    variables,
    overwriteIfExists: extra.overwriteIfExists ?? false,
  });

async function errorOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('builtin engine refusals and errors', () => {
  it('names file, line and filter for an unknown filter, and suggests the cli engine', async () => {
    const t = await template({
      'cookiecutter.json': '{"name": "demo"}',
      '{{cookiecutter.name}}/ok.txt': 'fine\n',
      '{{cookiecutter.name}}/src/app.py':
        'line one\nline two\nvalue = "{{ cookiecutter.name|shout }}"\n',
    });
    const e = await errorOf(render(t));
    expect(e).toBeInstanceOf(CookiecutterTemplateError);
    expect(e.message).toContain('{{cookiecutter.name}}/src/app.py:3');
    expect(e.message).toContain("unknown filter 'shout'");
    expect(e.message).toContain(CLI_HINT);
    expect((e as CookiecutterTemplateError).file).toBe(
      '{{cookiecutter.name}}/src/app.py',
    );
    expect((e as CookiecutterTemplateError).line).toBe(3);
  });

  it('refuses Jinja2 filters it cannot reproduce, naming them', async () => {
    const t = await template({
      'cookiecutter.json': '{"name": "demo"}',
      '{{cookiecutter.name}}/a.txt': '\n\n{{ [1, 2]|random }}',
    });
    const e = await errorOf(render(t));
    expect(e.message).toMatch(
      /a\.txt:3: the 'random' filter is not supported by the builtin cookiecutter engine/,
    );
    expect(e.message).toContain(CLI_HINT);
  });

  it('refuses unsupported tags and extensions', async () => {
    const extend = await template({
      'cookiecutter.json': '{"name": "demo"}',
      '{{cookiecutter.name}}/a.txt': '{% extends "b.txt" %}',
    });
    expect((await errorOf(render(extend))).message).toMatch(
      /a\.txt:1: the \{% extends %\} tag is not supported.*engine: cli/,
    );
    const ext = await template({
      'cookiecutter.json':
        '{"name": "demo", "_extensions": ["local_extensions.MyFilter"]}',
      '{{cookiecutter.name}}/a.txt': 'x',
    });
    expect((await errorOf(render(ext))).message).toMatch(
      /extension "local_extensions.MyFilter".*engine: cli/,
    );
  });

  it('refuses a template with hooks, naming them', async () => {
    const t = await template({
      'cookiecutter.json': '{"name": "demo"}',
      'hooks/post_gen_project.py': 'print("hi")\n',
      '{{cookiecutter.name}}/a.txt': 'x',
    });
    const e = await errorOf(render(t));
    expect(e.message).toContain('hooks/post_gen_project.py');
    expect(e.message).toContain('cannot run');
    expect(e.message).toContain(CLI_HINT);
  });

  it('ignores a hooks directory without hook scripts (as cookiecutter does)', async () => {
    const t = await template({
      'cookiecutter.json': '{"name": "demo"}',
      'hooks/README.md': 'notes',
      'hooks/post_gen_project.py~': 'backup',
      '{{cookiecutter.name}}/a.txt': 'x',
    });
    expect((await render(t)).files).toEqual(['a.txt']);
  });

  it('reports undefined variables and syntax errors with file and line', async () => {
    const undef = await template({
      'cookiecutter.json': '{"name": "demo"}',
      '{{cookiecutter.name}}/a.txt': 'ok\n{{ cookiecutter.nope }}',
    });
    expect((await errorOf(render(undef))).message).toMatch(
      /a\.txt:2: undefined variable: 'collections.OrderedDict object' has no attribute 'nope'/,
    );
    const syntax = await template({
      'cookiecutter.json': '{"name": "demo"}',
      '{{cookiecutter.name}}/a.txt': '{% if x %}\nunclosed',
    });
    expect((await errorOf(render(syntax))).message).toMatch(
      /a\.txt:2: template syntax error: Unexpected end of template/,
    );
    const json = await template({
      'cookiecutter.json': '{"name": "demo",\n}',
      '{{cookiecutter.name}}/a.txt': 'x',
    });
    expect((await errorOf(render(json))).message).toMatch(
      /cookiecutter.json is not valid JSON: Expecting property name enclosed in double quotes: line 2/,
    );
    const badDefault = await template({
      'cookiecutter.json': '{"a": "{{ cookiecutter.b }}", "b": "x"}',
      '{{cookiecutter.a}}/f': 'x',
    });
    expect((await errorOf(render(badDefault))).message).toMatch(
      /cookiecutter.json:1 \(variable "a"\): undefined variable/,
    );
    const laterLine = await template({
      'cookiecutter.json':
        '{\n  "a": "x",\n  "b": [\n    "{{ cookiecutter.nope }}"\n  ],\n  "c": "{% if %}"\n}',
      '{{cookiecutter.a}}/f': 'x',
    });
    expect((await errorOf(render(laterLine))).message).toMatch(
      /^cookiecutter.json:3 \(variable "b"\): undefined variable/,
    );
    const syntaxLine = await template({
      'cookiecutter.json': '{\n  "a": "x",\n  "c": "{% if %}"\n}',
      '{{cookiecutter.a}}/f': 'x',
    });
    expect((await errorOf(render(syntaxLine))).message).toMatch(
      /^cookiecutter.json:3 \(variable "c"\): template syntax error/,
    );
  });

  it('refuses a private dict whose rendering differs between cookiecutter versions', async () => {
    const t = await template({
      'cookiecutter.json': '{"n": "x", "_d": {"k": "{{ cookiecutter.n }}"}}',
      '{{cookiecutter.n}}/f': 'x',
    });
    expect((await errorOf(render(t))).message).toMatch(
      /private dict variable "_d".*engine: cli/,
    );
    const ok = await template({
      'cookiecutter.json': '{"n": "x", "_d": {"k": "plain"}}',
      '{{cookiecutter.n}}/f': '{{ cookiecutter._d.k }}',
    });
    const r = await render(ok);
    expect(await readFile(join(r.projectDir, 'f'), 'utf8')).toBe('plain');
  });

  it('refuses cookiecutter.json features that only cookiecutter 2.x honours', async () => {
    const env = await template({
      'cookiecutter.json':
        '{"n": "x", "_jinja2_env_vars": {"trim_blocks": true}}',
      '{{cookiecutter.n}}/f': 'x',
    });
    expect((await errorOf(render(env))).message).toMatch(
      /"_jinja2_env_vars" is honoured by cookiecutter 2.x only/,
    );
    const privateBool = await template({
      'cookiecutter.json': '{"n": "x", "_flags": [true]}',
      '{{cookiecutter.n}}/f': '{{ cookiecutter._flags }}',
    });
    expect(
      await readFile(join((await render(privateBool)).projectDir, 'f'), 'utf8'),
    ).toBe('[True]');
  });

  it('fails where cookiecutter fails: non-UTF-8 text, a missing project directory', async () => {
    const latin1 = await template({
      'cookiecutter.json': '{"n": "x"}',
      '{{cookiecutter.n}}/f.txt': {
        content: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]),
      },
    });
    expect((await errorOf(render(latin1))).message).toMatch(
      /f\.txt: cookiecutter would render this file as text but it is not valid UTF-8/,
    );
    const none = await template({
      'cookiecutter.json': '{"n": "x"}',
      'plain/f': 'x',
    });
    expect((await errorOf(render(none))).message).toMatch(
      /no project directory/,
    );
  });
});

describe('builtin engine semantics', () => {
  it('builds the context like cookiecutter: overrides, choices, rendered defaults, private variables', async () => {
    const t = await template({
      'cookiecutter.json': JSON.stringify({
        project_name: 'My App',
        slug: "{{ cookiecutter.project_name|lower|replace(' ', '-') }}",
        license: ['MIT', 'BSD', '{{ cookiecutter.slug }}-license'],
        count: 3,
        ratio: 0.5,
        __pkg: "{{ cookiecutter.slug.replace('-', '_') }}",
        _raw: '{{ not rendered }}',
        meta: { owner: '{{ cookiecutter.slug }}', n: 1 },
      }),
      '{{cookiecutter.slug}}/f': 'x',
    });
    const ctx = await buildContext(
      t,
      { project_name: 'Big Thing', license: 'BSD', unknown: 'x' },
      t,
    );
    expect(pyRepr(ctx.cookiecutter.copy(false))).toBe(
      `{'project_name': 'Big Thing', 'slug': 'big-thing', 'license': 'BSD', 'count': '3', 'ratio': '0.5', '__pkg': 'big_thing', '_raw': '{{ not rendered }}', 'meta': {'owner': 'big-thing', 'n': '1'}, '_template': ${pyRepr(t)}}`,
    );
    expect(ctx.ignored).toEqual(['unknown']);
    const bad = await buildContext(t, { license: 'GPL' }, t);
    expect(bad.invalidChoices).toEqual([
      {
        name: 'license',
        value: 'GPL',
        choices: ['MIT', 'BSD', '{{ cookiecutter.slug }}-license'],
      },
    ]);
  });

  it('warns about ignored variables and invalid choices', async () => {
    const t = await template({
      'cookiecutter.json': '{"n": "x", "kind": ["a", "b"]}',
      '{{cookiecutter.n}}/f': '{{ cookiecutter.kind }}',
    });
    const warnings: string[] = [];
    const r = await builtin.render({
      templateDir: t,
      outputDir: await out(),
      variables: { nn: '1', kind: 'c' },
      overwriteIfExists: false,
      warn: m => warnings.push(m),
    });
    expect(await readFile(join(r.projectDir, 'f'), 'utf8')).toBe('a');
    expect(warnings).toEqual([
      'cookieCutterVariables not in cookiecutter.json are ignored, as cookiecutter ignores them: nn',
      'cookieCutterVariables.kind = "c" is not one of its choices (a, b); cookiecutter keeps the default "a"',
    ]);
  });

  it('renders JSON booleans as cookiecutter 1.7 does ("True"/"False", both truthy), with a warning', async () => {
    const t = await template({
      'cookiecutter.json':
        '{"n": "x", "use_docker": false, "ci": [true, "none"], "label": "{{ cookiecutter.use_docker }}"}',
      '{{cookiecutter.n}}/f':
        '{{ cookiecutter.use_docker }} {{ cookiecutter.ci }} {{ cookiecutter.label }} {% if cookiecutter.use_docker %}truthy{% endif %}',
    });
    const warnings: string[] = [];
    const r = await builtin.render({
      templateDir: t,
      outputDir: await out(),
      variables: {},
      overwriteIfExists: false,
      warn: m => warnings.push(m),
    });
    expect(await readFile(join(r.projectDir, 'f'), 'utf8')).toBe(
      'False True False truthy',
    );
    expect(warnings).toEqual([
      expect.stringMatching(
        /^cookiecutter.json: use_docker, ci hold JSON booleans, rendered as the strings "True"\/"False"/,
      ),
    ]);
  });

  it('resolves include, import and from-import relative to the project template directory, as cookiecutter 1.7 does', async () => {
    const t = await template({
      'cookiecutter.json': '{"n": "x", "license": "MIT"}',
      '{{cookiecutter.n}}/licenses/MIT':
        'MIT for {{ cookiecutter.n }} by {{ who | default("nobody") }}\n',
      '{{cookiecutter.n}}/licenses/plain': '{{ 1 + 1 }} {{ who is defined }}\n',
      '{{cookiecutter.n}}/macros/rst':
        '{% macro heading(t, ch="=") %}{{ t }}\n{{ ch * t|length }}{% endmacro %}{% set version = "1.0" %}{% set _hidden = 1 %}',
      '{{cookiecutter.n}}/macros/ctx':
        '{% macro name() %}{{ cookiecutter.n }}{% endmacro %}',
      '{{cookiecutter.n}}/README': [
        '{% set who = "me" %}{% include "licenses/" ~ cookiecutter.license %}',
        '{% include "./licenses//plain" ignore missing without context %}{% include "missing" ignore missing %}{% include ["nope", "licenses/MIT"] %}',
        '{% from "macros/rst" import heading, version as v %}{{ heading("Title") }} {{ v }}',
        '{% import "macros/rst" as rst %}{{ rst.heading("Sub", "-") }} {{ rst._hidden is defined }}',
        '{% from "macros/ctx" import name with context %}{{ name() }}',
      ].join('\n'),
    });
    const r = await render(t);
    expect(await readFile(join(r.projectDir, 'README'), 'utf8')).toBe(
      'MIT for x by me\n\n2 False\nMIT for x by me\n\nTitle\n===== 1.0\nSub\n--- False\nx',
    );
    // The included files are project files too, as cookiecutter renders every file of the directory.
    expect(r.files).toEqual([
      'README',
      'licenses/MIT',
      'licenses/plain',
      'macros/ctx',
      'macros/rst',
    ]);
  });

  it('reports include and import problems in the file they are in, with its line', async () => {
    const base = { 'cookiecutter.json': '{"n": "x"}' };
    const missing = await template({
      ...base,
      '{{cookiecutter.n}}/a': 'ok\n{% include "licenses/GPL" %}',
    });
    expect((await errorOf(render(missing))).message).toBe(
      '{{cookiecutter.n}}/a:2: template "licenses/GPL" not found in the project template directory "{{cookiecutter.n}}" (cookiecutter 1.7 resolves template names relative to it)',
    );
    const parent = await template({
      ...base,
      '{{cookiecutter.n}}/a': '{% include "../cookiecutter.json" %}',
    });
    expect((await errorOf(render(parent))).message).toMatch(
      /a:1: template "..\/cookiecutter.json" not found \(Jinja2 refuses ".." in template names\)/,
    );
    const v2Only = await template({
      ...base,
      'templates/lic': 'L',
      '{{cookiecutter.n}}/a': '{% include "lic" %}',
    });
    const v2Error = await errorOf(render(v2Only));
    expect(v2Error.message).toMatch(
      /a:1: the template "lic" from templates\/ next to cookiecutter.json \(cookiecutter 2.x looks there.*engine: cli/,
    );
    const inner = await template({
      ...base,
      '{{cookiecutter.n}}/a': '\n{% include "inc" %}',
      '{{cookiecutter.n}}/inc': 'fine\n{{ cookiecutter.nope }}',
    });
    const innerError = await errorOf(render(inner));
    expect(innerError.message).toMatch(
      /^\{\{cookiecutter.n\}\}\/inc:2 \(used by \{\{cookiecutter.n\}\}\/a\): undefined variable/,
    );
    const macro = await template({
      ...base,
      '{{cookiecutter.n}}/a': '{% from "m" import f %}\n\n{{ f() }}',
      '{{cookiecutter.n}}/m':
        '{% macro f() %}\n{{ cookiecutter.n }}{% endmacro %}',
    });
    // Imports do not see the context by default, in Jinja2 as here.
    expect((await errorOf(render(macro))).message).toMatch(
      /^\{\{cookiecutter.n\}\}\/m:2 \(used by \{\{cookiecutter.n\}\}\/a\): undefined variable: 'cookiecutter' is undefined/,
    );
    const syntax = await template({
      ...base,
      '{{cookiecutter.n}}/a': '{% import "m" as m %}',
      '{{cookiecutter.n}}/m': 'x\n{% if %}',
    });
    expect((await errorOf(render(syntax))).message).toMatch(
      /^\{\{cookiecutter.n\}\}\/m:2 \(used by \{\{cookiecutter.n\}\}\/a\): template syntax error/,
    );
  });

  it('copies binary files and _copy_without_render paths untouched, keeping modes', async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301010018dd8db00000000049454e44ae426082',
      'hex',
    );
    const t = await template({
      'cookiecutter.json':
        '{"n": "x", "_copy_without_render": ["*.tpl", "vendor"]}',
      '{{cookiecutter.n}}/logo.png': { content: png },
      '{{cookiecutter.n}}/run.sh': {
        content: '#!/bin/sh\necho {{ cookiecutter.n }}\n',
        mode: 0o750,
      },
      '{{cookiecutter.n}}/keep.tpl': '{{ raw }}',
      '{{cookiecutter.n}}/vendor/{{x}}.js': '{{ y }}',
    });
    const r = await render(t);
    expect(r.files).toEqual([
      'keep.tpl',
      'logo.png',
      'run.sh',
      'vendor/{{x}}.js',
    ]);
    expect(await readFile(join(r.projectDir, 'logo.png'))).toEqual(png);
    expect(await readFile(join(r.projectDir, 'run.sh'), 'utf8')).toBe(
      '#!/bin/sh\necho x\n',
    );
    expect((await stat(join(r.projectDir, 'run.sh'))).mode & 0o777).toBe(0o750);
    expect(await readFile(join(r.projectDir, 'keep.tpl'), 'utf8')).toBe(
      '{{ raw }}',
    );
    expect(await readFile(join(r.projectDir, 'vendor/{{x}}.js'), 'utf8')).toBe(
      '{{ y }}',
    );
  });

  it('skips files whose name renders empty and creates nested directories from slashes', async () => {
    const t = await template({
      'cookiecutter.json': '{"n": "x", "pkg": "com/acme", "docker": "n"}',
      '{{cookiecutter.n}}/{% if cookiecutter.docker == "y" %}Dockerfile{% endif %}':
        'FROM x',
      '{{cookiecutter.n}}/src/{{cookiecutter.pkg}}/App.java': 'class App {}',
    });
    const r = await render(t);
    expect(r.files).toEqual(['src/com/acme/App.java']);
  });

  it('is idempotent: an identical project directory is accepted, a different one refused unless overwriting', async () => {
    const t = await template({
      'cookiecutter.json': '{"n": "x", "v": "1"}',
      '{{cookiecutter.n}}/f': '{{ cookiecutter.v }}',
    });
    const o = await out();
    expect((await render(t, {}, { outputDir: o })).outcome).toBe('created');
    expect((await render(t, {}, { outputDir: o })).outcome).toBe('unchanged');
    const e = await errorOf(render(t, { v: '2' }, { outputDir: o }));
    expect(e.message).toMatch(
      /"[^"]*\/x" directory already exists; set overwriteIfExists: true/,
    );
    await writeFile(join(o, 'x', 'extra.txt'), 'mine');
    const merged = await render(
      t,
      { v: '2' },
      { outputDir: o, overwriteIfExists: true },
    );
    expect(merged.outcome).toBe('merged');
    expect(await readFile(join(o, 'x', 'f'), 'utf8')).toBe('2');
    expect(await readFile(join(o, 'x', 'extra.txt'), 'utf8')).toBe('mine');
  });
});

describeWithCookiecutter('cli engine', cli => {
  it('renders with the real cookiecutter and runs the template hooks', async () => {
    const t = await template({
      'cookiecutter.json': '{"name": "hooked", "greeting": "hello"}',
      'hooks/pre_gen_project.py':
        'import sys\nif "{{ cookiecutter.name }}" == "forbidden":\n    sys.exit("name is forbidden")\n',
      'hooks/post_gen_project.py':
        'with open("from-hook.txt", "w") as f:\n    f.write("{{ cookiecutter.greeting }} from post_gen_project\\n")\n',
      '{{cookiecutter.name}}/README.md': '# {{ cookiecutter.name }}\n',
    });
    const engine = createCliEngine({
      command: cli(),
      planner: createBuiltinEngine(),
    });
    const r = await engine.render({
      templateDir: t,
      outputDir: await out(),
      variables: { greeting: 'hi' },
      overwriteIfExists: false,
    });
    expect(r.files).toEqual(['README.md', 'from-hook.txt']);
    expect(await readFile(join(r.projectDir, 'from-hook.txt'), 'utf8')).toBe(
      'hi from post_gen_project\n',
    );
    const e = await errorOf(
      engine.render({
        templateDir: t,
        outputDir: await out(),
        variables: { name: 'forbidden' },
        overwriteIfExists: false,
      }),
    );
    expect(e.message).toMatch(/cookiecutter failed \(exit code 1\)/);
    expect(e.message).toContain('name is forbidden');
  });

  it('merges with -f when overwriteIfExists is set, and refuses an existing directory otherwise', async () => {
    const t = await template({
      'cookiecutter.json': '{"name": "p", "v": "1"}',
      '{{cookiecutter.name}}/f': '{{ cookiecutter.v }}',
    });
    const engine = createCliEngine({
      command: cli(),
      planner: createBuiltinEngine(),
    });
    const o = await out();
    await mkdir(join(o, 'p'));
    await writeFile(join(o, 'p', 'mine.txt'), 'keep');
    await expect(
      engine.render({
        templateDir: t,
        outputDir: o,
        variables: {},
        overwriteIfExists: false,
      }),
    ).rejects.toThrow(/already exists/);
    const r = await engine.render({
      templateDir: t,
      outputDir: o,
      variables: { v: '2' },
      overwriteIfExists: true,
    });
    expect(r.outcome).toBe('merged');
    expect(await readFile(join(o, 'p', 'f'), 'utf8')).toBe('2');
    expect(await readFile(join(o, 'p', 'mine.txt'), 'utf8')).toBe('keep');
  });
});

describe('cli engine without the program', () => {
  it('says how to install cookiecutter or switch engines', async () => {
    const t = await template({
      'cookiecutter.json': '{"n": "x"}',
      '{{cookiecutter.n}}/f': 'x',
    });
    const e = await errorOf(
      createCliEngine({
        command: '/nonexistent/cookiecutter',
        planner: createBuiltinEngine(),
      }).render({
        templateDir: t,
        outputDir: await out(),
        variables: {},
        overwriteIfExists: false,
      }),
    );
    expect(e.message).toMatch(
      /the cookiecutter program "\/nonexistent\/cookiecutter" was not found/,
    );
    expect(e.message).toContain('pip install cookiecutter');
    expect(e.message).toContain('pipelineEngine.cookiecutter.command');
    expect(e.message).toContain('pipelineEngine.cookiecutter.engine: builtin');
  });
});

describe('abort', () => {
  it('stops the builtin engine when the signal is aborted', async () => {
    const t = await template({
      'cookiecutter.json': '{"n": "x"}',
      '{{cookiecutter.n}}/f': 'x',
    });
    const controller = new AbortController();
    controller.abort(new Error('step timed out'));
    const o = await out();
    await expect(
      builtin.render({
        templateDir: t,
        outputDir: o,
        variables: {},
        overwriteIfExists: false,
        signal: controller.signal,
      }),
    ).rejects.toThrow('step timed out');
    expect(await readdir(o)).toEqual([]);
  });
});

describeWithCookiecutter('cli engine environment', cli => {
  it('does not hand the backend environment to template hooks', async () => {
    process.env.PIPELINE_ENGINE_TEST_SECRET = 'do-not-leak';
    try {
      const t = await template({
        'cookiecutter.json': '{"name": "env"}',
        'hooks/post_gen_project.py':
          'import os\nopen("env.txt", "w").write(os.environ.get("PIPELINE_ENGINE_TEST_SECRET", "absent"))\n',
        '{{cookiecutter.name}}/README.md': 'x',
      });
      const r = await createCliEngine({
        command: cli(),
        planner: createBuiltinEngine(),
      }).render({
        templateDir: t,
        outputDir: await out(),
        variables: {},
        overwriteIfExists: false,
      });
      expect(await readFile(join(r.projectDir, 'env.txt'), 'utf8')).toBe(
        'absent',
      );
    } finally {
      delete process.env.PIPELINE_ENGINE_TEST_SECRET;
    }
  });
});
