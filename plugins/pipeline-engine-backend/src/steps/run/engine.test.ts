import { readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  alive,
  killLeftovers,
  pidsIn,
  waitUntil,
} from '../../runners/__testUtils__/processes';
import {
  createRunStepsEngine,
  pipeline,
  type RunStepsEngine,
} from './__testUtils__/runStepsEngine';
import { cleanupTemp, standIn, tempDir } from './__testUtils__/stepTestKit';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const SECRET = 'sup3r-s3cret-value';
/** A multi-line secret shaped like a PEM key, longer than one base64 line. */
const KEY_LINES = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDkVx3TzVh6d3yP0eYqkq7s7Qdm1b0bU1nH0aZ3l8y2bAAAAJgWl5yNFpec',
  '-----END OPENSSH PRIVATE KEY-----',
];
const SSH_KEY = `${KEY_LINES.join('\n')}\n`;
const MASK = '**************';

const step = (id: string, type: string, spec: string, extra = '') => `- step:
    type: ${type}
    name: ${id}
    identifier: ${id}
${extra}    spec:
${spec.replace(/^/gm, '      ')}
`;

const leftovers: number[] = [];
const originalPath = process.env.PATH;
afterEach(() => {
  killLeftovers(leftovers.splice(0));
  process.env.PATH = originalPath;
  cleanupTemp();
});

