import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli } from './index';
import type { CliIo } from './io';

const EXAMPLE = readFileSync(
  join(
    __dirname,
    '../../../examples/pipelines/self-service-flow.pipeline.yaml',
  ),
  'utf8',
);

function memoryIo(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: l => out.push(l),
    err: l => err.push(l),
    readFile: p => {
      if (!(p in files))
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return files[p];
    },
  };
  return { io, out, err };
}

describe('pipeline validate', () => {
  it('exits 0 on the example pipeline with one file:line:col warning', () => {
    const { io, out } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(runCli(['validate', 'p.yaml'], io)).toBe(0);
    expect(out[0]).toMatch(
      /^p\.yaml:42:34: warning: .*did you mean "repositoty_description"\?/,
    );
    expect(out[1]).toBe('1 file(s) checked: 0 error(s), 1 warning(s)');
  });

  it('exits 1 on a broken copy and prints line:col for every error', () => {
    const broken = EXAMPLE.replace(
      'identifier: createrepo',
      'identifier: create-repo',
    ).replace('type: IDP', 'type: IDPX');
    const { io, out } = memoryIo({ 'broken.yaml': broken, 'p.yaml': EXAMPLE });
    expect(runCli(['validate', 'broken.yaml', 'p.yaml'], io)).toBe(1);
    const errors = out.filter(l => l.includes(': error: '));
    expect(errors).toEqual([
      expect.stringMatching(
        /^broken\.yaml:12:15: error: pipeline\.stages\[0\]\.stage\.type: "IDPX" is not a valid type/,
      ),
      expect.stringMatching(
        /^broken\.yaml:36:31: error: .*steps\[1\]\.step\.identifier: "create-repo" must match/,
      ),
    ]);
    expect(out[out.length - 1]).toBe(
      '2 file(s) checked: 2 error(s), 1 warning(s)',
    );
  });

  it('warns where a stage relies on the order between AllErrors and a specific error type', () => {
    const strategies = `        failureStrategies:
          - onFailure:
              errors: [AllErrors]
              action:
                type: MarkAsFailure
          - onFailure:
              errors: [Timeout]
              action:
                type: Ignore
        type: IDP`;
    const { io, out } = memoryIo({
      'p.yaml': EXAMPLE.replace('        type: IDP', strategies),
    });
    expect(runCli(['validate', 'p.yaml'], io)).toBe(0);
    expect(out).toContainEqual(
      'p.yaml:18:23: warning: pipeline.stages[0].stage.failureStrategies[1].onFailure.errors: failureStrategies[1] handles Timeout although ' +
        'failureStrategies[0] (AllErrors) is listed first: an entry naming an error type applies to it whatever the order, AllErrors only to ' +
        'the other errors — list failureStrategies[1] before the AllErrors entry so the order matches what runs',
    );
    expect(out[out.length - 1]).toBe(
      '1 file(s) checked: 0 error(s), 2 warning(s)',
    );
  });

  it('reports unreadable files and missing arguments', () => {
    const { io, err } = memoryIo({});
    expect(runCli(['validate', 'missing.yaml'], io)).toBe(1);
    expect(err).toEqual(['missing.yaml: cannot read: no such file']);
    expect(runCli(['validate'], io)).toBe(2);
    expect(runCli(['frobnicate'], io)).toBe(2);
    expect(err[err.length - 1]).toContain('unknown command "frobnicate"');
  });
});

describe('pipeline inputs', () => {
  it('lists runtime inputs with fqn, defaults and allowed values as JSON', () => {
    const { io, out } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(runCli(['inputs', 'p.yaml', '--json'], io)).toBe(0);
    const inputs = JSON.parse(out.join('\n'));
    expect(inputs.map((i: { fqn: string }) => i.fqn)).toEqual([
      'pipeline.variables.project_name',
      'pipeline.variables.template_type',
      'pipeline.variables.public_template_url',
      'pipeline.variables.repository_type',
      'pipeline.variables.repositoty_description',
      'pipeline.variables.repository_default_branch',
      'pipeline.variables.direct_push_branch',
      'pipeline.variables.email_id',
    ]);
    expect(inputs[1]).toMatchObject({
      shortName: 'template_type',
      default: 'public',
      allowedValues: ['public', 'private'],
    });
  });

  it('prints a readable list', () => {
    const { io, out } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(runCli(['inputs', 'p.yaml'], io)).toBe(0);
    expect(out).toContain('    allowedValues: private, public');
  });
});

describe('pipeline render', () => {
  const all = [
    'project_name=demo',
    'public_template_url=https://git.example/t',
    'repositoty_description=d',
    'repository_default_branch=main',
    'direct_push_branch=main',
    'email_id=a@b.c',
  ];

  it('resolves runtime inputs and leaves execution expressions alone', () => {
    const { io, out } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(
      runCli(
        [
          'render',
          'p.yaml',
          ...all.flatMap(s => ['--set', s]),
          '--set',
          'pipeline.variables.repository_type=public',
        ],
        io,
      ),
    ).toBe(0);
    const doc = parse(out.join('\n'));
    const vars = Object.fromEntries(
      doc.pipeline.variables.map((v: { name: string; value: string }) => [
        v.name,
        v.value,
      ]),
    );
    expect(vars).toMatchObject({
      project_name: 'demo',
      template_type: 'public',
      repository_type: 'public',
      email_id: 'a@b.c',
    });
    expect(
      doc.pipeline.stages[0].stage.spec.execution.steps[0].step.spec
        .publicTemplateUrl,
    ).toBe('<+pipeline.variables.public_template_url>');
  });

  it('merges an input-set file with --set, --set winning', () => {
    const inputSet =
      'inputSet:\n  pipeline:\n    identifier: SelfServiceflowreposetup\n    variables:\n      - name: project_name\n        type: String\n        value: from-file\n';
    const { io, out } = memoryIo({ 'p.yaml': EXAMPLE, 'in.yaml': inputSet });
    expect(
      runCli(
        [
          'render',
          'p.yaml',
          '--input-set',
          'in.yaml',
          ...all.slice(1).flatMap(s => ['--set', s]),
        ],
        io,
      ),
    ).toBe(0);
    expect(out.join('\n')).toContain('value: from-file');
    const { io: io2, out: out2 } = memoryIo({
      'p.yaml': EXAMPLE,
      'in.yaml': inputSet,
    });
    expect(
      runCli(
        [
          'render',
          'p.yaml',
          '--input-set',
          'in.yaml',
          ...all.flatMap(s => ['--set', s]),
        ],
        io2,
      ),
    ).toBe(0);
    expect(out2.join('\n')).toContain('value: demo');
  });

  it('reports every input problem at once and exits 1', () => {
    const { io, err } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(
      runCli(
        [
          'render',
          'p.yaml',
          '--set',
          'project_nme=x',
          '--set',
          'template_type=weird',
          '--set',
          'oops',
        ],
        io,
      ),
    ).toBe(1);
    expect(err).toEqual([
      '--set oops: expected key=value, e.g. --set project_name=my-app',
    ]);
    const { io: io2, err: err2 } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(
      runCli(
        [
          'render',
          'p.yaml',
          '--set',
          'project_nme=x',
          '--set',
          'template_type=weird',
        ],
        io2,
      ),
    ).toBe(1);
    const errors = err2.filter(l => l.startsWith('  error: '));
    expect(errors).toEqual([
      expect.stringContaining('did you mean "project_name"?'),
      expect.stringContaining('"weird" is not allowed'),
    ]);
  });
});
