import { collectRuntimeInputs } from '../inputs/collectInputs';
import {
  parsePipeline,
  parsePipelineWithTemplates,
} from '../validation/parsePipeline';
import { createDocumentTemplateSource } from './documentTemplateSource';

/*
 * Written from Harness's template documentation: a reference keeps name and
 * identifier on the node, the template supplies the rest; templateInputs
 * fill the template's <+input> fields; no versionLabel means the stable
 * version; `account.` / `org.` / bare refs pick the scope.
 */

const stageTemplate = (
  versionLabel: string,
  greeting: string,
  extra = '',
) => `template:
  name: Onboarding stage
  identifier: onboarding
  versionLabel: ${versionLabel}
  type: Stage
  spec:
    type: IDP
    variables:
      - name: project_name
        type: String
        value: <+input>
      - name: owner
        type: String
        value: <+input>.default(team-a).allowedValues(team-a,team-b)
      - name: fixed
        type: String
        value: ${greeting}
    spec:
      execution:
        steps:
          - step:
              type: Wait
              name: pause
              identifier: pause
              spec:
                duration: <+input>
${extra}`;

const waitStepTemplate = (
  scopeLines: string,
  identifier = 'pause_step',
  nested = '',
) => `template:
  name: Pause step
  identifier: ${identifier}
  versionLabel: "1"
  type: Step
${scopeLines}  spec:
    type: Wait
    spec:
      duration: <+input>.default(2s)
${nested}`;

function pipelineWith(stage: string, extraTop = ''): string {
  return `pipeline:
  name: uses templates
  identifier: uses_templates
  orgIdentifier: default
  projectIdentifier: p1
${extraTop}  stages:
${stage}`;
}

const onboardStage = (ref: string) => `    - stage:
        name: onboard
        identifier: onboard
        template:
          templateRef: ${ref}
          templateInputs:
            type: IDP
            variables:
              - name: project_name
                type: String
                value: <+input>
              - name: owner
                type: String
                value: <+input>
            spec:
              execution:
                steps:
                  - step:
                      identifier: pause
                      type: Wait
                      spec:
                        duration: 1s
`;

function source(docs: string[], stable: Record<string, string> = {}) {
  const result = createDocumentTemplateSource(
    docs.map((yaml, i) => ({ yaml, location: `t${i}.yaml` })),
    stable,
  );
  expect(result.problems).toEqual([]);
  return result.source;
}

function stageOf(document: unknown, index = 0): Record<string, any> {
  return (document as any).pipeline.stages[index].stage;
}