describe('run steps in the engine', () => {
  let h: RunStepsEngine;
  let tofu: ReturnType<typeof standIn>;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { id: 'svc-7', token: SECRET } }));
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
    h = await createRunStepsEngine(databases, {
      secrets: { api_token: SECRET, ssh_key: SSH_KEY },
      config: {
        pipelineEngine: {
          runners: { local: { enabled: true }, killGracePeriod: '500ms' },
          http: { allow: [`127.0.0.1:${port}`] },
        },
      },
    });
  });

  afterAll(async () => {
    await h?.stop();
    server.closeAllConnections();
    await new Promise(r => server.close(r));
  });

  it('masks secrets in stored log lines and outputs', async () => {
    const detail = await h.run(
      pipeline(
        step(
          'produce',
          'Run',
          [
            'shell: Bash',
            'command: |-',
            '  echo "token is $TOKEN"',
            '  echo "base64: $(printf %s "$TOKEN" | base64)"',
            '  LEAKED="prefix-$TOKEN"',
            '  GENERATED="gen-$(echo abc123xyz)"',
            'envVariables:',
            '  TOKEN: <+secrets.getValue("api_token")>',
            'outputVariables:',
            '  - name: LEAKED',
            '  - name: GENERATED',
            '    type: Secret',
          ].join('\n'),
        ) +
          step(
            'consume',
            'ShellScript',
            [
              'shell: Bash',
              'source:',
              '  type: Inline',
              '  spec:',
              '    script: |-',
              '      echo "generated was <+steps.produce.output.outputVariables.GENERATED>"',
              '      echo "leaked was <+steps.produce.output.outputVariables.LEAKED>"',
            ].join('\n'),
          ),
      ),
    );
    expect(detail.errorMessage).toBeUndefined();
    expect(detail.status).toBe('Success');
    const lines = await h.logLines(detail.id);
    const log = lines.join('\n');
    expect(log).toContain(`token is ${MASK}`);
    expect(log).toContain(`base64: ${MASK}`);
    expect(log).toContain(`generated was ${MASK}`);
    expect(log).toContain(`leaked was prefix-${MASK}`);
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain('gen-abc123xyz');
    expect(detail.outputs).toEqual({
      'pipeline.stages.main.spec.execution.steps.produce.output.outputVariables.LEAKED': `prefix-${MASK}`,
    });
    const stored = await h.dump();
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain('gen-abc123xyz');
  });

  it('masks every line of a multi-line secret and its base64 forms', async () => {
    const detail = await h.run(
      pipeline(
        step(
          'key',
          'Run',
          [
            'shell: Bash',
            'command: |-',
            '  echo "key:"',
            '  echo "$KEY"',
            '  echo "$KEY" | base64',
            '  printf %s "$KEY" | base64 -w0; echo',
            '  KEY_OUT="$KEY"',
            'envVariables:',
            '  KEY: <+secrets.getValue("ssh_key")>',
            'outputVariables:',
            '  - name: KEY_OUT',
          ].join('\n'),
        ),
        'IDP',
      ),
    );
    expect(detail.status).toBe('Success');
    const lines = await h.logLines(detail.id);
    const log = lines.join('\n');
    for (const line of KEY_LINES) expect(log).not.toContain(line);
    const base64 = Buffer.from(SSH_KEY).toString('base64');
    const withNewline = Buffer.from(`${SSH_KEY}\n`).toString('base64');
    const chunks = [base64, withNewline]
      .flatMap(encoded => encoded.match(/.{1,76}/g) ?? [])
      .filter(chunk => chunk.length >= 8);
    for (const chunk of chunks) expect(log).not.toContain(chunk);
    expect(lines.filter(line => line === MASK).length).toBeGreaterThanOrEqual(
      KEY_LINES.length,
    );
    expect(Object.values(detail.outputs ?? {})).toEqual([MASK]);
    expect(await h.dump()).not.toContain(KEY_LINES[1]);
  });

  it('masks a literal CreateResource key that the tool prints', async () => {
    tofu = standIn('tofu', {
      script: 'echo "using key $HARNESS_PLATFORM_API_KEY"',
    });
    process.env.PATH = `${tofu.bin}:${originalPath}`;
    const detail = await h.run(
      pipeline(
        step(
          'create',
          'CreateResource',
          'resourceDefinition: resource "harness_platform_project" "p" {}\nxApiKey: pat.acc.tok.literalKeyValue',
        ),
        'IDP',
      ),
    );
    expect(detail.status).toBe('Success');
    const log = (await h.logLines(detail.id)).join('\n');
    expect(log).toContain(`using key ${MASK}`);
    expect(log).not.toContain('literalKeyValue');
    expect(tofu.calls().map(c => c[1])).toEqual(['init', 'apply']);
  });

  it('fails a Run step with the tail of its output', async () => {
    const detail = await h.run(
      pipeline(
        step(
          'broken',
          'Run',
          'shell: Sh\ncommand: |-\n  echo "compiling"\n  echo "error: missing semicolon" >&2\n  exit 2',
        ),
        'IDP',
      ),
    );
    expect(detail.status).toBe('Failed');
    expect(detail.errorMessage).toMatch(
      /^step broken: the script exited with code 2; last \d+ lines of output:\n/,
    );
    expect(detail.errorMessage).toContain('error: missing semicolon');
  });

  it('kills the whole process group when a step times out', async () => {
    const dir = tempDir();
    const detail = await h.run(
      pipeline(
        step(
          'slow',
          'Run',
          `shell: Bash\ncommand: |-\n  sleep 300 &\n  echo "main=$$ child=$!" > ${join(dir, 'pids')}\n  sleep 300`,
          '    timeout: 1s\n',
        ),
      ),
    );
    const pids = pidsIn(readFileSync(join(dir, 'pids'), 'utf8'));
    leftovers.push(pids.main, pids.child);
    // Harness: "Step timeouts mark steps as expired".
    expect(detail.status).toBe('Expired');
    expect(detail.errorMessage).toBe('step slow: step timed out after 1s');
    // The engine stops waiting at once; the runner finishes the kill in the background.
    await waitUntil(
      () => !alive(pids.main) && !alive(pids.child),
      5000,
      'the step processes to die',
    );
  });

  it('kills the whole process group when the execution is aborted', async () => {
    const dir = tempDir();
    const id = await h.start(
      pipeline(
        step(
          'long',
          'Run',
          `shell: Sh\ncommand: |-\n  trap "" TERM\n  sleep 300 &\n  echo "main=$$ child=$!" > ${join(dir, 'pids')}\n  sleep 300`,
        ),
      ),
    );
    await waitUntil(
      () =>
        existsSync(join(dir, 'pids')) &&
        'child' in pidsIn(readFileSync(join(dir, 'pids'), 'utf8')),
      15_000,
      'the step to start',
    );
    const pids = pidsIn(readFileSync(join(dir, 'pids'), 'utf8'));
    leftovers.push(pids.main, pids.child);
    expect(alive(pids.child)).toBe(true);
    await h.abort(id);
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Aborted');
    // They ignore SIGTERM: SIGKILL follows after the 500ms grace period.
    await waitUntil(
      () => !alive(pids.main) && !alive(pids.child),
      5000,
      'the step processes to die',
    );
  });

  it('runs an Http step and masks a Secret output taken from the response', async () => {
    const detail = await h.run(
      pipeline(
        step(
          'fetch_svc',
          'Http',
          [
            `url: http://127.0.0.1:${port}/service`,
            'method: GET',
            // Harness's documented form: the step evaluates these after the call.
            'assertion: <+httpResponseCode> == 200',
            'outputVariables:',
            '  - name: id',
            '    type: String',
            `    value: <+json.select("data.id", httpResponseBody)>`,
            '  - name: token',
            '    type: Secret',
            `    value: <+json.select("data.token", httpResponseBody)>`,
          ].join('\n'),
        ) +
          step(
            'use',
            'ShellScript',
            'shell: Sh\nsource:\n  type: Inline\n  spec:\n    script: echo "id=<+steps.fetch_svc.output.outputVariables.id> token=<+steps.fetch_svc.output.outputVariables.token>"',
          ),
      ),
    );
    expect(detail.errorMessage).toBeUndefined();
    const log = (await h.logLines(detail.id)).join('\n');
    expect(log).toContain(`id=svc-7 token=${MASK}`);
    expect(detail.outputs).toEqual({
      'pipeline.stages.main.spec.execution.steps.fetch_svc.output.outputVariables.id':
        'svc-7',
    });
  });

  it('refuses an Http call to a host that is not allowed', async () => {
    const detail = await h.run(
      pipeline(
        step(
          'ssrf',
          'Http',
          'url: http://169.254.169.254/latest/meta-data/\nmethod: GET',
        ),
      ),
    );
    expect(detail.status).toBe('Failed');
    expect(detail.errorMessage).toContain(
      'host "169.254.169.254" is not in pipelineEngine.network.allow',
    );
  });
});
