import {
  createTestDatabases,
  TEST_DATABASE_IDS,
} from '../database/__testUtils__/testDatabases';
import {
  createEngineHarness,
  pipelineYaml,
  type EngineHarness,
} from './__testUtils__/engineHarness';
import { calls, resetTestSteps } from './__testUtils__/testSteps';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const step = (id: string, type: string, spec: string) => `- step:
    type: ${type}
    name: ${id}
    identifier: ${id}
    spec:
      ${spec}
`;
const variables =
  '    - name: why\n      type: String\n      value: <+input>\n';

describe.each(TEST_DATABASE_IDS)('preflight checks on %s', databaseId => {
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(databases, databaseId);
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => resetTestSteps());

  it('fails the execution before any step runs when a later step’s check refuses', async () => {
    const detail = await h.run(
      pipelineYaml(
        step('create', 'TestEcho', 'message: creating') +
          step(
            'register',
            'TestPreflight',
            'refuse: <+pipeline.variables.why>',
          ),
        { variables },
      ),
      { why: 'the catalog may not read it' },
    );
    expect(detail.status).toBe('Failed');
    expect(detail.errorMessage).toBe(
      'execution failed: TestPreflight step "register" of stage "main" would fail, so nothing was run: the catalog may not read it',
    );
    expect(calls).toEqual([]);
  });

  it('leaves steps whose spec reads step outputs to run time', async () => {
    const detail = await h.run(
      pipelineYaml(
        step('create', 'TestEcho', 'outputs: { x: "" }') +
          step(
            'register',
            'TestPreflight',
            'refuse: <+steps.create.output.outputVariables.x>',
          ),
        { variables },
      ),
      { why: 'unused' },
    );
    expect(detail.status).toBe('Success');
    expect(calls.map(c => c.split('.').pop())).toEqual(['create', 'register']);
  });
});