describe('expandTemplates', () => {
  it('expands a stage template: the node keeps name and identifier, templateInputs fill <+input> fields', async () => {
    const result = await parsePipelineWithTemplates(
      pipelineWith(onboardStage('account.onboarding')),
      {
        templates: source([stageTemplate('v1', 'hello')]),
      },
    );
    expect(result.problems.filter(p => p.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
    const stage = stageOf(result.document);
    expect(stage.name).toBe('onboard');
    expect(stage.identifier).toBe('onboard');
    expect(stage.template).toBeUndefined();
    expect(stage.type).toBe('IDP');
    expect(stage.spec.execution.steps[0].step.spec.duration).toBe('1s');
    expect(stage.variables[2].value).toBe('hello');
    // A bare <+input> in templateInputs keeps the template's default and choices.
    expect(stage.variables[1].value).toBe(
      '<+input>.default(team-a).allowedValues(team-a,team-b)',
    );
    expect(result.templates).toEqual([
      {
        scope: 'account',
        identifier: 'onboarding',
        versionLabel: 'v1',
        stable: true,
        usedBy: 'pipeline',
        yamlPath: 'pipeline.stages[0].stage',
      },
    ]);
  });

  it('makes <+input> in templateInputs a runtime input of the pipeline at its fully-qualified name', async () => {
    const result = await parsePipelineWithTemplates(
      pipelineWith(onboardStage('account.onboarding')),
      {
        templates: source([stageTemplate('v1', 'hello')]),
      },
    );
    const inputs = collectRuntimeInputs(result.document);
    expect(inputs.map(i => i.fqn)).toEqual([
      'pipeline.stages.onboard.variables.project_name',
      'pipeline.stages.onboard.variables.owner',
    ]);
    expect(inputs[1].default).toBe('team-a');
  });

  it('takes the stable version without versionLabel and the named one with it', async () => {
    const templates = source(
      [stageTemplate('v1', 'one'), stageTemplate('v2', 'two')],
      { onboarding: 'v1' },
    );
    const stable = await parsePipelineWithTemplates(
      pipelineWith(onboardStage('account.onboarding')),
      { templates },
    );
    expect(stageOf(stable.document).variables[2].value).toBe('one');
    const pinned = await parsePipelineWithTemplates(
      pipelineWith(
        onboardStage('account.onboarding\n          versionLabel: v2'),
      ),
      { templates },
    );
    expect(stageOf(pinned.document).variables[2].value).toBe('two');
    expect(pinned.templates[0]).toMatchObject({
      versionLabel: 'v2',
      stable: false,
    });
  });

  it('reports a missing version at the versionLabel line with did you mean', async () => {
    const result = await parsePipelineWithTemplates(
      pipelineWith(
        onboardStage('account.onboarding\n          versionLabel: v3'),
      ),
      {
        templates: source([
          stageTemplate('v1', 'one'),
          stageTemplate('v2', 'two'),
        ]),
      },
    );
    expect(result.ok).toBe(false);
    const problem = result.problems.find(
      p => p.code === 'template-version-not-found',
    );
    expect(problem).toMatchObject({
      line: 12,
      column: 25,
      path: 'pipeline.stages[0].stage.template.versionLabel',
    });
    expect(problem?.message).toContain('did you mean "v1"?');
    expect(problem?.hint).toBe('its versions are v1, v2');
  });

  it('reports a missing template with did you mean, and a template without a stable version', async () => {
    const missing = await parsePipelineWithTemplates(
      pipelineWith(onboardStage('account.onbording')),
      {
        templates: source([stageTemplate('v1', 'one')]),
      },
    );
    const problem = missing.problems.find(p => p.code === 'template-not-found');
    expect(problem).toMatchObject({ line: 11, column: 24 });
    expect(problem?.message).toContain('did you mean "onboarding"?');
    const noStable = await parsePipelineWithTemplates(
      pipelineWith(onboardStage('account.onboarding')),
      {
        templates: source([
          stageTemplate('v1', 'one'),
          stageTemplate('v2', 'two'),
        ]),
      },
    );
    expect(noStable.problems.map(p => p.code)).toContain('template-no-stable');
  });

  it('resolves scopes: account., org. and bare project references, and refuses to widen an account template', async () => {
    const templates = source([
      waitStepTemplate(''),
      waitStepTemplate('  orgIdentifier: default\n', 'org_pause'),
      waitStepTemplate(
        '  orgIdentifier: default\n  projectIdentifier: p1\n',
        'project_pause',
      ),
    ]);
    const steps = ['account.pause_step', 'org.org_pause', 'project_pause']
      .map(
        (ref, i) =>
          `              - step:\n                  name: s${i}\n                  identifier: s${i}\n                  template:\n                    templateRef: ${ref}\n`,
      )
      .join('');
    const stage = `    - stage:\n        name: st\n        identifier: st\n        type: IDP\n        spec:\n          execution:\n            steps:\n${steps}`;
    const result = await parsePipelineWithTemplates(pipelineWith(stage), {
      templates,
    });
    expect(result.problems.filter(p => p.severity === 'error')).toEqual([]);
    expect(result.templates.map(t => t.scope)).toEqual([
      'account',
      'default',
      'default.p1',
    ]);
    // Unanswered <+input> fields stay runtime inputs of the pipeline.
    expect(
      collectRuntimeInputs(result.document).map(i => `${i.fqn}=${i.default}`),
    ).toEqual([
      'pipeline.stages.st.spec.execution.steps.s0.spec.duration=2s',
      'pipeline.stages.st.spec.execution.steps.s1.spec.duration=2s',
      'pipeline.stages.st.spec.execution.steps.s2.spec.duration=2s',
    ]);

    const widening = source([
      waitStepTemplate('', 'outer', `    # nested\n`)
        .replace(
          '  spec:\n    type: Wait\n    spec:\n      duration: <+input>.default(2s)\n',
          '  spec:\n    stageType: IDP\n    steps:\n      - step:\n          name: inner\n          identifier: inner\n          template:\n            templateRef: org.org_pause\n',
        )
        .replace('type: Step', 'type: StepGroup'),
      waitStepTemplate('  orgIdentifier: default\n', 'org_pause'),
    ]);
    const group = `    - stage:\n        name: st\n        identifier: st\n        type: IDP\n        spec:\n          execution:\n            steps:\n              - stepGroup:\n                  name: g\n                  identifier: g\n                  template:\n                    templateRef: account.outer\n`;
    const refused = await parsePipelineWithTemplates(pipelineWith(group), {
      templates: widening,
    });
    const problem = refused.problems.find(p => p.code === 'template-reference');
    expect(problem).toMatchObject({
      document: 't0.yaml',
      line: 13,
      path: 'template.spec.steps[0].step.template.templateRef',
    });
    expect(problem?.message).toContain(
      'an account template can only use templates of its own scope or wider',
    );
  });

  it('expands a step group template that nests a step template, passing inputs through template.templateInputs', async () => {
    const group = `template:
  name: Group
  identifier: group
  versionLabel: v1
  type: StepGroup
  spec:
    stageType: IDP
    steps:
      - step:
          name: inner
          identifier: inner
          template:
            templateRef: account.pause_step
            templateInputs:
              type: Wait
              spec:
                duration: <+input>
`;
    const stage = `    - stage:
        name: st
        identifier: st
        type: IDP
        spec:
          execution:
            steps:
              - stepGroup:
                  name: g
                  identifier: g
                  template:
                    templateRef: account.group
                    templateInputs:
                      steps:
                        - step:
                            identifier: inner
                            template:
                              templateInputs:
                                type: Wait
                                spec:
                                  duration: 3s
`;
    const result = await parsePipelineWithTemplates(pipelineWith(stage), {
      templates: source([group, waitStepTemplate('')]),
    });
    expect(result.problems.filter(p => p.severity === 'error')).toEqual([]);
    const expanded = stageOf(result.document).spec.execution.steps[0].stepGroup;
    expect(expanded).toMatchObject({
      name: 'g',
      identifier: 'g',
      stageType: 'IDP',
    });
    expect(expanded.steps[0].step).toEqual({
      name: 'inner',
      identifier: 'inner',
      type: 'Wait',
      spec: { duration: '3s' },
    });
    expect(
      result.templates.map(
        t => `${t.identifier}@${t.versionLabel} by ${t.usedBy}`,
      ),
    ).toEqual(['pause_step@1 by account/group@v1', 'group@v1 by pipeline']);
  });

  it('expands a pipeline template: stages and variables come from the template, inputs by stage identifier', async () => {
    const template = `template:
  name: Whole pipeline
  identifier: whole
  versionLabel: v1
  type: Pipeline
  orgIdentifier: default
  projectIdentifier: p1
  spec:
    variables:
      - name: who
        type: String
        value: <+input>
    stages:
      - stage:
          name: one
          identifier: one
          template:
            templateRef: account.onboarding
            versionLabel: v1
            templateInputs:
              type: IDP
              variables:
                - name: project_name
                  type: String
                  value: <+input>
              spec:
                execution:
                  steps:
                    - step:
                        identifier: pause
                        type: Wait
                        spec:
                          duration: 5s
`;
    const pipeline = `pipeline:
  name: from template
  identifier: from_template
  orgIdentifier: default
  projectIdentifier: p1
  template:
    templateRef: whole
    templateInputs:
      variables:
        - name: who
          type: String
          value: world
      stages:
        - stage:
            identifier: one
            template:
              templateInputs:
                variables:
                  - name: project_name
                    type: String
                    value: <+input>.default(demo)
`;
    const result = await parsePipelineWithTemplates(pipeline, {
      templates: source([template, stageTemplate('v1', 'x')]),
    });
    expect(result.problems.filter(p => p.severity === 'error')).toEqual([]);
    const doc = result.document as any;
    expect(doc.pipeline.name).toBe('from template');
    expect(doc.pipeline.variables[0].value).toBe('world');
    expect(stageOf(doc).spec.execution.steps[0].step.spec.duration).toBe('5s');
    expect(collectRuntimeInputs(doc).map(i => `${i.fqn}=${i.default}`)).toEqual(
      [
        'pipeline.stages.one.variables.project_name=demo',
        'pipeline.stages.one.variables.owner=team-a',
      ],
    );
  });

  it('reports a cycle with the chain of templates', async () => {
    const a = waitStepTemplate('', 'a')
      .replace('type: Step', 'type: StepGroup')
      .replace(
        '  spec:\n    type: Wait\n    spec:\n      duration: <+input>.default(2s)\n',
        '  spec:\n    stageType: IDP\n    steps:\n      - stepGroup:\n          name: b\n          identifier: b\n          template:\n            templateRef: account.b\n',
      );
    const b = a
      .replace('identifier: a', 'identifier: b')
      .replace('templateRef: account.b', 'templateRef: account.a')
      .replace(
        'name: b\n          identifier: b',
        'name: a\n          identifier: a',
      );
    const stage = `    - stage:\n        name: st\n        identifier: st\n        type: IDP\n        spec:\n          execution:\n            steps:\n              - stepGroup:\n                  name: g\n                  identifier: g\n                  template:\n                    templateRef: account.a\n`;
    const result = await parsePipelineWithTemplates(pipelineWith(stage), {
      templates: source([a, b]),
    });
    const cycle = result.problems.find(p => p.code === 'template-cycle');
    expect(cycle?.message).toBe(
      'template cycle: account/a@1 → account/b@1 → account/a@1',
    );
    expect(cycle?.document).toBe('t1.yaml');
    expect(cycle?.line).toBe(13);
  });

  it('refuses a template of the wrong type, and warns about unknown and fixed templateInputs', async () => {
    const stage = `    - stage:
        name: st
        identifier: st
        template:
          templateRef: account.pause_step
`;
    const wrong = await parsePipelineWithTemplates(pipelineWith(stage), {
      templates: source([waitStepTemplate('')]),
    });
    expect(
      wrong.problems.find(p => p.code === 'template-type-mismatch')?.message,
    ).toBe(
      'template account/pause_step@1 is a Step template, but it is used as a stage',
    );
    const withTypos = onboardStage('account.onboarding')
      .replace('              - name: owner', '              - name: ownr')
      .replace(
        '            type: IDP',
        '            type: IDP\n            variabels: []',
      );
    const warned = await parsePipelineWithTemplates(pipelineWith(withTypos), {
      templates: source([stageTemplate('v1', 'x')]),
    });
    expect(warned.ok).toBe(true);
    expect(
      warned.problems.map(p => `${p.code}: ${p.message} ${p.hint}`),
    ).toEqual([
      expect.stringContaining(
        'template-inputs-unknown: templateInputs gives "variabels", which the template does not have; it is ignored did you mean "variables"?',
      ),
      expect.stringContaining(
        'template-inputs-unknown: templateInputs gives "ownr", which the template\'s list does not have; it is ignored did you mean "owner"?',
      ),
    ]);
  });

  it('says how to resolve templates when a pipeline with references is checked without a source', async () => {
    const plain = parsePipeline(
      pipelineWith(onboardStage('account.onboarding')),
    );
    expect(plain.ok).toBe(false);
    expect(plain.problems).toEqual([
      expect.objectContaining({
        code: 'template-unresolved',
        line: 11,
        path: 'pipeline.stages[0].stage.template',
      }),
    ]);
    const noSource = await parsePipelineWithTemplates(
      pipelineWith(onboardStage('account.onboarding')),
    );
    expect(noSource.problems[0].hint).toContain('--templates DIR');
  });
});
