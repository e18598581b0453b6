import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createShellScriptStep } from './shellScript';
import { prepareScript } from './scripts';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import {
  cleanupTemp,
  runnersFor,
  tempDir,
  type ConfigData,
} from './__testUtils__/stepTestKit';

jest.setTimeout(30_000);

const step = (runners: ConfigData = { local: { enabled: true } }) =>
  createShellScriptStep(runnersFor(runners));
const spec = (
  shell: string,
  script: string,
  extra: Record<string, unknown> = {},
) => ({
  shell,
  source: { type: 'Inline', spec: { script } },
  ...extra,
});

afterEach(() => cleanupTemp());

describe('ShellScript step', () => {
  it("exports the shell variable each output's value names", async () => {
    const r = await runMockStep(
      step(),
      spec(
        'Bash',
        'BUILD_NO="345"\nmessage="a = b\nc"\necho "building $BUILD_NO"',
        {
          outputVariables: [
            { name: 'build', type: 'String', value: 'BUILD_NO' },
            { name: 'msg', type: 'String', value: 'message' },
            { name: 'sameName', type: 'String', value: '' },
          ],
        },
      ),
    );
    expect(r.error).toBeUndefined();
    expect(r.logText()).toContain('building 345');
    expect(r.outputs).toEqual({
      build: '345',
      msg: 'a = b\nc',
      sameName: '',
    });
  });

  it('passes environmentVariables and masks Secret ones given as text', async () => {
    const r = await runMockStep(
      step(),
      spec(
        'Sh',
        'echo "user=$USER_NAME"; [ -n "$API_TOKEN" ] && echo token-set',
        {
          environmentVariables: [
            { name: 'USER_NAME', type: 'String', value: 'jane' },
            { name: 'API_TOKEN', type: 'Secret', value: 'literal-token-value' },
            { name: 'NUMBER', type: 'Number', value: 7 },
          ],
        },
      ),
    );
    expect(r.error).toBeUndefined();
    expect(r.logText()).toContain('user=jane');
    expect(r.logText()).toContain('token-set');
    expect(r.masked).toEqual(['literal-token-value']);
  });

  it('runs the script as written: a failed command does not stop it, the exit code decides', async () => {
    const ok = await runMockStep(
      step(),
      spec('Bash', 'false\necho after', { outputVariables: [] }),
    );
    expect(ok.error).toBeUndefined();
    expect(ok.logText()).toContain('after');
    expect(ok.logText()).not.toContain('+ false'); // no xtrace either
    const failed = await runMockStep(
      step(),
      spec('Bash', 'echo before\nfalse'),
    );
    expect(failed.error?.message).toMatch(
      /exited with code 1; last 1 lines of output:\nbefore/,
    );
  });

  it('publishes Secret outputs as secret', async () => {
    const r = await runMockStep(
      step(),
      spec('Bash', 'pw=$(echo hunter2-generated)', {
        outputVariables: [{ name: 'password', type: 'Secret', value: 'pw' }],
      }),
    );
    expect(r.outputs.password).toBe('hunter2-generated');
    expect(r.secretOutputs).toContain('password');
  });

  it('runs Python', async () => {
    const r = await runMockStep(
      step(),
      spec('Python', 'import os\nos.environ["OUT"] = "from python"', {
        outputVariables: [{ name: 'out', type: 'String', value: 'OUT' }],
      }),
    );
    expect(r.error).toBeUndefined();
    expect(r.outputs.out).toBe('from python');
  });

  it('needs the local runner', async () => {
    const r = await runMockStep(step({}), spec('Bash', 'true'));
    expect(r.error?.message).toContain(
      'pipelineEngine.runners.local.enabled: true',
    );
  });

  it('rejects a non-inline source', async () => {
    const r = await runMockStep(step(), {
      shell: 'Bash',
      source: { type: 'Harness', spec: { file: 'x' } },
    });
    expect(r.error?.message).toMatch(/^spec\./);
  });
});

describe('PowerShell wrapper', () => {
  // pwsh is not installed here; this checks the script we would hand it.
  it('wraps the script in try/finally and writes the named variables as JSON', async () => {
    const scratch = tempDir();
    const prepared = await prepareScript({
      scratch,
      visibleScratch: '/harness-step',
      shell: 'Pwsh',
      script: 'Write-Host "hi"\n$Result = "it\'s done"',
      variables: ['Result', 'Other'],
      failFast: true,
      trace: true,
      shared: false,
    });
    const text = readFileSync(join(scratch, 'script.ps1'), 'utf8');
    expect(text).toMatch(
      /^\$ErrorActionPreference = 'Stop'\ntry \{\nWrite-Host "hi"\n\$Result = "it's done"\n\} finally \{/,
    );
    expect(text).toContain("$__harnessNames = @('Result', 'Other')");
    expect(text).toContain("WriteAllText('/harness-step/out/out.json'");
    expect(prepared.program).toBe('pwsh');
    expect(
      prepared.argv({ workspace: '/harness', scratch: '/harness-step' }),
    ).toEqual([
      'pwsh',
      '-NoLogo',
      '-NoProfile',
      '-NonInteractive',
      '-ExecutionPolicy',
      'Bypass',
      '-File',
      '/harness-step/script.ps1',
    ]);
  });
});
