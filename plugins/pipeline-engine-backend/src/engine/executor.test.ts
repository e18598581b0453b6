import {
  createTestDatabases,
  TEST_DATABASE_IDS,
} from '../database/__testUtils__/testDatabases';
import {
  createEngineHarness,
  pipelineYaml,
  statuses,
  type EngineHarness,
} from './__testUtils__/engineHarness';
import { calls, resetTestSteps } from './__testUtils__/testSteps';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const step = (id: string, type: string, spec: string, extra = '') => `- step:
    type: ${type}
    name: ${id}
    identifier: ${id}
${extra}    spec:
${spec.replace(/^/gm, '      ')}
`;
const echo = (id: string, spec = 'message: hi', extra = '') =>
  step(id, 'TestEcho', spec, extra);
const fail = (id: string, spec = 'message: boom', extra = '') =>
  step(id, 'TestFail', spec, extra);

describe.each(TEST_DATABASE_IDS)('executor on %s', databaseId => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(databases, databaseId);
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => resetTestSteps());

  it('runs steps in order and records outputs, statuses and logs', async () => {
    const detail = await h.run(
      pipelineYaml(
        echo(
          'a',
          'message: hello <+pipeline.variables.who>\noutputs:\n  greeting: hi <+pipeline.variables.who>',
        ) +
          echo(
            'b',
            'message: "got <+steps.a.output.outputVariables.greeting> from <+pipeline.stages.main.spec.execution.steps.a.output.outputVariables.greeting>"',
          ),
        {
          variables:
            '    - name: who\n      type: String\n      value: <+input>\n',
        },
      ),
      { who: 'world' },
    );
    expect(detail.status).toBe('Success');
    expect(statuses(detail)).toEqual({
      'pipeline.stages.main': 'Success',
      a: 'Success',
      b: 'Success',
    });
    expect(detail.outputs).toEqual({
      'pipeline.stages.main.spec.execution.steps.a.output.outputVariables.greeting':
        'hi world',
    });
    expect(calls.map(c => c.split(':')[1].split('.').pop())).toEqual([
      'a',
      'b',
    ]);
    const lines = await h.logLines(detail.id);
    expect(lines).toContain('hello world');
    expect(lines).toContain('got hi world from hi world');
  });

  it('skips steps after a failure unless their when allows it', async () => {
    const detail = await h.run(
      pipelineYaml(
        fail('broken') +
          echo('skipped') +
          echo(
            'onFailure',
            'message: cleanup',
            '    when:\n      stageStatus: Failure\n',
          ) +
          echo(
            'always',
            'message: always',
            '    when:\n      stageStatus: All\n',
          ) +
          echo(
            'onSuccess',
            'message: never',
            '    when:\n      stageStatus: Success\n',
          ),
      ),
    );
    expect(detail.status).toBe('Failed');
    expect(detail.errorMessage).toBe('step broken: boom');
    expect(statuses(detail)).toEqual({
      'pipeline.stages.main': 'Failed',
      broken: 'Failed',
      skipped: 'Skipped',
      onFailure: 'Success',
      always: 'Success',
      onSuccess: 'Skipped',
    });
  });

  it('evaluates when conditions on steps, groups and stages', async () => {
    const yaml = `pipeline:
  name: conditions
  identifier: conditions
  orgIdentifier: default
  projectIdentifier: default
  variables:
    - name: notify
      type: String
      value: <+input>.allowedValues(true,false)
  stages:
    - stage:
        name: first
        identifier: first
        type: Custom
        spec:
          execution:
            steps:
${(
  echo(
    'yes',
    'message: yes',
    '    when:\n      stageStatus: Success\n      condition: <+pipeline.variables.notify> == "true"\n',
  ) +
  echo(
    'no',
    'message: no',
    '    when:\n      stageStatus: Success\n      condition: <+pipeline.variables.notify> != "true"\n',
  )
).replace(/^/gm, '              ')}
    - stage:
        name: second
        identifier: second
        type: Custom
        when:
          pipelineStatus: Success
          condition: <+pipeline.stages.first.spec.execution.steps.no.status> == "Skipped"
        spec:
          execution:
            steps:
${echo('inner').replace(/^/gm, '              ')}
    - stage:
        name: third
        identifier: third
        type: Custom
        when:
          pipelineStatus: Failure
        spec:
          execution:
            steps:
${echo('inner').replace(/^/gm, '              ')}
`;
    const detail = await h.run(yaml, { notify: 'true' });
    expect(detail.status).toBe('Success');
    const s = statuses(detail);
    expect(s['pipeline.stages.first.spec.execution.steps.yes']).toBe('Success');
    expect(s['pipeline.stages.first.spec.execution.steps.no']).toBe('Skipped');
    expect(s['pipeline.stages.second']).toBe('Success');
    expect(s['pipeline.stages.third']).toBe('Skipped');
  });

  it.each([
    ['Ignore', 'IgnoreFailed', 'IgnoreFailed', 'Success'],
    ['MarkAsSuccess', 'Success', 'Success', 'Success'],
    ['MarkAsFailure', 'Failed', 'Failed', 'Skipped'],
    ['Abort', 'Failed', 'Aborted', undefined],
  ])(
    'applies the %s failure strategy',
    async (action, stepStatus, executionStatus, nextStatus) => {
      const strategy = `    failureStrategies:\n      - onFailure:\n          errors: [AllErrors]\n          action:\n            type: ${action}\n`;
      const detail = await h.run(
        pipelineYaml(fail('broken', 'message: boom', strategy) + echo('next')),
      );
      expect(detail.status).toBe(executionStatus);
      const s = statuses(detail);
      expect(s.broken).toBe(stepStatus);
      expect(s.next).toBe(nextStatus);
    },
  );

  it('retries with intervals, then succeeds', async () => {
    const strategy = `    failureStrategies:\n      - onFailure:\n          errors: [Unknown]\n          action:\n            type: Retry\n            spec:\n              retryCount: 3\n              retryIntervals: [100ms, 200ms]\n`;
    const started = Date.now();
    const detail = await h.run(
      pipelineYaml(
        fail('flaky', 'message: flaky\ntimes: 2', strategy) +
          echo(
            'after',
            'message: "attempts <+execution.steps.flaky.retryCount>"',
          ),
      ),
    );
    expect(detail.status).toBe('Success');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const flaky = detail.nodes[0].children.find(n => n.identifier === 'flaky')!;
    expect(flaky).toMatchObject({ status: 'Success', attempt: 3 });
    expect(await h.logLines(detail.id)).toContain('attempts 2');
  });

  it('applies onRetryFailure when retries are exhausted', async () => {
    const strategy = `    failureStrategies:\n      - onFailure:\n          errors: [AllErrors]\n          action:\n            type: Retry\n            spec:\n              retryCount: 1\n              retryIntervals: [10ms]\n              onRetryFailure:\n                action:\n                  type: Ignore\n`;
    const detail = await h.run(
      pipelineYaml(fail('broken', 'message: nope', strategy) + echo('next')),
    );
    expect(detail.status).toBe('IgnoreFailed');
    expect(statuses(detail)).toMatchObject({
      broken: 'IgnoreFailed',
      next: 'Success',
    });
    expect(detail.nodes[0].children[0]).toMatchObject({
      attempt: 2,
      errorMessage: 'nope',
    });
  });

  it('matches error types and falls back from step to group to stage to pipeline strategies', async () => {
    const stepStrategy = `    failureStrategies:\n      - onFailure:\n          errors: [Timeout]\n          action:\n            type: MarkAsSuccess\n`;
    const yaml = pipelineYaml(
      `- stepGroup:
    name: g
    identifier: g
    failureStrategies:
      - onFailure:
          errors: [Authentication]
          action:
            type: Ignore
    steps:
${(fail('auth', 'kind: auth', stepStrategy) + fail('net', 'kind: network', stepStrategy)).replace(/^/gm, '      ')}
`,
      {
        stageExtra:
          '        failureStrategies:\n          - onFailure:\n              errors: [Connectivity]\n              action:\n                type: Ignore\n',
      },
    );
    const detail = await h.run(yaml);
    const s = statuses(detail);
    expect(s['g.steps.auth']).toBe('IgnoreFailed');
    expect(s['g.steps.net']).toBe('IgnoreFailed');
    expect(s.g).toBe('IgnoreFailed');
    expect(detail.status).toBe('IgnoreFailed');
    const net = detail.nodes[0].children[0].children.find(
      n => n.identifier === 'net',
    )!;
    expect(net.failureType).toBe('Connectivity');
  });

  it('times steps out and classifies the failure as Timeout', async () => {
    const strategy = `    timeout: 200ms\n    failureStrategies:\n      - onFailure:\n          errors: [Timeout]\n          action:\n            type: Ignore\n`;
    const detail = await h.run(
      pipelineYaml(step('slow', 'TestSleep', 'ms: 5000', strategy)),
    );
    const slow = detail.nodes[0].children[0];
    expect(slow).toMatchObject({
      status: 'IgnoreFailed',
      failureType: 'Timeout',
      errorMessage: 'step timed out after 200ms',
    });
  });

  it('runs parallel blocks concurrently and nested step groups', async () => {
    const group = `- stepGroup:
    name: outer
    identifier: outer
    steps:
      - stepGroup:
          name: inner
          identifier: inner
          steps:
${echo('deep', 'outputs:\n  v: deep-value').replace(/^/gm, '            ')}
`;
    // p1 and p2 each wait until both are running: run one after the other, they would fail.
    const parallel = [
      step('p1', 'TestRendezvous', 'key: pair\nparties: 2'),
      step('p2', 'TestRendezvous', 'key: pair\nparties: 2'),
      group,
    ].join('');
    const detail = await h.run(
      pipelineYaml(`- parallel:
${parallel.replace(/^/gm, '    ')}
${echo('after', 'message: "<+execution.steps.outer.steps.inner.steps.deep.output.outputVariables.v>"')}`),
    );
    expect(detail.status).toBe('Success');
    expect(statuses(detail)).toMatchObject({
      p1: 'Success',
      p2: 'Success',
      outer: 'Success',
      'outer.steps.inner': 'Success',
      'outer.steps.inner.steps.deep': 'Success',
      after: 'Success',
    });
    expect(await h.logLines(detail.id)).toContain('deep-value');
  });

  it('expands matrix, repeat and parallelism with suffixed identifiers and looping variables', async () => {
    const detail = await h.run(
      pipelineYaml(
        echo(
          'm',
          'message: "<+matrix.os>-<+matrix.arch> <+strategy.iteration>/<+strategy.iterations>"\noutputs:\n  combo: <+matrix.os>-<+matrix.arch>',
          '    strategy:\n      matrix:\n        os: [linux, mac]\n        arch: [amd64, arm64]\n        exclude:\n          - os: mac\n            arch: amd64\n        maxConcurrency: 2\n',
        ) +
          echo(
            'r',
            'message: "item <+repeat.item>"',
            '    strategy:\n      repeat:\n        items: [a, b]\n',
          ) +
          echo(
            'p',
            'message: "par <+strategy.iteration>"',
            '    strategy:\n      parallelism: 2\n',
          ) +
          echo(
            'ref',
            'message: "m2=<+steps.m_2.output.outputVariables.combo>"',
          ),
      ),
    );
    expect(detail.status).toBe('Success');
    const s = statuses(detail);
    expect(
      Object.keys(s)
        .filter(k => /^[mrp]_/.test(k))
        .sort(),
    ).toEqual(['m_0', 'm_1', 'm_2', 'p_0', 'p_1', 'r_0', 'r_1']);
    expect(s.m).toBe('Success');
    const lines = await h.logLines(detail.id);
    expect(lines).toEqual(
      expect.arrayContaining([
        'linux-amd64 0/3',
        'linux-arm64 1/3',
        'mac-arm64 2/3',
        'item a',
        'item b',
        'par 0',
        'par 1',
        'm2=mac-arm64',
      ]),
    );
    expect(
      detail.outputs[
        'pipeline.stages.main.spec.execution.steps.m_1.output.outputVariables.combo'
      ],
    ).toBe('linux-arm64');
  });

  it('ignores a matrix value that is not a list, and a failure strategy with empty errors matches nothing', async () => {
    const detail = await h.run(
      pipelineYaml(
        echo(
          'm',
          'message: "os <+matrix.os>"',
          '    strategy:\n      matrix:\n        os: [linux, mac]\n        parallelism: 2\n',
        ) +
          fail(
            'f',
            'message: boom',
            '    failureStrategies:\n      - onFailure:\n          errors: []\n          action:\n            type: Ignore\n',
          ),
      ),
    );
    const s = statuses(detail);
    expect(
      Object.keys(s)
        .filter(k => k.startsWith('m_'))
        .sort(),
    ).toEqual(['m_0', 'm_1']);
    expect(await h.logLines(detail.id)).toEqual(
      expect.arrayContaining(['os linux', 'os mac']),
    );
    expect(s.f).toBe('Failed');
    expect(detail.status).toBe('Failed');
  });

  it('loops stages and reads outputs across stages', async () => {
    const yaml = `pipeline:
  name: stages
  identifier: stage_loops
  orgIdentifier: default
  projectIdentifier: default
  stages:
    - stage:
        name: build
        identifier: build
        type: Custom
        strategy:
          repeat:
            items: [x, y]
        variables:
          - name: item
            type: String
            value: <+repeat.item>
        spec:
          execution:
            steps:
${echo('make', 'outputs:\n  artifact: art-<+stage.variables.item>').replace(/^/gm, '              ')}
    - stage:
        name: use
        identifier: use
        type: Custom
        spec:
          execution:
            steps:
${echo('read', 'message: "<+pipeline.stages.build_1.spec.execution.steps.make.output.outputVariables.artifact>"').replace(/^/gm, '              ')}
`;
    const detail = await h.run(yaml);
    expect(detail.status).toBe('Success');
    expect(await h.logLines(detail.id)).toContain('art-y');
    expect(detail.nodes.map(n => `${n.fqn}:${n.nodeType}`)).toEqual([
      'pipeline.stages.build:strategy',
      'pipeline.stages.use:stage',
    ]);
    expect(detail.nodes[0].children.map(n => n.fqn)).toEqual([
      'pipeline.stages.build_0',
      'pipeline.stages.build_1',
    ]);
    expect(detail.nodes[0].children.map(n => n.name)).toEqual([
      'build_0',
      'build_1',
    ]);
  });

  it('aborts a running execution mid-step', async () => {
    const created = await h.engine.service.createPipeline(
      pipelineYaml(step('long', 'TestSleep', 'ms: 30000') + echo('never'), {
        identifier: 'abortme',
      }),
      { identity: 'user:default/jane' },
    );
    const execution = await h.engine.service.execute(
      created,
      {},
      { identity: 'user:default/jane' },
    );
    for (let i = 0; i < 200 && !calls.length; i++)
      await new Promise(r => setTimeout(r, 20));
    const started = Date.now();
    await h.engine.service.abortExecution(execution.id, {
      identity: 'user:default/jane',
      name: 'Jane',
    });
    const detail = await h.waitFor(execution.id);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(detail.status).toBe('Aborted');
    expect(detail.errorMessage).toBe('aborted by Jane');
    expect(statuses(detail)).toMatchObject({
      'pipeline.stages.main': 'Aborted',
      long: 'Aborted',
    });
    expect(statuses(detail).never).toBeUndefined();
  });

  it('masks secrets in logs, outputs and stored rows', async () => {
    await h.stop();
    h = await createEngineHarness(databases, databaseId, {
      secrets: { slack_token: 's3cr3t-token-value' },
    });
    const detail = await h.run(
      pipelineYaml(
        echo(
          'leak',
          `message: "token=<+secrets.getValue('account.slack_token')> b64=czNjcjN0LXRva2VuLXZhbHVl"\nsecretRef: org.slack_token\noutputs:\n  visible: "<+secrets.getValue('slack_token')>"\n  derived: "<+secrets.getValue('slack_token').toUpperCase()>"\nsecretOutputs:\n  hidden: other-secret-42`,
        ) +
          echo(
            'later',
            'message: "derived=<+steps.leak.output.outputVariables.derived> upper=S3CR3T-TOKEN-VALUE"',
          ),
      ),
    );
    expect(detail.errorMessage).toBeUndefined();
    expect(detail.status).toBe('Success');
    const lines = await h.logLines(detail.id);
    expect(lines).toContain('token=************** b64=**************');
    expect(lines).toContain('secret is **************');
    expect(
      detail.outputs[
        'pipeline.stages.main.spec.execution.steps.leak.output.outputVariables.visible'
      ],
    ).toBe('**************');
    // Computed from a secret: masked wherever it shows up later, too.
    expect(
      detail.outputs[
        'pipeline.stages.main.spec.execution.steps.leak.output.outputVariables.derived'
      ],
    ).toBe('**************');
    expect(lines).toContain('derived=************** upper=**************');
    expect(
      detail.nodes[0].children.find(n => n.identifier === 'leak')
        ?.secretOutputs,
    ).toEqual(['hidden']);
    expect(JSON.stringify(detail)).not.toContain('24-terces-rehto');
    for (const table of ['executions', 'node_executions', 'execution_logs']) {
      const dump = JSON.stringify(await h.knex(table).select());
      expect(dump).not.toContain('s3cr3t-token-value');
      expect(dump).not.toContain('24-terces-rehto');
    }
    // The derived value never reaches node states or logs (the executions
    // row holds the pipeline, where the test itself wrote it as a literal).
    for (const table of ['node_executions', 'execution_logs']) {
      expect(JSON.stringify(await h.knex(table).select())).not.toContain(
        'S3CR3T-TOKEN-VALUE',
      );
    }
  });

  it('asks secret sources for what config lacks, config first, and masks their values', async () => {
    await h.stop();
    const asked: string[] = [];
    h = await createEngineHarness(databases, databaseId, {
      secrets: { shared: 'from-config-value' },
      secretSources: [
        {
          name: 'vault',
          async getSecret(id) {
            asked.push(id);
            return ['shared', 'vault_token', 'step_only', 'quoted'].includes(id)
              ? `vault-${id}-value`
              : undefined;
          },
        },
      ],
    });
    const detail = await h.run(
      pipelineYaml(
        echo(
          'a',
          `message: "t=<+secrets.getValue('account.vault_token')> s=<+secrets.getValue('shared')> u=<+secrets.getValue('vault_token').length()> q=<+secrets.getValue(\\"quoted\\").length()>"\nsecretRef: org.step_only`,
        ),
      ),
    );
    expect(detail.errorMessage).toBeUndefined();
    expect(detail.status).toBe('Success');
    const lines = await h.logLines(detail.id);
    expect(lines).toContain('t=************** s=************** u=23 q=18');
    expect(lines).toContain('secret is **************');
    // Config holds "shared": the source is never asked for it.
    expect(asked.sort()).toEqual(['quoted', 'step_only', 'vault_token']);
    const dump = JSON.stringify(await h.knex('execution_logs').select());
    expect(dump).not.toContain('vault-vault_token-value');
    expect(dump).not.toContain('vault-step_only-value');
  });

  it('fails the execution naming the source when a secret source throws', async () => {
    await h.stop();
    h = await createEngineHarness(databases, databaseId, {
      secretSources: [
        {
          name: 'broken',
          async getSecret() {
            throw new Error('connection refused');
          },
        },
      ],
    });
    const detail = await h.run(
      pipelineYaml(echo('a', `message: "<+secrets.getValue('x')>"`)),
    );
    expect(detail.status).toBe('Failed');
    expect(detail.errorMessage).toBe(
      'secret source "broken" could not read secret "x": Error: connection refused',
    );
  });

  it('rejects bad input sets listing every field, before anything runs', async () => {
    const yaml = pipelineYaml(echo('a'), {
      identifier: 'inputs',
      variables:
        '    - name: kind\n      type: String\n      value: <+input>.allowedValues(a,b)\n    - name: count\n      type: Number\n      value: <+input>\n      required: true\n',
    });
    const created = await h.engine.service.createPipeline(yaml, {
      identity: 'user:default/jane',
    });
    await expect(
      h.engine.service.execute(
        created,
        { inputSet: { kind: 'c', cuont: 3 } },
        { identity: 'user:default/jane' },
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      problems: expect.arrayContaining([
        expect.objectContaining({
          path: 'pipeline.variables.kind',
          severity: 'error',
        }),
        expect.objectContaining({
          path: 'pipeline.variables.count',
          severity: 'error',
        }),
        expect.objectContaining({
          message: expect.stringContaining('did you mean "count"?'),
        }),
      ]),
    });
  });

  it('returns the warnings of created and updated YAML, e.g. a script pasting a form field', async () => {
    const yaml = (command: string) => `pipeline:
  name: warned
  identifier: warned
  variables:
    - name: name
      type: String
      value: <+input>
  stages:
    - stage:
        name: main
        identifier: main
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: Run
                  name: hello
                  identifier: hello
                  spec:
                    command: ${command}
`;
    const actor = { identity: 'user:default/jane' };
    const created = await h.engine.service.createPipeline(
      yaml('echo "Hello, <+pipeline.variables.name>"'),
      actor,
    );
    expect(created.warnings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'script-expression-input',
        path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.spec.command',
        line: 21,
        hint: 'pass it through envVariables: {NAME: <+pipeline.variables.name>} and reference "$NAME" (quoted) in the script',
      }),
    ]);
    const updated = await h.engine.service.updatePipeline(
      created,
      yaml('echo "Hello, $NAME"'),
      actor,
    );
    expect(updated.warnings).toBeUndefined();
  });

  it('exposes what started a triggered run as <+trigger.*>', async () => {
    const actor = { identity: 'trigger:default/default/trigger/on_push' };
    const created = await h.engine.service.createPipeline(
      pipelineYaml(
        echo(
          'show',
          'message: "<+trigger.type> <+trigger.triggerName> <+trigger.payload.ref> <+trigger.payload.commits[0].id>"',
        ),
        { identifier: 'triggered' },
      ),
      actor,
    );
    const started = await h.engine.service.execute(
      created,
      { inputSet: {} },
      actor,
      {
        triggerType: 'WEBHOOK_CUSTOM',
        triggerIdentifier: 'on_push',
        triggerPayload: { ref: 'refs/heads/main', commits: [{ id: 'abc123' }] },
      },
    );
    const detail = await h.waitFor(started.id);
    expect(detail.status).toBe('Success');
    expect(await h.logLines(detail.id)).toContain(
      'Webhook on_push refs/heads/main abc123',
    );

    // A manual run has no trigger: strict expressions say so.
    const manual = await h.engine.service.execute(
      created,
      { inputSet: {} },
      actor,
    );
    const failed = await h.waitFor(manual.id);
    expect(failed.status).toBe('Failed');
    expect(failed.errorMessage).toMatch(/trigger/);
  });
});
