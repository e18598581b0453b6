import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { DockerRunner } from './dockerRunner';
import { StepRunners } from './index';
import { readRunnerSettings } from './settings';
import { recordingLogger, waitUntil } from './__testUtils__/processes';
import {
  cleanupTemp,
  standIn,
  type ConfigData,
} from '../steps/run/__testUtils__/stepTestKit';

jest.setTimeout(30_000);

function settings(runners: ConfigData) {
  return readRunnerSettings(new ConfigReader({ pipelineEngine: { runners } }));
}

describe('DockerRunner', () => {
  let workspace: string;
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'docker-runner-'));
  });
  afterEach(() => {
    rmSync(workspace, { recursive: true, force: true });
    cleanupTemp();
    delete process.env.BACKEND_ONLY_SECRET;
  });
  const io = (
    signal = new AbortController().signal,
    logger = recordingLogger(),
  ) => ({ workspace, logger, signal, label: 'Run_1' });

  it('runs docker run --rm with the workspace mounted and values passed through the client environment', async () => {
    process.env.BACKEND_ONLY_SECRET = 'backend-password';
    const docker = standIn('docker', { output: 'from container' });
    const runner = new DockerRunner(
      settings({
        docker: { command: docker.path, runArgs: ['--network', 'host'] },
      }),
    );
    const logger = recordingLogger();
    const result = await runner.run(
      {
        argv: paths => ['sh', `${paths.scratch}/script.sh`],
        env: { TOKEN: 's3cr3t value', PATH: '/opt/bin:/usr/bin' },
        scratch: '/host/scratch',
        container: {
          image: 'alpine:3.20',
          pullPolicy: 'IfNotPresent',
          runAsUser: 1000,
          memory: '512m',
          cpus: '0.5',
        },
        purpose: 'shell Sh',
      },
      io(undefined, logger),
    );
    expect(result.exitCode).toBe(0);
    expect(logger.stdout()).toContain('from container');
    const [args] = docker.calls();
    const name = args[3];
    expect(name).toMatch(/^pipeline-Run_1-[0-9a-f]{8}$/);
    expect(args).toEqual([
      'run',
      '--rm',
      '--name',
      name,
      '-v',
      `${workspace}:/harness`,
      '-v',
      '/host/scratch:/harness-step',
      '-w',
      '/harness',
      '-e',
      'TOKEN',
      '-e',
      'PATH=/opt/bin:/usr/bin',
      '--pull',
      'missing',
      '--user',
      '1000',
      '--memory',
      '512m',
      '--cpus',
      '0.5',
      '--network',
      'host',
      'alpine:3.20',
      'sh',
      '/harness-step/script.sh',
    ]);
    const [env] = docker.envs();
    // The secret reaches the container through the client's environment, not the command line.
    expect(env.TOKEN).toBe('s3cr3t value');
    expect(args.join(' ')).not.toContain('s3cr3t');
    expect(env.PATH).toBe(process.env.PATH);
    expect(env.BACKEND_ONLY_SECRET).toBeUndefined();
  });

  it('passes an entrypoint override and privileged only when allowed', async () => {
    const docker = standIn('podman');
    const request = {
      argv: () => [],
      env: {},
      container: {
        image: 'plugins/s3',
        entrypoint: ['/bin/drone-s3', '--debug'],
        privileged: true,
      },
      purpose: 'Plugin',
    };
    await expect(
      new DockerRunner(settings({ docker: { command: docker.path } })).run(
        request,
        io(),
      ),
    ).rejects.toThrow(
      /privileged: true is not allowed.*pipelineEngine\.runners\.docker\.allowPrivileged: true/,
    );
    await new DockerRunner(
      settings({ docker: { command: docker.path, allowPrivileged: true } }),
    ).run(request, io());
    const [args] = docker.calls();
    expect(args.slice(-5)).toEqual([
      '--privileged',
      '--entrypoint',
      '/bin/drone-s3',
      'plugins/s3',
      '--debug',
    ]);
  });

  it('finds the command on PATH and says so when it is missing', async () => {
    const runner = new DockerRunner(
      settings({ docker: { command: 'podman-not-installed' } }),
    );
    await expect(
      runner.run(
        {
          argv: () => [],
          env: {},
          container: { image: 'x' },
          purpose: 'Plugin',
        },
        io(),
      ),
    ).rejects.toThrow(
      /command "podman-not-installed" \(pipelineEngine\.runners\.docker\.command\) was not found on PATH/,
    );
  });

  it('removes the container by name when the step is aborted', async () => {
    const docker = standIn('docker', {
      script: 'if [ "$1" = run ]; then echo started; sleep 300; fi',
    });
    const runner = new DockerRunner(
      settings({ docker: { command: docker.path }, killGracePeriod: '200ms' }),
    );
    const abort = new AbortController();
    const logger = recordingLogger();
    const result = runner.run(
      {
        argv: () => ['sleep', '300'],
        env: {},
        container: { image: 'alpine' },
        purpose: 'shell Sh',
      },
      io(abort.signal, logger),
    );
    await waitUntil(() => logger.stdout().includes('started'));
    abort.abort();
    expect((await result).aborted).toBe(true);
    const calls = docker.calls();
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(['rm', '-f', calls[0][3]]);
  });
});

describe('StepRunners.select', () => {
  const logger = recordingLogger();

  it('explains how to configure a container runner when a step names an image', () => {
    const runners = new StepRunners(settings({ local: { enabled: true } }));
    expect(() =>
      runners.select({
        container: { image: 'node:20' },
        useDefaultImage: true,
        logger,
      }),
    ).toThrow(
      /spec\.image node:20 needs a container runner, but no container runner is configured; set pipelineEngine\.runners\.docker\.command to docker or podman/,
    );
  });

  it('can run image steps on the host when told to', () => {
    const runners = new StepRunners(
      settings({ local: { enabled: true, runImageStepsLocally: true } }),
    );
    const log = recordingLogger();
    expect(
      runners.select({
        container: { image: 'node:20' },
        useDefaultImage: true,
        logger: log,
      }).runner.kind,
    ).toBe('local');
    expect(log.text()).toContain('ignoring image node:20');
  });

  it('uses the default image for steps without one when configured', () => {
    const runners = new StepRunners(
      settings({
        local: { enabled: true },
        docker: { command: 'docker', defaultImage: 'alpine:3' },
      }),
    );
    expect(runners.select({ useDefaultImage: true, logger })).toMatchObject({
      runner: { kind: 'docker' },
      container: { image: 'alpine:3' },
    });
    expect(runners.select({ useDefaultImage: false, logger }).runner.kind).toBe(
      'local',
    );
  });

  it('rejects a malformed grace period at startup', () => {
    expect(() => settings({ killGracePeriod: 'soon' })).toThrow(
      /killGracePeriod "soon" is not a duration/,
    );
  });
});
