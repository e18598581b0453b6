import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { processGroupMembers, readProcessStat } from '../runners/procfs';
import {
  freePort,
  startChildBackend,
  type ChildBackend,
} from './__testUtils__/childBackendProcess';

jest.setTimeout(300_000);

/*
 * kill -9 of a real backend (child process) while a ShellScript step runs a
 * background job that keeps writing to a file; then the same instance starts
 * again. The leftover processes must be dead by the time the execution moves
 * on, and it must move on before the crashed run's lease would have expired.
 */

const LEASE_SECONDS = 120;
const INSTANCE_ID = 'e2e-crash-test';

const pipelineYaml = (identifier: string, script: string) => `pipeline:
  name: ${identifier}
  identifier: ${identifier}
  orgIdentifier: default
  projectIdentifier: default
  stages:
    - stage:
        name: main
        identifier: main
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: ShellScript
                  name: work
                  identifier: work
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: |
${script.replace(/^/gm, '                          ')}
`;

/** Live (not zombie) per /proc, and still the same process (same start time). */
function sameProcessAlive(pid: number, startTime: string): boolean {
  const stat = readProcessStat(pid);
  return (
    !!stat &&
    stat.startTime === startTime &&
    stat.state !== 'Z' &&
    stat.state !== 'X'
  );
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  deadline: number,
): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('crash clean-up and recovery (child-process backend, SQLite)', () => {
  const work = mkdtempSync(join(tmpdir(), 'crash-e2e-'));
  const token = randomBytes(24).toString('base64url');
  const children: ChildBackend[] = [];
  let db: Knex | undefined;
  const orphans: number[] = [];

  afterAll(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    for (const pid of orphans) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone, as it should be
      }
    }
    await db?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  async function start(
    port: number,
    instanceId = INSTANCE_ID,
  ): Promise<ChildBackend> {
    const baseUrl = `http://127.0.0.1:${port}`;
    const child = await startChildBackend({
      backend: {
        baseUrl,
        listen: { host: '127.0.0.1', port },
        database: {
          client: 'better-sqlite3',
          connection: { directory: join(work, 'db') },
        },
        auth: {
          externalAccess: [
            { type: 'static', options: { token, subject: 'e2e' } },
          ],
        },
      },
      permission: { enabled: false },
      pipelineEngine: {
        workspace: { root: join(work, 'workspaces') },
        worker: { instanceId, leaseSeconds: LEASE_SECONDS, pollIntervalMs: 50 },
        runners: { local: { enabled: true }, killGracePeriod: '2s' },
      },
    });
    children.push(child);
    return child;
  }

  async function call(
    port: number,
    method: string,
    path: string,
    body?: { yaml?: string; json?: unknown },
  ) {
    const response = await fetch(
      `http://127.0.0.1:${port}/api/pipeline-engine${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body?.yaml
            ? { 'content-type': 'application/yaml' }
            : { 'content-type': 'application/json' }),
        },
        body:
          body?.yaml ??
          (body?.json !== undefined ? JSON.stringify(body.json) : undefined),
      },
    );
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text);
  }

  async function executeScript(
    port: number,
    identifier: string,
    script: string,
  ): Promise<string> {
    await call(port, 'POST', '/pipelines', {
      yaml: pipelineYaml(identifier, script),
    });
    const execution = await call(
      port,
      'POST',
      `/pipelines/default/default/${identifier}/execute`,
      { json: { inputSet: {} } },
    );
    return execution.id;
  }

  /** The step process group recorded for the running step, once it is there. */
  async function recordedGroup(instanceId: string, deadline: number) {
    return until(
      'the step process group to be recorded',
      async () => {
        const row = await db!('step_processes')
          .where({ instance_id: instanceId })
          .first();
        return row
          ? { pgid: Number(row.pgid), startTime: String(row.start_time) }
          : undefined;
      },
      deadline,
    );
  }

  beforeAll(() => {
    mkdirSync(join(work, 'db'), { recursive: true });
    // The backend's own database file (backend.database.connection.directory), read alongside it.
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(work, 'db', 'pipeline-engine.sqlite') },
      useNullAsDefault: true,
    });
  });

  it('kills the orphans of a crashed run and resumes its execution before the lease would have expired', async () => {
    const marker = join(work, 'marker.txt');
    const port = await freePort();
    const first = await start(port);

    const id = await executeScript(
      port,
      'crash',
      `( while true; do echo tick >> '${marker}'; sleep 0.05; done ) &\nsleep 600`,
    );
    const group = await recordedGroup(INSTANCE_ID, Date.now() + 60_000);
    await until(
      'the background job to write',
      async () => (existsSync(marker) ? true : undefined),
      Date.now() + 60_000,
    );
    const members = processGroupMembers(group.pgid);
    // The shell, its background subshell and their sleeps.
    expect(members.length).toBeGreaterThanOrEqual(2);
    orphans.push(...members.map(m => m.pid));
    const before = await db!('executions').where({ id }).first();
    const crashedLeaseExpiresAt = Number(before.lease_expires_at);
    expect(before.status).toBe('Running');

    first.process.kill('SIGKILL');
    await first.exited;
    // What the issue saw: the step's processes outlive the backend.
    expect(members.some(m => sameProcessAlive(m.pid, m.startTime))).toBe(true);

    const second = await start(port);
    const movedOnAt = await until(
      'the execution to be taken over',
      async () => {
        const row = await db!('executions').where({ id }).first();
        return Number(row.recovery_count) >= 1 ? Date.now() : undefined;
      },
      crashedLeaseExpiresAt,
    );
    expect(movedOnAt).toBeLessThan(crashedLeaseExpiresAt);
    // Killed before recovery: nothing of the crashed step runs any more.
    expect(members.filter(m => sameProcessAlive(m.pid, m.startTime))).toEqual(
      [],
    );
    expect(
      await db!('step_processes').where({
        pgid: group.pgid,
        start_time: group.startTime,
      }),
    ).toEqual([]);

    second.process.kill('SIGTERM');
    await second.exited;
  });

  it('gives its leases up at once on SIGTERM, killing its step processes', async () => {
    const port = await freePort();
    const instanceId = 'e2e-sigterm-test';
    const backend = await start(port, instanceId);
    const id = await executeScript(port, 'sigterm', 'sleep 600');
    const group = await recordedGroup(instanceId, Date.now() + 60_000);
    const members = processGroupMembers(group.pgid);
    orphans.push(...members.map(m => m.pid));
    const before = await db!('executions').where({ id }).first();
    expect(before.status).toBe('Running');

    backend.process.kill('SIGTERM');
    expect(await backend.exited).toBe(0);
    const after = await db!('executions').where({ id }).first();
    // Still to be finished, by whichever replica claims it first: right away, not in ${LEASE_SECONDS} s.
    expect(after.status).toBe('Running');
    expect(Number(after.lease_expires_at)).toBeLessThan(
      Number(before.lease_expires_at),
    );
    expect(Number(after.lease_expires_at)).toBeLessThanOrEqual(Date.now());
    expect(members.filter(m => sameProcessAlive(m.pid, m.startTime))).toEqual(
      [],
    );
    expect(
      await db!('step_processes').where({ instance_id: instanceId }),
    ).toEqual([]);
  });
});
