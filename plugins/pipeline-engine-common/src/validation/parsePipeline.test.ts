import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { z } from 'zod';
import { createDefaultStepSpecRegistry } from '../steps/defaultRegistry';
import { parsePipeline } from './parsePipeline';
import { formatProblem, type Problem } from './problem';

// Copies of ../shared/examples/seed (the product document's YAML blocks).
const SEED_DIR = join(__dirname, '../__fixtures__/seed');
const seed = (name: string) => readFileSync(join(SEED_DIR, name), 'utf8');

const errors = (problems: Problem[]) =>
  problems.filter(p => p.severity === 'error');
const warnings = (problems: Problem[]) =>
  problems.filter(p => p.severity === 'warning');

/** A minimal valid pipeline with the given steps YAML (indented 12 spaces). */
function pipelineWith(steps: string, extra = ''): string {
  return `pipeline:
  name: demo
  identifier: demo
${extra}  stages:
    - stage:
        name: build
        identifier: build
        type: IDP
        spec:
          execution:
            steps:
${steps}`;
}

const waitStep = (id: string, indent = 14) =>
  `${' '.repeat(indent)}- step:
${' '.repeat(indent + 4)}type: Wait
${' '.repeat(indent + 4)}name: ${id}
${' '.repeat(indent + 4)}identifier: ${id}
${' '.repeat(indent + 4)}spec:
${' '.repeat(indent + 6)}duration: 1s
`;

describe('parsePipeline: the seed examples', () => {
  it('parses the full seed pipeline with one warning for the repository_description typo', () => {
    const result = parsePipeline(seed('self-service-flow.pipeline.yaml'));
    expect(errors(result.problems)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.pipeline?.identifier).toBe('SelfServiceflowreposetup');
    const w = warnings(result.problems);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({
      code: 'unknown-reference',
      path: 'pipeline.stages[0].stage.spec.execution.steps[1].step.spec.description',
      line: 42,
      column: 34,
    });
    expect(w[0].message).toContain('did you mean "repositoty_description"?');
  });

  it('keeps infrastructure, caching and cloneCodebase in the model', () => {
    const stage = parsePipeline(seed('self-service-flow.pipeline.yaml'))
      .pipeline!.stages[0];
    expect(stage.kind).toBe('stage');
    if (stage.kind !== 'stage') return;
    expect(stage.spec.infrastructure).toMatchObject({
      type: 'KubernetesDirect',
    });
    expect(stage.spec.caching).toEqual({ enabled: false, paths: [] });
    expect(stage.spec.cloneCodebase).toBe(false);
    expect(
      stage.spec.execution.steps.map(s => s.kind === 'step' && s.type),
    ).toEqual([
      'CookieCutter',
      'CreateRepo',
      'CreateCatalog',
      'DirectPush',
      'RegisterCatalog',
      'SlackNotify',
    ]);
  });

  it.each([
    [
      'step-CookieCutter.snippet.yaml',
      'templateType, publicTemplateUrl, cookieCutterVariables',
    ],
    ['step-CreateCatalog.snippet.yaml', 'fileName, filePath, fileContent'],
    [
      'step-CreateRepo.snippet.yaml',
      'connectorRef, organization, repository, repoType, defaultBranch',
    ],
    [
      'step-RegisterCatalog.snippet.yaml',
      'connectorRef, repository, organization, filePath, branch',
    ],
    ['step-SlackNotify.snippet.yaml', 'emailId, messageContent, token'],
  ])(
    'gives the mis-indented snippet %s the "belong under spec" hint',
    (file, keys) => {
      const result = parsePipeline(seed(file));
      expect(result.kind).toBe('steps');
      expect(errors(result.problems)).toEqual([
        expect.objectContaining({
          code: 'spec-keys-misplaced',
          path: '[0].step.spec',
          line: 5,
          hint: expect.stringContaining('these keys belong under spec'),
        }),
      ]);
      expect(result.problems[0].message).toContain(keys);
    },
  );

  it.each([
    'step-DirectPush.snippet.yaml',
    'step-GitClone.snippet.yaml',
    'step-CreateResource.snippet.yaml',
  ])('accepts the well-indented snippet %s', file => {
    const result = parsePipeline(seed(file));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.kind).toBe('steps');
  });

  it('says what the catalog-info snippet is instead of a pipeline', () => {
    const result = parsePipeline(seed('catalog-info.snippet.yaml'));
    expect(result.ok).toBe(false);
    expect(result.problems[0].message).toContain('Backstage Component entity');
  });

  it('reports the invalid YAML of the outputs snippet with its line and column', () => {
    const result = parsePipeline(seed('workflow-outputs.snippet.yaml'));
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({
      line: 2,
      column: 9,
      severity: 'error',
    });
  });

  it('reports that the inputs snippet holds several YAML documents', () => {
    const result = parsePipeline(seed('workflow-inputs.snippet.yaml'));
    expect(result.ok).toBe(false);
    expect(result.problems[0].message).toContain('more than one YAML document');
  });

  it('handles every seed file without throwing', () => {
    for (const file of readdirSync(SEED_DIR)) {
      expect(() => parsePipeline(seed(file))).not.toThrow();
    }
  });
});

