import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { createRunStep } from './run';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import {
  cleanupTemp,
  runnersFor,
  standIn,
  workspaceDir,
  type ConfigData,
} from './__testUtils__/stepTestKit';

jest.setTimeout(30_000);

const LOCAL = { local: { enabled: true } };
const run = (runners: ConfigData = LOCAL) => createRunStep(runnersFor(runners));

afterEach(() => {
  cleanupTemp();
  delete process.env.BACKEND_ONLY_SECRET;
});

/** Values that break naive `name=value` or line-based capture. */
const TRICKY = {
  spaces: '  leading and trailing  ',
  newlines: 'line one\nline two\n\nline four',
  equals: 'a=b==c',
  quotes: `it's "quoted" $HOME \\n`,
};

describe('Run step', () => {
  it.each(['Sh', 'Bash'])(
    'captures %s variables from the final shell state, byte for byte',
    async shell => {
      const r = await runMockStep(run(), {
        shell,
        command: [
          `SPACES='${TRICKY.spaces}'`,
          `NEWLINES='${TRICKY.newlines}'`,
          `EQUALS='${TRICKY.equals}'`,
          `QUOTES='it'"'"'s "quoted" $HOME \\n'`,
          'export EXPORTED=yes',
          'RENAMED=by-value',
          'echo "running in $(pwd)"',
        ].join('\n'),
        outputVariables: [
          { name: 'SPACES' },
          { name: 'NEWLINES' },
          { name: 'EQUALS' },
          { name: 'QUOTES' },
          { name: 'EXPORTED', type: 'String' },
          { name: 'alias', value: 'RENAMED' },
          { name: 'UNSET' },
        ],
      });
      expect(r.error).toBeUndefined();
      expect(r.outputs).toEqual({
        SPACES: TRICKY.spaces,
        NEWLINES: TRICKY.newlines,
        EQUALS: TRICKY.equals,
        QUOTES: TRICKY.quotes,
        EXPORTED: 'yes',
        alias: 'by-value',
        UNSET: '',
      });
      expect(r.logText()).toContain(
        'output variable UNSET: the script did not set UNSET',
      );
      expect(r.logText()).toContain('+ export EXPORTED=yes'); // traced, as Harness does
      expect(r.logText()).not.toContain('__harness');
      expect(r.logText()).not.toContain('printf');
    },
  );

  it('captures outputs when the script ends with exit 0', async () => {
    const r = await runMockStep(run(), {
      shell: 'Bash',
      command: 'A=1\nexit 0\nA=2',
      outputVariables: [{ name: 'A' }],
    });
    expect(r.error).toBeUndefined();
    expect(r.outputs.A).toBe('1');
  });

  it('captures Python globals and os.environ, also after sys.exit(0)', async () => {
    const r = await runMockStep(run(), {
      shell: 'Python',
      command: [
        'import os, sys',
        `MULTI = ${JSON.stringify(TRICKY.newlines)}`,
        `os.environ["FROM_ENV"] = ${JSON.stringify(TRICKY.equals)}`,
        'COUNT = 3',
        'print("hello from python")',
        'sys.exit(0)',
        'MULTI = "never"',
      ].join('\n'),
      outputVariables: [
        { name: 'MULTI' },
        { name: 'FROM_ENV' },
        { name: 'COUNT' },
        { name: 'NOPE' },
      ],
    });
    expect(r.error).toBeUndefined();
    expect(r.logText()).toContain('hello from python');
    expect(r.outputs).toEqual({
      MULTI: TRICKY.newlines,
      FROM_ENV: TRICKY.equals,
      COUNT: '3',
      NOPE: '',
    });
  });

  it("shows a Python traceback from the user's code and fails", async () => {
    const r = await runMockStep(run(), {
      shell: 'Python',
      command: 'def f():\n    raise ValueError("bad input")\nf()',
    });
    expect(r.error?.message).toMatch(/exited with code 1/);
    expect(r.error?.message).toContain('ValueError: bad input');
    expect(r.error?.message).not.toContain('_harness_main');
  });

  it('publishes Secret-typed outputs as secret', async () => {
    const r = await runMockStep(run(), {
      command: 'TOKEN=$(echo generated-token)',
      outputVariables: [{ name: 'TOKEN', type: 'Secret' }],
    });
    expect(r.outputs.TOKEN).toBe('generated-token');
    expect(r.secretOutputs).toContain('TOKEN');
    // No command trace with Secret outputs: it would log the value unmasked.
    expect(r.logText()).not.toContain('generated-token');
  });

  it('passes envVariables and nothing of the backend environment', async () => {
    process.env.BACKEND_ONLY_SECRET = 'backend-password';
    const r = await runMockStep(run(), {
      shell: 'Bash',
      command: 'echo "greeting=$GREETING"; echo "count=$COUNT"; env',
      envVariables: { GREETING: 'hello world', COUNT: 3, EMPTY: null },
    });
    expect(r.error).toBeUndefined();
    expect(r.logText()).toContain('greeting=hello world');
    expect(r.logText()).toContain('count=3');
    expect(r.logText()).not.toContain('backend-password');
  });

  it('fails on a non-zero exit code and shows the last 20 lines', async () => {
    // Everything goes to stderr (the script's output and set -x's trace), so
    // the order of the lines is fixed: no stdout/stderr interleaving.
    const r = await runMockStep(run(), {
      shell: 'Bash',
      command:
        "exec 1>&2\nseq -f 'output line %g' 1 40\necho 'fatal: it broke'\nexit 3",
    });
    const lines = (r.error?.message ?? '').split('\n');
    expect(lines).toEqual([
      'the script exited with code 3; last 20 lines of output:',
      ...Array.from({ length: 17 }, (_, index) => `output line ${index + 24}`),
      "+ echo 'fatal: it broke'",
      'fatal: it broke',
      '+ exit 3',
    ]);
  });

  it('runs as runners.local.user and still captures outputs and workspace files', async () => {
    const workspace = workspaceDir();
    const r = await runMockStep(
      run({ local: { enabled: true, user: 'nobody' } }),
      {
        shell: 'Bash',
        command: 'WHO=$(id -un)\necho made > made.txt',
        outputVariables: [{ name: 'WHO' }],
      },
      { workspace },
    );
    expect(r.error).toBeUndefined();
    // As root (CI) the step runs as nobody; otherwise as the backend's user.
    const expected = process.getuid?.() === 0 ? 'nobody' : userInfo().username;
    expect(r.outputs).toEqual({ WHO: expected });
    expect(readFileSync(join(workspace, 'made.txt'), 'utf8')).toBe('made\n');
  });

  it('stops at the first failing command (set -e, as Harness CI)', async () => {
    const r = await runMockStep(run(), {
      command: 'echo before\nfalse\necho after',
    });
    expect(r.error?.message).toMatch(/exited with code 1/);
    expect(r.logText()).toContain('before');
    expect(r.logText()).not.toMatch(/^after$/m);
  });

  it.each([
    ['Bash', 'bash'],
    ['Python', 'python3'],
    ['Pwsh', 'pwsh'],
  ])('names the missing interpreter of shell %s', async (shell, program) => {
    const r = await runMockStep(run(), {
      shell,
      command: 'echo hi',
      envVariables: { PATH: '/nonexistent-bin' },
    });
    expect(r.error?.message).toContain(
      `shell ${shell} needs "${program}", which is not installed on the backend host`,
    );
  });

  it('says how to enable the local runner when it is off', async () => {
    const r = await runMockStep(run({}), { command: 'echo hi' });
    expect(r.error?.message).toMatch(
      /set pipelineEngine\.runners\.local\.enabled: true/,
    );
  });

  it('refuses output names that are not variable names', async () => {
    const r = await runMockStep(run(), {
      command: 'true',
      outputVariables: [{ name: 'my-var' }],
    });
    expect(r.error?.message).toContain('"my-var" is not a valid variable name');
  });

  it('removes its scratch directory and leaves the workspace alone', async () => {
    const workspace = workspaceDir();
    const r = await runMockStep(
      run(),
      { command: 'echo data > file.txt' },
      { workspace },
    );
    expect(r.error).toBeUndefined();
    expect(readdirSync(workspace)).toEqual(['file.txt']);
    expect(readdirSync(dirname(workspace))).toEqual(['main']);
  });

  it('runs steps with an image in a container', async () => {
    const docker = standIn('docker', { output: 'ran in container' });
    const workspace = workspaceDir();
    const r = await runMockStep(
      run({ docker: { command: docker.path, allowPrivileged: true } }),
      {
        image: 'node:20',
        // Text, as expressions resolve them.
        privileged: 'true',
        runAsUser: '1000',
        connectorRef: 'account.dockerhub',
        shell: 'Bash',
        command: 'node --version',
        envVariables: { FOO: 'bar' },
        imagePullPolicy: 'Always',
        resources: { limits: { memory: '500Mi', cpu: '500m' } },
      },
      { workspace },
    );
    expect(r.error).toBeUndefined();
    expect(r.logText()).toContain('ran in container');
    expect(r.logText()).toContain('connectorRef account.dockerhub is not used');
    const [args] = docker.calls();
    expect(args.slice(-3)).toEqual([
      'node:20',
      'bash',
      '/harness-step/script.sh',
    ]);
    expect(args).toEqual(
      expect.arrayContaining([
        '-e',
        'FOO',
        '--pull',
        'always',
        '--privileged',
        '--user',
        '1000',
        '--memory',
        '500m',
        '--cpus',
        '0.5',
      ]),
    );
    expect(args).toContain(`${workspace}:/harness`);
    const scratchMount = args.find(a => a.endsWith(':/harness-step'))!;
    expect(existsSync(scratchMount.split(':')[0])).toBe(false);
  });

  it('hints at the image when a container exits with 127', async () => {
    const docker = standIn('docker', {
      output: 'exec: "bash": executable file not found',
      exitCode: 127,
    });
    const r = await runMockStep(run({ docker: { command: docker.path } }), {
      image: 'busybox',
      shell: 'Bash',
      command: 'true',
    });
    expect(r.error?.message).toMatch(
      /the script \(does image busybox have bash\?\) exited with code 127 \(command not found\)/,
    );
    expect(r.error?.message).toContain('executable file not found');
  });

  it('explains the missing container runner for a step with an image', async () => {
    const r = await runMockStep(run(), { image: 'node:20', command: 'true' });
    expect(r.error?.message).toContain(
      'set pipelineEngine.runners.docker.command to docker or podman',
    );
  });
});
