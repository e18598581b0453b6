import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import {
  createTestDatabases,
  initStores,
  newExecution,
  PIPELINE,
  replicaClients,
} from './__testUtils__/testDatabases';
import { ExecutionStore } from './ExecutionStore';
import { JsonObject } from './types';

const databases = createTestDatabases();

describe('ExecutionStore executions', () => {
  it.each(databases.eachSupportedId())(
    'enqueues and reads executions with JSON round trips on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const inputs: JsonObject = {
        region: 'eu-west-1',
        replicas: 3,
        ratio: 0.25,
        dryRun: false,
        nothing: null,
        unicode: 'żółw 🐢 "quoted" \\ back',
        nested: { list: [1, 'two', { three: [true] }], empty: {} },
        apiKey: '<+secrets.getValue("account.api_key")>',
      };
      const execution = await stores.executions.enqueue(
        newExecution({
          inputs,
          triggeredBy: {
            identity: 'user:default/jane',
            name: 'Jane',
            email: 'jane@example.com',
          },
          triggerType: 'WEBHOOK',
          triggerIdentifier: 'on_push',
          triggerPayload: {
            ref: 'refs/heads/main',
            commits: [{ id: 'abc' }],
            nul: 'a\u0000b',
          },
          pipelineVersion: 7,
        }),
      );
      expect(execution).toMatchObject({
        ...PIPELINE,
        status: 'Queued',
        sequenceId: 1,
        pipelineVersion: 7,
        inputs,
        triggeredBy: {
          identity: 'user:default/jane',
          name: 'Jane',
          email: 'jane@example.com',
        },
        triggerType: 'WEBHOOK',
        triggerIdentifier: 'on_push',
        triggerPayload: {
          ref: 'refs/heads/main',
          commits: [{ id: 'abc' }],
          nul: 'a\u0000b',
        },
        abortRequested: false,
        attempt: 0,
        recoveryCount: 0,
      });
      expect(execution.startedAt).toBeUndefined();
      expect(execution.leaseOwner).toBeUndefined();
      expect(execution.outputs).toBeUndefined();
      await expect(stores.executions.get(execution.id)).resolves.toEqual(
        execution,
      );
      await expect(
        stores.executions.getBySequenceId(PIPELINE, 1),
      ).resolves.toEqual(execution);
      // A manual run has no payload; an oversized one is refused whole.
      expect(
        (await stores.executions.enqueue(newExecution())).triggerPayload,
      ).toBeUndefined();
      await expect(
        stores.executions.enqueue(
          newExecution({
            triggerType: 'WEBHOOK',
            triggerPayload: { blob: 'x'.repeat(600 * 1024) },
          }),
        ),
      ).rejects.toThrow(/trigger payload is \d+ bytes; at most 524288/);
    },
  );

  it.each(databases.eachSupportedId())(
    'numbers executions per pipeline, also under concurrent enqueues, on %p',
    async databaseId => {
      const { stores, knex } = await initStores(databases, databaseId);
      const replicas = replicaClients(knex, 4);
      try {
        const executions = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            new ExecutionStore(replicas.clients[i % 4]).enqueue(newExecution()),
          ),
        );
        expect(executions.map(e => e.sequenceId).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
      } finally {
        await replicas.destroy();
      }
      const other = await stores.executions.enqueue(
        newExecution({ pipelineIdentifier: 'other' }),
      );
      expect(other.sequenceId).toBe(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists executions newest first with filters on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const first = await stores.executions.enqueue(newExecution());
      const second = await stores.executions.enqueue(newExecution());
      await stores.executions.enqueue(
        newExecution({ pipelineIdentifier: 'other' }),
      );
      await stores.executions.requestAbort(first.id);

      const all = await stores.executions.list({
        orgIdentifier: PIPELINE.orgIdentifier,
        projectIdentifier: PIPELINE.projectIdentifier,
      });
      expect(all.totalCount).toBe(3);

      const ofPipeline = await stores.executions.list({
        ...PIPELINE,
        limit: 10,
      });
      expect(ofPipeline.items.map(e => e.sequenceId)).toEqual([2, 1]);

      const queued = await stores.executions.list({
        ...PIPELINE,
        statuses: ['Queued'],
      });
      expect(queued.items.map(e => e.id)).toEqual([second.id]);
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects duplicate ids and bad input, and 404s unknown ids on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const id = randomUUID();
      await stores.executions.enqueue(newExecution({ id }));
      await expect(
        stores.executions.enqueue(newExecution({ id })),
      ).rejects.toThrow(ConflictError);
      // The failed enqueue did not use up a sequence number.
      const next = await stores.executions.enqueue(newExecution());
      expect(next.sequenceId).toBe(2);

      await expect(
        stores.executions.enqueue(newExecution({ id: 'not-a-uuid' })),
      ).rejects.toThrow(InputError);
      await expect(
        stores.executions.enqueue(
          newExecution({ triggerType: 'PUSH' as unknown as 'MANUAL' }),
        ),
      ).rejects.toThrow(InputError);
      await expect(
        stores.executions.enqueue(
          newExecution({ triggeredBy: { identity: '' } }),
        ),
      ).rejects.toThrow(InputError);

      await expect(stores.executions.get(randomUUID())).rejects.toThrow(
        NotFoundError,
      );
      await expect(stores.executions.get('not-a-uuid')).rejects.toThrow(
        NotFoundError,
      );
      await expect(
        stores.executions.getBySequenceId(PIPELINE, 99),
      ).rejects.toThrow(NotFoundError);
      await expect(
        stores.executions.requestAbort(randomUUID()),
      ).rejects.toThrow(NotFoundError);
    },
  );

  it.each(databases.eachSupportedId())(
    'aborts queued executions at once and flags running ones on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const queued = await stores.executions.enqueue(newExecution());
      const aborted = await stores.executions.requestAbort(queued.id);
      expect(aborted).toMatchObject({
        status: 'Aborted',
        abortRequested: true,
      });
      expect(aborted.endedAt).toBeDefined();
      // An aborted execution is never claimed.
      await expect(
        stores.executions.claimNext('replica-a', 60_000),
      ).resolves.toBeUndefined();

      const running = await stores.executions.enqueue(newExecution());
      await stores.executions.claimNext('replica-a', 60_000);
      const flagged = await stores.executions.requestAbort(running.id);
      expect(flagged).toMatchObject({
        status: 'Running',
        abortRequested: true,
        leaseOwner: 'replica-a',
      });
      const done = await stores.executions.complete(
        running.id,
        'replica-a',
        'Aborted',
      );
      expect(done.status).toBe('Aborted');
      // Ended executions stay as they are.
      await expect(
        stores.executions.requestAbort(running.id),
      ).resolves.toMatchObject({ status: 'Aborted' });
    },
  );

  it.each(databases.eachSupportedId())(
    'moves between waiting statuses and completes with outputs on %p',
    async databaseId => {
      const { stores } = await initStores(databases, databaseId);
      const { id } = await stores.executions.enqueue(newExecution());
      const claimed = await stores.executions.claimNext('replica-a', 60_000);
      expect(claimed?.startedAt).toBeDefined();

      const waiting = await stores.executions.updateStatus(
        id,
        'replica-a',
        'ApprovalWaiting',
      );
      expect(waiting).toMatchObject({
        status: 'ApprovalWaiting',
        leaseOwner: 'replica-a',
      });
      await expect(
        stores.executions.updateStatus(id, 'replica-a', 'Success'),
      ).rejects.toThrow(InputError);
      await expect(
        stores.executions.updateStatus(id, 'replica-b', 'Running'),
      ).rejects.toThrow(ConflictError);

      await expect(
        stores.executions.complete(id, 'replica-a', 'Running'),
      ).rejects.toThrow(InputError);
      const outputs = { url: 'https://github.com/acme/svc', count: 2 };
      const done = await stores.executions.complete(id, 'replica-a', 'Failed', {
        errorMessage: 'Step publish failed',
        outputs,
      });
      expect(done).toMatchObject({
        status: 'Failed',
        errorMessage: 'Step publish failed',
        outputs,
      });
      expect(done.leaseOwner).toBeUndefined();
      expect(done.leaseExpiresAt).toBeUndefined();
      expect(Date.parse(done.endedAt!)).toBeGreaterThanOrEqual(
        Date.parse(done.startedAt!),
      );
      await expect(stores.executions.get(id)).resolves.toEqual(done);

      // Completing twice is refused: the lease went with the first call.
      await expect(
        stores.executions.complete(id, 'replica-a', 'Success'),
      ).rejects.toThrow(ConflictError);
    },
  );
});
