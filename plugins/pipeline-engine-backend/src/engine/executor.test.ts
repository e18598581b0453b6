import { createTestDatabases, TEST_DATABASE_IDS } from '../database/__testUtils__/testDatabases';
import { createEngineHarness, pipelineYaml, statuses, type EngineHarness } from './__testUtils__/engineHarness';
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
const echo = (id: string, spec = 'message: hi', extra = '') => step(id, 'TestEcho', spec, extra);
const fail = (id: string, spec = 'message: boom', extra = '') => step(id, 'TestFail', spec, extra);

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
    const detail = await h.run(pipelineYaml(
      echo('a', 'message: hello <+pipeline.variables.who>\noutputs:\n  greeting: hi <+pipeline.variables.who>') +
      echo('b', 'message: "got <+steps.a.output.outputVariables.greeting> from <+pipeline.stages.main.spec.execution.steps.a.output.outputVariables.greeting>"'),
      { variables: '    - name: who\n      type: String\n      value: <+input>\n' },
    ), { who: 'world' });
    expect(detail.status).toBe('Success');
    expect(statuses(detail)).toEqual({ 'pipeline.stages.main': 'Success', a: 'Success', b: 'Success' });
    expect(detail.outputs).toEqual({ 'pipeline.stages.main.spec.execution.steps.a.output.outputVariables.greeting': 'hi world' });
    expect(calls.map(c => c.split(':')[1].split('.').pop())).toEqual(['a', 'b']);
    const lines = await h.logLines(detail.id);
    expect(lines).toContain('hello world');
    expect(lines).toContain('got hi world from hi world');
  });
});
