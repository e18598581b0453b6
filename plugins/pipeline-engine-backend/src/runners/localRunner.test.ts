import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { LocalRunner } from './localRunner';
import { readRunnerSettings } from './settings';
import { recordingLogger } from './__testUtils__/processes';
import type { ConfigData } from '../steps/run/__testUtils__/stepTestKit';

function runner(local: ConfigData) {
  return new LocalRunner(readRunnerSettings(new ConfigReader({ pipelineEngine: { runners: { local } } })));
}

describe('LocalRunner', () => {
  let workspace: string;
  beforeEach(() => {
    workspace = realpathSync(mkdtempSync(join(tmpdir(), 'local-runner-')));
  });
  afterEach(() => {
    rmSync(workspace, { recursive: true, force: true });
    delete process.env.BACKEND_ONLY_SECRET;
    delete process.env.PROXY_FOR_STEPS;
  });

  const io = (logger = recordingLogger()) => ({ workspace, logger, signal: new AbortController().signal, label: 'step' });

  it('is off by default and says how to enable it', async () => {
    await expect(
      runner({}).run({ argv: () => ['true'], env: {}, purpose: 'shell Sh' }, io()),
    ).rejects.toThrow(/disabled; set pipelineEngine\.runners\.local\.enabled: true/);
  });

  it('runs in the workspace with a scrubbed environment plus the step variables', async () => {
    process.env.BACKEND_ONLY_SECRET = 'backend-password';
    process.env.PROXY_FOR_STEPS = 'http://proxy:3128';
    const logger = recordingLogger();
    const result = await runner({ enabled: true, inheritEnv: ['PROXY_FOR_STEPS'] }).run(
      { argv: () => ['sh', '-c', 'pwd; env'], env: { STEP_VAR: 'a b=c' }, purpose: 'shell Sh' },
      io(logger),
    );
    expect(result.exitCode).toBe(0);
    const out = logger.stdout();
    expect(out.split('\n')[0]).toBe(workspace);
    expect(out).toContain('STEP_VAR=a b=c');
    expect(out).toContain('PROXY_FOR_STEPS=http://proxy:3128');
    expect(out).toMatch(/^PATH=/m);
    expect(out).not.toContain('BACKEND_ONLY_SECRET');
    expect(out).not.toContain('backend-password');
    // Nothing else of the backend's environment (jest's own variables, for one).
    expect(out).not.toMatch(/^JEST_WORKER_ID=/m);
  });

  it('names a program that is not installed', async () => {
    await expect(
      runner({ enabled: true }).run({ argv: () => ['pwsh-not-installed', '-File', 'x'], env: {}, purpose: 'shell Pwsh' }, io()),
    ).rejects.toThrow(/shell Pwsh needs "pwsh-not-installed", which is not installed on the backend host/);
  });

  it('looks programs up on the step\'s own PATH when it sets one', async () => {
    await expect(
      runner({ enabled: true }).run({ argv: () => ['bash', '-c', 'true'], env: { PATH: '/nonexistent' }, purpose: 'shell Bash' }, io()),
    ).rejects.toThrow(/shell Bash needs "bash".*not found on PATH \/nonexistent/);
  });

  it('refuses invalid variable names', async () => {
    await expect(
      runner({ enabled: true }).run({ argv: () => ['true'], env: { 'A=B': 'x' }, purpose: 'shell Sh' }, io()),
    ).rejects.toThrow(/"A=B" is not a valid environment variable name/);
  });
});