describe('parsePipeline: structure rules', () => {
  it('reports an invalid identifier with path, line:column and the rule', () => {
    const text = pipelineWith(waitStep('create-repo'));
    const result = parsePipeline(text);
    const [problem] = errors(result.problems);
    expect(formatProblem(problem)).toBe(
      'pipeline.stages[0].stage.spec.execution.steps[0].step.identifier: "create-repo" must match ^[a-zA-Z_][0-9a-zA-Z_]{0,127}$ (line 15, col 31) — start with a letter or _, then use only letters, digits and _ (at most 128), e.g. create_repo',
    );
  });

  it('reports every problem, not only the first', () => {
    const text = `pipeline:
  name: "bad/name"
  identifier: 1abc
  stages:
    - stage:
        name: s
        identifier: s
        type: Deployment
        spec:
          execution:
            steps: []
`;
    const result = parsePipeline(text);
    expect(errors(result.problems).map(p => p.code)).toEqual([
      'format',
      'format',
      'invalid-value',
      'empty-steps',
    ]);
    expect(errors(result.problems)[2].hint).toBe('use one of: IDP, Custom, CI');
  });

  it('rejects duplicate step identifiers, also across parallel blocks', () => {
    const text = pipelineWith(`${waitStep('a')}              - parallel:
${waitStep('a', 18)}${waitStep('b', 18)}`);
    const result = parsePipeline(text);
    expect(errors(result.problems)).toEqual([
      expect.objectContaining({
        code: 'duplicate-identifier',
        path: 'pipeline.stages[0].stage.spec.execution.steps[1].parallel[0].step.identifier',
      }),
    ]);
  });

  it('rejects duplicate stage identifiers and duplicate variable names', () => {
    const stage = (id: string) => `    - stage:
        name: ${id}
        identifier: ${id}
        type: Custom
        spec:
          execution:
            steps:
${waitStep('w')}`;
    const text = `pipeline:
  name: p
  identifier: p
  variables:
    - name: x
      type: String
      value: a
    - name: x
      type: String
      value: b
  stages:
${stage('one')}${stage('one')}`;
    const codes = errors(parsePipeline(text).problems).map(
      p => `${p.code}@${p.path}`,
    );
    expect(codes).toEqual([
      'duplicate-identifier@pipeline.variables[1].name',
      'duplicate-identifier@pipeline.stages[1].stage.identifier',
    ]);
  });

  it.each([
    ['10m', true],
    ['30s', true],
    ['1h 30m', true],
    ['1d', true],
    ['1w', true],
    ['500ms', true],
    ['<+input>', true],
    ['<+pipeline.variables.t>', true],
    ['10', false],
    ['ten minutes', false],
    ['0s', false],
    ['-1m', false],
    ['1y', false],
  ])('timeout %s valid=%s', (timeout, valid) => {
    const steps = waitStep('w').replace(
      'type: Wait',
      `type: Wait\n                  timeout: "${timeout}"`,
    );
    const result = parsePipeline(pipelineWith(steps));
    expect(result.ok).toBe(valid);
    expect(errors(result.problems).map(p => p.code)).toEqual(
      valid ? [] : ['timeout-format'],
    );
  });

  it('rejects an unknown step type, listing the known ones and the nearest', () => {
    const steps = waitStep('w').replace('type: Wait', 'type: CreateRepository');
    const [problem] = errors(parsePipeline(pipelineWith(steps)).problems);
    expect(problem.code).toBe('unknown-step-type');
    expect(problem.message).toContain('did you mean "CreateRepo"?');
    expect(problem.hint).toContain('CookieCutter');
    expect(problem.hint).toContain('ShellScript');
  });

  it('warns about unknown keys, naming the nearest known key, and keeps them', () => {
    const steps = waitStep('w').replace(
      'type: Wait',
      'type: Wait\n                  timout: 10m\n                  harnessNewField: 1',
    );
    const result = parsePipeline(pipelineWith(steps));
    expect(result.ok).toBe(true);
    expect(warnings(result.problems).map(p => p.message)).toEqual([
      'unknown key "timout" in step; did you mean "timeout"?',
      'unknown key "harnessNewField" in step',
    ]);
    const step = (result.pipeline!.stages[0] as any).spec.execution.steps[0];
    expect(step.extra).toEqual({ timout: '10m', harnessNewField: 1 });
  });

  it('reports wrong types with what was found', () => {
    const text = pipelineWith(`              - step:
                  type: Wait
                  name: w
                  identifier: w
                  spec:
                    - duration: 1s
`);
    const [problem] = errors(parsePipeline(text).problems);
    expect(problem.message).toBe('spec must be a map, found a list');
  });

  it('validates step specs: required fields, enums, nested fields, expressions allowed', () => {
    const text = pipelineWith(`              - step:
                  type: CreateRepo
                  name: repo
                  identifier: repo
                  spec:
                    repoType: secret
              - step:
                  type: GitClone
                  name: clone
                  identifier: clone
                  spec:
                    build:
                      type: tag
                      spec: {}
                    depth: deep
              - step:
                  type: CookieCutter
                  name: cc
                  identifier: cc
                  spec:
                    templateType: <+pipeline.variables.kind>
                    cookieCutterVariables:
                      a: b
`);
    const problems = errors(parsePipeline(text).problems);
    expect(
      problems.map(p => [
        p.path.replace(/^pipeline\.stages\[0\]\.stage\.spec\.execution\./, ''),
        p.message,
      ]),
    ).toEqual([
      ['steps[0].step.spec.repoType', 'repoType: "secret" is not allowed'],
      [
        'steps[1].step.spec.build.spec.tag',
        'tag: build type "tag" needs build.spec.tag',
      ],
      [
        'steps[1].step.spec.depth',
        'depth: depth must be a whole number >= 0, got "deep"',
      ],
    ]);
    expect(problems[0].hint).toBe(
      'use one of: public, private (or an expression)',
    );
  });

  it('checks cross-field rules of CookieCutter and SlackNotify', () => {
    const text = pipelineWith(`              - step:
                  type: CookieCutter
                  name: cc
                  identifier: cc
                  spec:
                    templateType: private
                    cookieCutterVariables: {}
              - step:
                  type: SlackNotify
                  name: slack
                  identifier: slack
                  spec:
                    token: t
`);
    const messages = errors(parsePipeline(text).problems).map(p => p.message);
    expect(messages).toEqual([
      expect.stringContaining('needs pathForTemplate'),
      expect.stringContaining('needs a recipient'),
      expect.stringContaining('needs messageContent or blocks'),
    ]);
  });

  it('accepts step groups (nested), parallel blocks, when, failure strategies and looping strategies', () => {
    const text = pipelineWith(
      `              - stepGroup:
                  name: group
                  identifier: group
                  when:
                    stageStatus: Success
                    condition: <+pipeline.variables.go> == "true"
                  failureStrategies:
                    - onFailure:
                        errors: [AllErrors]
                        action:
                          type: Retry
                          spec:
                            retryCount: 2
                            retryIntervals: [1s, 5s]
                            onRetryFailure:
                              action:
                                type: MarkAsFailure
                  strategy:
                    matrix:
                      os: [linux, mac]
                      maxConcurrency: 2
                  steps:
                    - stepGroup:
                        name: inner
                        identifier: inner
                        steps:
${waitStep('deep', 26)}                    - parallel:
${waitStep('p1', 24)}${waitStep('p2', 24)}`,
      `  variables:
    - name: go
      type: String
      value: "true"
`,
    );
    const result = parsePipeline(text);
    expect(result.problems).toEqual([]);
    const group = (result.pipeline!.stages[0] as any).spec.execution.steps[0];
    expect(group.kind).toBe('stepGroup');
    expect(group.strategy.matrix.axes).toEqual({ os: ['linux', 'mac'] });
    expect(
      group.failureStrategies[0].onFailure.action.spec.retryIntervals,
    ).toEqual(['1s', '5s']);
    expect(group.steps[0].steps[0].identifier).toBe('deep');
    expect(group.steps[1].kind).toBe('parallel');
  });

  // Both shapes come from public harness-community pipelines that Harness runs.
  it('accepts a matrix axis that is not a list and an empty errors list, with warnings', () => {
    const steps = waitStep('w').replace(
      'type: Wait',
      `type: Wait
                  failureStrategies:
                    - onFailure:
                        errors: []
                        action:
                          type: Ignore
                  strategy:
                    matrix:
                      os: [linux, mac]
                      parallelism: 2`,
    );
    const result = parsePipeline(pipelineWith(steps));
    expect(errors(result.problems)).toEqual([]);
    expect(warnings(result.problems)).toEqual([
      expect.objectContaining({
        code: 'empty-errors',
        path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.failureStrategies[0].onFailure.errors',
        line: 16,
        hint: 'list the error types it handles, e.g. [AllErrors]',
      }),
      expect.objectContaining({
        code: 'ignored-axis',
        path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.strategy.matrix.parallelism',
        message:
          'matrix axis "parallelism" is the number 2, not a list, so it is ignored',
        line: 22,
        hint: expect.stringContaining('use maxConcurrency'),
      }),
    ]);
    const step = (result.pipeline!.stages[0] as any).spec.execution.steps[0];
    expect(step.strategy.matrix.axes).toEqual({ os: ['linux', 'mac'] });
    expect(step.failureStrategies[0].onFailure.errors).toEqual([]);
  });

  it('still rejects a matrix whose only axis is not a list', () => {
    const steps = waitStep('w').replace(
      'type: Wait',
      `type: Wait
                  strategy:
                    matrix:
                      size: true`,
    );
    const result = parsePipeline(pipelineWith(steps));
    expect(errors(result.problems).map(p => p.message)).toEqual([
      'matrix needs at least one axis',
    ]);
    expect(warnings(result.problems)[0].hint).toBe(
      'write size: [true] to loop over it, or remove it',
    );
  });

  it('rejects bad failure strategies and strategies', () => {
    const steps = waitStep('w').replace(
      'type: Wait',
      `type: Wait
                  failureStrategies:
                    - onFailure:
                        errors: [Everything]
                        action:
                          type: Explode
                  strategy:
                    repeat:
                      times: 0`,
    );
    const messages = errors(parsePipeline(pipelineWith(steps)).problems).map(
      p => p.message,
    );
    expect(messages).toEqual([
      'the string "Everything" is not a failure error type',
      '"Explode" is not a valid type',
      'times must be a whole number of at least 1, found the number 0',
    ]);
  });

  it('warns where an AllErrors entry is listed before an entry naming a specific error type', () => {
    // Harness's UI writes the stage's AllErrors entry first; the specific
    // entry still applies to its type ("all errors other than those
    // specified in failure strategies defined here").
    const strategies = `
                  failureStrategies:
                    - onFailure:
                        errors: [AllErrors]
                        action:
                          type: Ignore
                    - onFailure:
                        errors: [Timeout, Connectivity]
                        action:
                          type: MarkAsFailure`;
    const result = parsePipeline(
      pipelineWith(
        waitStep('w').replace('type: Wait', `type: Wait${strategies}`),
      ),
    );
    expect(errors(result.problems)).toEqual([]);
    expect(warnings(result.problems)).toEqual([
      expect.objectContaining({
        code: 'failure-strategy-order',
        path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.failureStrategies[1].onFailure.errors',
        message: expect.stringContaining(
          'failureStrategies[1] handles Timeout, Connectivity although failureStrategies[0] (AllErrors) is listed first',
        ),
        hint: 'list failureStrategies[1] before the AllErrors entry so the order matches what runs',
        line: expect.any(Number),
      }),
    ]);

    // Specific entries first: the order already says what runs.
    const reordered = strategies.replace(
      /(\n {20}- onFailure:\n {24}errors: \[AllErrors\][^]*?type: Ignore)([^]*)$/,
      '$2$1',
    );
    expect(reordered).not.toBe(strategies);
    const quiet = parsePipeline(
      pipelineWith(
        waitStep('w').replace('type: Wait', `type: Wait${reordered}`),
      ),
    );
    expect(quiet.problems).toEqual([]);
  });

  it('accepts parallel stages', () => {
    const text = `pipeline:
  name: p
  identifier: p
  stages:
    - parallel:
        - stage:
            name: a
            identifier: a
            type: Custom
            spec:
              execution:
                steps:
${waitStep('w', 18)}        - stage:
            name: b
            identifier: b
            type: CI
            spec:
              cloneCodebase: false
              platform: { os: Linux, arch: Amd64 }
              runtime: { type: Cloud, spec: {} }
              execution:
                steps:
${waitStep('w', 18)}`;
    const result = parsePipeline(text);
    expect(result.problems).toEqual([]);
    expect(result.pipeline!.stages[0]).toMatchObject({
      kind: 'parallel',
      stages: [{ identifier: 'a' }, { identifier: 'b' }],
    });
  });

  it('requires a codebase for a CI stage that clones it', () => {
    const text = pipelineWith(waitStep('w'))
      .replace('type: IDP', 'type: CI')
      .replace(
        '          execution:',
        '          cloneCodebase: true\n          execution:',
      );
    const [problem] = errors(parsePipeline(text).problems);
    expect(problem.code).toBe('codebase-missing');
  });

  it('accepts extra step types through an extended registry', () => {
    const registry = createDefaultStepSpecRegistry().register({
      type: 'Custom_Deploy',
      description: 'deploys',
      idempotent: false,
      spec: z.object({ target: z.string() }),
    });
    const steps = waitStep('w')
      .replace('type: Wait', 'type: Custom_Deploy')
      .replace('duration: 1s', 'target: prod');
    expect(parsePipeline(pipelineWith(steps), { registry }).ok).toBe(true);
    expect(parsePipeline(pipelineWith(steps)).ok).toBe(false);
  });
});

