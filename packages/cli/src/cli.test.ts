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
    listFiles: dir => {
      const names = Object.keys(files)
        .filter(p => p.startsWith(`${dir}/`))
        .map(p => p.slice(dir.length + 1));
      if (!names.length)
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      return names;
    },
  };
  return { io, out, err };
}

describe('pipeline validate', () => {
  it('exits 0 on the example pipeline with one file:line:col warning', async () => {
    const { io, out } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(await runCli(['validate', 'p.yaml'], io)).toBe(0);
    expect(out[0]).toMatch(
      /^p\.yaml:42:34: warning: .*did you mean "repositoty_description"\?/,
    );
    expect(out[1]).toBe('1 file(s) checked: 0 error(s), 1 warning(s)');
  });

  it('exits 1 on a broken copy and prints line:col for every error', async () => {
    const broken = EXAMPLE.replace(
      'identifier: createrepo',
      'identifier: create-repo',
    ).replace('type: IDP', 'type: IDPX');
    const { io, out } = memoryIo({ 'broken.yaml': broken, 'p.yaml': EXAMPLE });
    expect(await runCli(['validate', 'broken.yaml', 'p.yaml'], io)).toBe(1);
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

  it('warns where a stage relies on the order between AllErrors and a specific error type', async () => {
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
    expect(await runCli(['validate', 'p.yaml'], io)).toBe(0);
    expect(out).toContainEqual(
      'p.yaml:18:23: warning: pipeline.stages[0].stage.failureStrategies[1].onFailure.errors: failureStrategies[1] handles Timeout although ' +
        'failureStrategies[0] (AllErrors) is listed first: an entry naming an error type applies to it whatever the order, AllErrors only to ' +
        'the other errors — list failureStrategies[1] before the AllErrors entry so the order matches what runs',
    );
    expect(out[out.length - 1]).toBe(
      '1 file(s) checked: 0 error(s), 2 warning(s)',
    );
  });

  it('reports unreadable files and missing arguments', async () => {
    const { io, err } = memoryIo({});
    expect(await runCli(['validate', 'missing.yaml'], io)).toBe(1);
    expect(err).toEqual(['missing.yaml: cannot read: no such file']);
    expect(await runCli(['validate'], io)).toBe(2);
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(err[err.length - 1]).toContain('unknown command "frobnicate"');
  });
});

describe('pipeline inputs', () => {
  it('lists runtime inputs with fqn, defaults and allowed values as JSON', async () => {
    const { io, out } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(await runCli(['inputs', 'p.yaml', '--json'], io)).toBe(0);
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

  it('prints a readable list', async () => {
    const { io, out } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(await runCli(['inputs', 'p.yaml'], io)).toBe(0);
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

  it('resolves runtime inputs and leaves execution expressions alone', async () => {
    const { io, out } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(
      await runCli(
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

  it('merges an input-set file with --set, --set winning', async () => {
    const inputSet =
      'inputSet:\n  pipeline:\n    identifier: SelfServiceflowreposetup\n    variables:\n      - name: project_name\n        type: String\n        value: from-file\n';
    const { io, out } = memoryIo({ 'p.yaml': EXAMPLE, 'in.yaml': inputSet });
    expect(
      await runCli(
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
      await runCli(
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

  it('reports every input problem at once and exits 1', async () => {
    const { io, err } = memoryIo({ 'p.yaml': EXAMPLE });
    expect(
      await runCli(
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
      await runCli(
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

describe('templates', () => {
  const TEMPLATED = readFileSync(
    join(
      __dirname,
      '../../../examples/pipelines/self-service-flow-templated.pipeline.yaml',
    ),
    'utf8',
  );
  const STAGE_TEMPLATE = readFileSync(
    join(
      __dirname,
      '../../../examples/harness-templates/idp_service_onboarding.v1.yaml',
    ),
    'utf8',
  );
  const v2 = STAGE_TEMPLATE.replace(
    'versionLabel: v1',
    'versionLabel: v2',
  ).replace('default(test)', 'default(platform)');

  it('validates a templated pipeline against a templates folder', async () => {
    const { io, out } = memoryIo({
      'p.yaml': TEMPLATED,
      't/stage.yaml': STAGE_TEMPLATE,
    });
    expect(await runCli(['validate', 'p.yaml', '--templates', 't'], io)).toBe(
      0,
    );
    expect(out[out.length - 1]).toBe(
      '1 file(s) checked: 0 error(s), 1 warning(s)',
    );
    const { io: io2, out: out2 } = memoryIo({ 'p.yaml': TEMPLATED });
    expect(await runCli(['validate', 'p.yaml'], io2)).toBe(1);
    expect(out2[0]).toMatch(
      /^p\.yaml:16:24: error: pipeline\.stages\[0\]\.stage\.template\.templateRef: template "account\.idp_service_onboarding".*--templates DIR/,
    );
  });

  it('reports problems inside a template at the template file line:col', async () => {
    const broken = STAGE_TEMPLATE.replace('  type: Stage', '  type: Stages');
    const { io, out } = memoryIo({
      'p.yaml': TEMPLATED,
      't/stage.yaml': broken,
    });
    expect(await runCli(['validate', 'p.yaml', '--templates', 't'], io)).toBe(
      1,
    );
    expect(out[0]).toBe(
      't/stage.yaml:11:9: error: template.type: template type "Stages" is not supported — did you mean "Stage"? use one of Pipeline, Stage, StepGroup, Step',
    );
  });

  it('takes the stable version from stable.yaml when a template has several', async () => {
    const files = {
      'p.yaml': TEMPLATED.replace('          versionLabel: v1\n', ''),
      't/v1.yaml': STAGE_TEMPLATE,
      't/v2.yaml': v2,
    };
    const { io, out } = memoryIo({
      ...files,
      't/stable.yaml': 'idp_service_onboarding: v2\n',
    });
    expect(
      await runCli(['inputs', 'p.yaml', '--templates', 't', '--json'], io),
    ).toBe(0);
    const inputs = JSON.parse(out.join('\n'));
    expect(inputs[0]).toMatchObject({
      fqn: 'pipeline.stages.serviceonboarding.variables.catalog_owner',
      default: 'platform',
    });
    const { io: io2, out: out2 } = memoryIo(files);
    expect(await runCli(['validate', 'p.yaml', '--templates', 't'], io2)).toBe(
      1,
    );
    expect(out2[0]).toContain(
      'template account/idp_service_onboarding has no stable version and the reference gives no versionLabel',
    );
  });

  it('render --expand prints the expanded pipeline; render fills template inputs by fully-qualified name', async () => {
    const { io, out } = memoryIo({
      'p.yaml': TEMPLATED,
      't/stage.yaml': STAGE_TEMPLATE,
    });
    expect(
      await runCli(['render', 'p.yaml', '--templates', 't', '--expand'], io),
    ).toBe(0);
    const expanded = parse(out.join('\n'));
    const stage = expanded.pipeline.stages[0].stage;
    expect(stage).toMatchObject({
      name: 'service-onboarding',
      identifier: 'serviceonboarding',
      type: 'IDP',
    });
    expect(stage.template).toBeUndefined();
    expect(stage.variables[0].value).toBe('<+input>.default(test)');

    const { io: io2, out: out2 } = memoryIo({
      'p.yaml': TEMPLATED,
      't/stage.yaml': STAGE_TEMPLATE,
    });
    const values = [
      'project_name=demo',
      'public_template_url=u',
      'repositoty_description=d',
      'repository_default_branch=main',
      'direct_push_branch=main',
      'email_id=a@b.c',
    ];
    expect(
      await runCli(
        [
          'render',
          'p.yaml',
          '--templates',
          't',
          '--set',
          'pipeline.stages.serviceonboarding.variables.catalog_owner=team-x',
          ...values.flatMap(v => ['--set', v]),
        ],
        io2,
      ),
    ).toBe(0);
    expect(
      parse(out2.join('\n')).pipeline.stages[0].stage.variables[0].value,
    ).toBe('team-x');
  });
});
