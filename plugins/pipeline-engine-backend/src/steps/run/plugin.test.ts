import {
  createPluginStep,
  encodePluginSetting,
  pluginVariableName,
} from './plugin';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import {
  cleanupTemp,
  runnersFor,
  standIn,
  workspaceDir,
} from './__testUtils__/stepTestKit';

jest.setTimeout(30_000);

afterEach(() => cleanupTemp());

/** A stand-in `docker` that acts as a plugin writing DRONE_OUTPUT into the mounted scratch directory. */
const pluginDocker = (exitCode = 0) =>
  standIn('docker', {
    exitCode,
    output: exitCode ? 'error: upload failed: access denied' : 'plugin done',
    script: `for a in "$@"; do case "$a" in *:/harness-step) scratch="\${a%:/harness-step}";; esac; done
[ -n "$scratch" ] && printf 'VERSION=1.2.3\\nexport URL=https://example.com/x?a=b\\n# comment\\n' > "$scratch/out/output.env"`,
  });

describe('Plugin step', () => {
  it('passes settings as PLUGIN_ variables the Drone way and reads DRONE_OUTPUT', async () => {
    const docker = pluginDocker();
    const workspace = workspaceDir();
    const r = await runMockStep(
      createPluginStep(runnersFor({ docker: { command: docker.path } })),
      {
        image: 'plugins/docker:20',
        settings: {
          repo: 'acme/app',
          tags: ['latest', '1.2.3', 7],
          build_args: { A: '1' },
          'dry-run': true,
          retries: 3,
          mirror: null,
          matrix: [{ os: 'linux' }],
        },
        envVariables: { EXTRA: 'x y' },
      },
      { workspace },
    );
    expect(r.error).toBeUndefined();
    expect(r.logText()).toContain('plugin done');
    const [args] = docker.calls();
    const [env] = docker.envs();
    expect(args[args.length - 1]).toBe('plugins/docker:20'); // the image's own entrypoint runs
    expect(args).toEqual(
      expect.arrayContaining([
        '-e',
        'PLUGIN_REPO',
        '-e',
        'PLUGIN_TAGS',
        '-e',
        'EXTRA',
      ]),
    );
    expect(env).toMatchObject({
      PLUGIN_REPO: 'acme/app',
      PLUGIN_TAGS: 'latest,1.2.3,7',
      PLUGIN_BUILD_ARGS: '{"A":"1"}',
      PLUGIN_DRY_RUN: 'true',
      PLUGIN_RETRIES: '3',
      PLUGIN_MIRROR: '',
      PLUGIN_MATRIX: '[{"os":"linux"}]',
      EXTRA: 'x y',
      DRONE_WORKSPACE: '/harness',
      DRONE_OUTPUT: '/harness-step/out/output.env',
    });
    expect(r.outputs).toEqual({
      VERSION: '1.2.3',
      URL: 'https://example.com/x?a=b',
    });
  });

  it("fails with the plugin's output when it exits non-zero", async () => {
    const docker = pluginDocker(2);
    const r = await runMockStep(
      createPluginStep(runnersFor({ docker: { command: docker.path } })),
      { image: 'plugins/s3' },
    );
    expect(r.error?.message).toMatch(
      /^plugin plugins\/s3 exited with code 2; last \d+ lines of output:\n/,
    );
    expect(r.error?.message).toContain('error: upload failed: access denied');
  });

  it('needs a container runner and says how to configure one', async () => {
    const r = await runMockStep(
      createPluginStep(runnersFor({ local: { enabled: true } })),
      { image: 'plugins/s3' },
    );
    expect(r.error?.message).toBe(
      'the Plugin step runs image plugins/s3 in a container, but no container runner is configured; ' +
        'set pipelineEngine.runners.docker.command to docker or podman in app-config',
    );
  });

  it('requires an image', async () => {
    const r = await runMockStep(createPluginStep(runnersFor({})), {
      settings: {},
    });
    expect(r.error?.message).toMatch(/^spec\./);
  });
});

describe('Drone conventions', () => {
  it('names settings PLUGIN_<UPPER_SNAKE>', () => {
    expect(pluginVariableName('build_args')).toBe('PLUGIN_BUILD_ARGS');
    expect(pluginVariableName('dry-run')).toBe('PLUGIN_DRY_RUN');
    expect(pluginVariableName('cache.from')).toBe('PLUGIN_CACHE_FROM');
  });

  it('encodes values', () => {
    expect(encodePluginSetting('a,b')).toBe('a,b');
    expect(encodePluginSetting(['a', 'b'])).toBe('a,b');
    expect(encodePluginSetting([['a'], 'b'])).toBe('[["a"],"b"]');
    expect(encodePluginSetting({ k: [1] })).toBe('{"k":[1]}');
    expect(encodePluginSetting(false)).toBe('false');
  });
});