describe('parsePipeline: runtime inputs', () => {
  it('reports a malformed runtime input where it is written', () => {
    const text = pipelineWith(
      waitStep('w'),
      `  variables:
    - name: kind
      type: String
      value: <+input>.allowedValues(a,b).frobnicate(1)
`,
    );
    const [problem] = errors(parsePipeline(text).problems);
    expect(problem).toMatchObject({
      path: 'pipeline.variables[0].value',
      line: 7,
      column: 14,
    });
    expect(problem.message).toContain('frobnicate');
  });

  it('accepts well-formed runtime inputs anywhere', () => {
    const steps = waitStep('w').replace(
      'duration: 1s',
      'duration: <+input>.default(1s).regex(^[0-9]+s$)',
    );
    expect(parsePipeline(pipelineWith(steps)).problems).toEqual([]);
  });
});

describe('parsePipeline: static reference check', () => {
  const withRefs = (message: string) =>
    pipelineWith(
      `              - stepGroup:
                  name: g
                  identifier: g
                  variables:
                    - name: gv
                      type: String
                      value: x
                  steps:
                    - step:
                        type: Run
                        name: run
                        identifier: run
                        spec:
                          command: echo
                          outputVariables:
                            - name: version
              - step:
                  type: ShellScript
                  name: notify
                  identifier: notify
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: "${message}"
`,
      `  variables:
    - name: project_name
      type: String
      value: x
`,
    );

  it.each([
    '<+pipeline.variables.project_name>',
    '<+pipeline.stages.build.spec.execution.steps.g.steps.run.output.outputVariables.version>',
    '<+execution.steps.g.steps.run.output.outputVariables.version>',
    '<+steps.g.variables.gv>',
    '<+pipeline.variables.project_name.toLowerCase()>',
    "<+<+pipeline.variables.project_name>.concat('x')>",
    '<+pipeline.stages.build.status>',
    '<+stage.name>',
  ])('accepts the existing reference %s', ref => {
    expect(parsePipeline(withRefs(ref)).problems).toEqual([]);
  });

  it.each([
    [
      '<+pipeline.variables.project_nme>',
      'pipeline variable "project_nme"',
      'project_name',
    ],
    ['<+pipeline.stages.bild.variables.x>', 'stage "bild"', 'build'],
    [
      '<+pipeline.stages.build.spec.execution.steps.g.steps.runn.output.outputVariables.version>',
      'step "runn"',
      'run',
    ],
    [
      '<+execution.steps.g.steps.run.output.outputVariables.versoin>',
      'output variable "versoin"',
      'version',
    ],
    ['<+steps.g.variables.gw>', 'step group variable "gw"', 'gv'],
    ['<+stage.variables.nothing>', 'stage variable "nothing"', undefined],
  ])('warns about %s', (ref, what, suggestion) => {
    const result = parsePipeline(withRefs(ref));
    expect(result.ok).toBe(true);
    const w = warnings(result.problems);
    expect(w).toHaveLength(1);
    expect(w[0].message).toContain(what);
    expect(w[0].message.includes('did you mean')).toBe(
      suggestion !== undefined,
    );
    expect(w[0].message).toContain(
      suggestion ? `did you mean "${suggestion}"?` : 'which does not exist',
    );
  });
});
