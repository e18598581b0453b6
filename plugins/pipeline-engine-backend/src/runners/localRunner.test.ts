import {
  chmodSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { LocalRunner } from './localRunner';
import { readRunnerSettings } from './settings';
import { recordingLogger } from './__testUtils__/processes';
import type { ConfigData } from '../steps/run/__testUtils__/stepTestKit';

function runner(local: ConfigData) {
  return new LocalRunner(
    readRunnerSettings(
      new ConfigReader({ pipelineEngine: { runners: { local } } }),
    ),
  );
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

  const io = (logger = recordingLogger()) => ({
    workspace,
    logger,
    signal: new AbortController().signal,
    label: 'step',
  });

  it('is off by default and says how to enable it', async () => {
    await expect(
      runner({}).run(
        { argv: () => ['true'], env: {}, purpose: 'shell Sh' },
        io(),
      ),
    ).rejects.toThrow(
      /disabled; set pipelineEngine\.runners\.local\.enabled: true/,
    );
  });

  it('runs in the workspace with a scrubbed environment plus the step variables', async () => {
    process.env.BACKEND_ONLY_SECRET = 'backend-password';
    process.env.PROXY_FOR_STEPS = 'http://proxy:3128';
    const logger = recordingLogger();
    const result = await runner({
      enabled: true,
      inheritEnv: ['PROXY_FOR_STEPS'],
    }).run(
      {
        argv: () => ['sh', '-c', 'pwd; env'],
        env: { STEP_VAR: 'a b=c' },
        purpose: 'shell Sh',
      },
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
      runner({ enabled: true }).run(
        {
          argv: () => ['pwsh-not-installed', '-File', 'x'],
          env: {},
          purpose: 'shell Pwsh',
        },
        io(),
      ),
    ).rejects.toThrow(
      /shell Pwsh needs "pwsh-not-installed", which is not installed on the backend host/,
    );
  });

  it("looks programs up on the step's own PATH when it sets one", async () => {
    await expect(
      runner({ enabled: true }).run(
        {
          argv: () => ['bash', '-c', 'true'],
          env: { PATH: '/nonexistent' },
          purpose: 'shell Bash',
        },
        io(),
      ),
    ).rejects.toThrow(
      /shell Bash needs "bash".*not found on PATH \/nonexistent/,
    );
  });

  it('refuses invalid variable names', async () => {
    await expect(
      runner({ enabled: true }).run(
        { argv: () => ['true'], env: { 'A=B': 'x' }, purpose: 'shell Sh' },
        io(),
      ),
    ).rejects.toThrow(/"A=B" is not a valid environment variable name/);
  });

  describe('runners.local.user (finding 1)', () => {
    // CI runs as root: steps then run as the unprivileged account. Without
    // root the backend cannot switch users and steps run as its own user.
    const root = process.getuid?.() === 0;
    let privateDir: string;
    beforeEach(() => {
      privateDir = realpathSync(
        mkdtempSync(join(tmpdir(), 'backend-private-')),
      );
      chmodSync(privateDir, 0o755);
      writeFileSync(join(privateDir, 'key'), 'backend-private-key', {
        mode: 0o600,
      });
    });
    afterEach(() => rmSync(privateDir, { recursive: true, force: true }));

    /** `cat: <path>: Permission denied` without the path. */
    const denied = (line: string) =>
      line.endsWith(': Permission denied') ? 'Permission denied' : line;

    it("keeps a step out of the backend's environment and private files", async () => {
      process.env.BACKEND_ONLY_SECRET = 'backend-password';
      const logger = recordingLogger();
      writeFileSync(
        join(workspace, 'cloned.txt'),
        'written by an in-process step',
      );
      const script = [
        'id -u',
        `cat /proc/${process.pid}/environ 2>&1 | tr '\\0' '\\n' | grep -e BACKEND_ONLY_SECRET -e 'Permission denied' || true`,
        `cat ${join(privateDir, 'key')} 2>&1 || true`,
        'echo changed >> cloned.txt && echo workspace-writable',
      ].join('; ');
      const result = await runner({ enabled: true, user: 'nobody' }).run(
        { argv: () => ['sh', '-c', script], env: {}, purpose: 'shell Sh' },
        io(logger),
      );
      expect(result.exitCode).toBe(0);
      const [uid, environ, key, writable] = logger.stdout().trim().split('\n');
      const observed = {
        uid,
        environ: denied(environ),
        key: denied(key),
        writable,
        // Taken back after the step: in-process steps (git as the backend's user) own it again.
        owner: statSync(join(workspace, 'cloned.txt')).uid,
      };
      expect(observed).toEqual(
        root
          ? {
              uid: '65534',
              environ: 'Permission denied',
              key: 'Permission denied',
              writable: 'workspace-writable',
              owner: 0,
            }
          : {
              uid: String(process.getuid?.()),
              environ: 'BACKEND_ONLY_SECRET=backend-password',
              key: 'backend-private-key',
              writable: 'workspace-writable',
              owner: process.getuid?.(),
            },
      );
    });

    const outcome = (user: string) =>
      runner({ enabled: true, user })
        .run({ argv: () => ['true'], env: {}, purpose: 'shell Sh' }, io())
        .then(
          result => `exit ${result.exitCode}`,
          (error: Error) => error.message,
        );

    it('names the setting and the script when the account does not exist', async () => {
      expect(await outcome('no-such-runner-account')).toBe(
        root
          ? 'pipelineEngine.runners.local.user "no-such-runner-account" does not exist on the backend host; create it (e.g. bash scripts/ensure-runner-user.sh, or useradd --system no-such-runner-account) or remove the setting'
          : 'exit 0',
      );
    });

    it('refuses root as the runner account', async () => {
      expect(await outcome('root')).toMatch(
        root
          ? /runners\.local\.user "root" is root; name an unprivileged account/
          : /^exit 0$/,
      );
    });
  });
});
