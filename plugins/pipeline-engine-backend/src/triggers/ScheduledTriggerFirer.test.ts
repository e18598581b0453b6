import {
  mockServices,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { ExecutionSummary } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createTestDatabases,
  initStores,
  PIPELINE,
  PIPELINE_YAML,
  replicaClients,
} from '../database/__testUtils__/testDatabases';
import { createPipelineEngineStores } from '../database';
import { PipelineAdminService } from '../service/PipelineAdminService';
import { readTriggerSchedule } from '../service/adminDocuments';
import { ProblemsError } from '../service/problems';
import { ScheduledTriggerFirer } from './ScheduledTriggerFirer';

const databases = createTestDatabases();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map(cleanup => cleanup()));
});
const JANE = { identity: 'user:default/jane' };

const scheduledTrigger = (expression: string, extra = '') => `trigger:
  name: Every five minutes
  identifier: every_five
  enabled: true
  orgIdentifier: default
  projectIdentifier: platform
  pipelineIdentifier: create_service
  source:
    type: Scheduled
    spec:
      type: Cron
      spec:
        type: UNIX
        expression: "${expression}"
${extra}  inputYaml: |
    pipeline:
      identifier: create_service
      variables:
        - name: owner
          type: String
          value: from-schedule
`;

/** One replica: its own stores on the shared database, its own firer. */
async function replica(
  knex: Awaited<ReturnType<typeof initStores>>['knex'],
  now: { value: Date },
) {
  const stores = await createPipelineEngineStores({
    database: mockServices.database({ knex }),
  });
  const execute = jest.fn(
    async () => ({ id: 'execution-1', status: 'Queued' }) as ExecutionSummary,
  );
  const admin = new PipelineAdminService({
    stores,
    engine: { execute },
    now: () => now.value,
  });
  const firer = new ScheduledTriggerFirer({
    triggers: stores.triggers,
    fire: trigger => admin.fireScheduledTrigger(trigger),
    readSchedule: readTriggerSchedule,
    logger: mockServices.logger.mock(),
    missedAfterMs: 60_000,
  });
  return { stores, admin, execute, firer };
}

async function setup(databaseId: TestDatabaseId) {
  const { stores, knex } = await initStores(databases, databaseId);
  await stores.pipelines.create({
    orgIdentifier: PIPELINE.orgIdentifier,
    projectIdentifier: PIPELINE.projectIdentifier,
    identifier: PIPELINE.pipelineIdentifier,
    name: 'Create service',
    yaml: PIPELINE_YAML,
  });
  const now = { value: new Date('2026-12-05T06:00:30Z') };
  const replicas = replicaClients(knex, 2);
  cleanups.push(replicas.destroy);
  const [clientA, clientB] = replicas.clients;
  return {
    now,
    a: await replica(clientA, now),
    b: await replica(clientB, now),
  };
}

describe('ScheduledTriggerFirer', () => {
  it.each(databases.eachSupportedId())(
    'fires each occurrence on exactly one of two replicas, as the trigger, with its inputs, on %p',
    async databaseId => {
      const { now, a, b } = await setup(databaseId);
      const created = await a.admin.createTrigger(
        PIPELINE,
        scheduledTrigger('*/5 * * * *'),
        JANE,
      );
      expect(created.nextFireAt).toBe('2026-12-05T06:05:00.000Z');
      expect(created).not.toHaveProperty('webhookToken');

      now.value = new Date('2026-12-05T06:04:59Z');
      await Promise.all([
        a.firer.fireDue(now.value),
        b.firer.fireDue(now.value),
      ]);
      expect(a.execute.mock.calls.length + b.execute.mock.calls.length).toBe(0);

      now.value = new Date('2026-12-05T06:05:02Z');
      const passes = await Promise.all([
        a.firer.fireDue(now.value),
        b.firer.fireDue(now.value),
        a.firer.fireDue(now.value),
      ]);
      expect(passes.flatMap(pass => pass.fired)).toEqual([
        'default/platform/create_service/every_five',
      ]);
      const calls = [...a.execute.mock.calls, ...b.execute.mock.calls];
      expect(calls).toHaveLength(1);
      const [ref, request, actor, options] = calls[0] as unknown as [
        unknown,
        { inputSet: unknown },
        { identity: string },
        { triggerType: string; triggerIdentifier: string },
      ];
      expect(ref).toEqual(PIPELINE);
      expect(JSON.stringify(request.inputSet)).toContain('from-schedule');
      expect(actor.identity).toBe(
        'trigger:default/platform/create_service/every_five',
      );
      expect(options).toMatchObject({
        triggerType: 'SCHEDULER_CRON',
        triggerIdentifier: 'every_five',
      });
      await expect(
        b.admin.getTrigger(PIPELINE, 'every_five'),
      ).resolves.toMatchObject({ nextFireAt: '2026-12-05T06:10:00.000Z' });
    },
  );

  it.each(databases.eachSupportedId())(
    'skips occurrences missed while no replica ran and fires the next one on %p',
    async databaseId => {
      const { now, a } = await setup(databaseId);
      await a.admin.createTrigger(
        PIPELINE,
        scheduledTrigger('*/5 * * * *'),
        JANE,
      );

      // Down from 06:00:30 to 06:57:30: eleven occurrences passed unseen.
      now.value = new Date('2026-12-05T06:57:30Z');
      const missed = await a.firer.fireDue(now.value);
      expect(missed).toEqual({
        fired: [],
        skippedAsMissed: ['default/platform/create_service/every_five'],
      });
      expect(a.execute).not.toHaveBeenCalled();
      await expect(
        a.admin.getTrigger(PIPELINE, 'every_five'),
      ).resolves.toMatchObject({ nextFireAt: '2026-12-05T07:00:00.000Z' });

      // Up again, a check 40 s late still fires the occurrence it finds.
      now.value = new Date('2026-12-05T07:00:40Z');
      expect((await a.firer.fireDue(now.value)).fired).toHaveLength(1);
      expect(a.execute).toHaveBeenCalledTimes(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'never fires a disabled trigger, and fires again once enabled, on %p',
    async databaseId => {
      const { now, a } = await setup(databaseId);
      const disabled = scheduledTrigger('*/5 * * * *').replace(
        'enabled: true',
        'enabled: false',
      );
      const created = await a.admin.createTrigger(PIPELINE, disabled, JANE);
      expect(created.nextFireAt).toBeUndefined();
      now.value = new Date('2026-12-05T06:05:01Z');
      await a.firer.fireDue(now.value);
      expect(a.execute).not.toHaveBeenCalled();

      const enabled = await a.admin.updateTrigger(
        PIPELINE,
        'every_five',
        scheduledTrigger('*/5 * * * *'),
        JANE,
      );
      expect(enabled.nextFireAt).toBe('2026-12-05T06:10:00.000Z');
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses a bad cron expression with its position and a hint on %p',
    async databaseId => {
      const { a } = await setup(databaseId);
      let error: unknown;
      try {
        await a.admin.createTrigger(
          PIPELINE,
          scheduledTrigger('0 4 * *'),
          JANE,
        );
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ProblemsError);
      expect((error as ProblemsError).problems).toEqual([
        expect.objectContaining({
          path: 'trigger.source.spec.spec.expression',
          line: 14,
          column: 21,
          message: 'a UNIX cron expression has 5 fields, this one has 4',
          hint: expect.stringContaining('minute hour day-of-month'),
        }),
      ]);
      await expect(a.admin.listTriggers(PIPELINE)).resolves.toMatchObject({
        totalCount: 0,
      });
    },
  );
});
