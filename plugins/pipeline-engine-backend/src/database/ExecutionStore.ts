import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  writeExecutionBatch,
  type ExecutionWriteBatch,
} from './executionBatch';
import {
  EnqueueBatcher,
  insertExecutions,
  type NewExecutionRow,
} from './enqueueBatch';
import { randomUUID } from 'node:crypto';
import { dbNow, dbNowPlus } from './dbClock';
import { assertIdempotencyKey } from './idempotencyKey';
import { isUniqueViolation, LeaseLostError } from './dbErrors';
import {
  claimExpiredLeases,
  claimQueued,
  claimWoken,
  expireLeasesOfOwners,
  heldBy,
} from './executionQueue';
import {
  Execution,
  ExecutionRow,
  ExecutionTemplateVersion,
  toExecution,
} from './executionRows';
import { toJsonColumn } from './jsonColumns';
import { assertClaimRequest, assertLeaseRequest, leaseLost } from './leases';
import { connectDatabase } from './migrations';
import {
  NodeExecution,
  NodeExecutionRow,
  toNodeExecution,
} from './nodeExecutionRows';
import {
  NodeExecutionInput,
  NodeStatusUpdate,
  updateNodeRow,
  upsertNodeRow,
} from './nodeExecutions';
import { readPage, resolvePage } from './paging';
import {
  addActivity,
  ActivityDecision,
  ApprovalActivity,
  ExecutionWait,
  NewWait,
  parkExecution,
  PARKED_EXECUTION_STATUSES,
  readActivities,
  readWaits,
  resolveWait,
  WaitKind,
  WaitStatus,
} from './executionWaits';
import { QueueRelease, releaseQueueHolds } from './queueTurns';
import { copyReusedNodes, RerunLink } from './rerunNodes';
import { assertPipelineKey } from './pipelineChildren';
import { SecretCipher } from './secretCipher';
import {
  EXECUTION_TRIGGER_TYPES,
  ExecutionStatus,
  ExecutionTriggerType,
  IN_PROGRESS_NODE_STATUSES,
  isTerminalExecutionStatus,
  LEASED_EXECUTION_STATUSES,
} from './statuses';
import {
  JsonObject,
  Page,
  PageOptions,
  PipelineKey,
  ScopeFilter,
  scopeWhere,
  TriggeredBy,
} from './types';
import { assertIdentifier, assertText, isUuid } from './validation';

/** Input of {@link ExecutionStore.enqueue}. */
export interface NewExecution extends PipelineKey {
  /** Caller-chosen UUID, making a retried enqueue a ConflictError instead of a duplicate run. */
  id?: string;
  pipelineVersion: number;
  pipelineYaml: string;
  /**
   * Runtime inputs. Secret inputs must be references (secret identifiers or
   * `<+secrets.getValue(...)>` expressions), never secret values.
   */
  inputs?: JsonObject;
  triggeredBy: TriggeredBy;
  triggerType: ExecutionTriggerType;
  triggerIdentifier?: string;
  /** The JSON body of the webhook call that started it (`<+trigger.payload>`). */
  triggerPayload?: JsonObject;
  /** Makes it a re-run: links the original and copies its reused stages' nodes. */
  rerun?: RerunLink;
  /**
   * `Idempotency-Key` of the request: a repeated key from the same
   * `triggeredBy.identity` for the same pipeline returns the first execution.
   */
  idempotencyKey?: string;
  /** The template versions `pipelineYaml` was expanded with. */
  templateVersions?: ExecutionTemplateVersion[];
}

/** Largest webhook payload stored with an execution. */
export const MAX_TRIGGER_PAYLOAD_BYTES = 512 * 1024;

/** Filter of {@link ExecutionStore.list}. */
export interface ExecutionListOptions extends ScopeFilter, PageOptions {
  pipelineIdentifier?: string;
  statuses?: ExecutionStatus[];
}

/** Results recorded by {@link ExecutionStore.complete}. */
export interface ExecutionResult {
  errorMessage?: string;
  outputs?: JsonObject;
}

/** Options of {@link ExecutionStore}. */
export interface ExecutionStoreOptions {
  /** Encrypts secret node outputs; without it only markers are stored. */
  secretCipher?: SecretCipher;
}

const LEASED = [...LEASED_EXECUTION_STATUSES];

/**
 * Stores executions and their node states, and is the durable work queue:
 * replicas claim queued executions under a lease, keep it alive with
 * heartbeats, and take over executions whose lease expired. Every write on
 * behalf of a runner is fenced by the lease, so a replica that lost it gets a
 * {@link LeaseLostError} instead of overwriting the new owner's state.
 */
export class ExecutionStore {
  /** Connects to the plugin database and migrates it unless told to skip. */
  static async create(
    options: { database: DatabaseService } & ExecutionStoreOptions,
  ): Promise<ExecutionStore> {
    return new ExecutionStore(await connectDatabase(options.database), options);
  }

  private readonly cipher: SecretCipher | undefined;
  /** New executions, written in groups (see EnqueueBatcher). */
  private readonly enqueued: EnqueueBatcher;

  /** Wraps an already migrated Knex client. */
  constructor(
    private readonly db: Knex,
    options: ExecutionStoreOptions = {},
  ) {
    this.cipher = options.secretCipher;
    this.enqueued = new EnqueueBatcher(db);
  }

  /**
   * Queues a new execution, numbering it after the previous run of the same
   * pipeline. ConflictError if `id` is given and already used. Executions
   * enqueued at the same time are written in one transaction. With an
   * `idempotencyKey` already used by the same caller for the same pipeline,
   * returns that first execution instead (the unique index decides between
   * concurrent duplicates).
   */
  async enqueue(input: NewExecution): Promise<Execution> {
    assertPipelineKey(input);
    assertNewExecution(input);
    const id = input.id ?? randomUUID();
    const payload = triggerPayloadColumn(input.triggerPayload);
    const key = {
      org_identifier: input.orgIdentifier,
      project_identifier: input.projectIdentifier,
      pipeline_identifier: input.pipelineIdentifier,
    };
    try {
      const newRow: NewExecutionRow = {
        id,
        ...key,
        pipeline_version: input.pipelineVersion,
        pipeline_yaml: input.pipelineYaml,
        status: 'Queued',
        inputs: toJsonColumn(input.inputs ?? {}) as string,
        triggered_by: toJsonColumn(
          triggeredByJson(input.triggeredBy),
        ) as string,
        trigger_type: input.triggerType,
        trigger_identifier: input.triggerIdentifier ?? null,
        trigger_payload: payload,
        abort_requested: false,
        attempt: 0,
        recovery_count: 0,
        log_seq: 0,
        rerun_of: input.rerun?.of ?? null,
        rerun_from_stage: input.rerun?.fromStage ?? null,
        idempotency_key: input.idempotencyKey ?? null,
        idempotency_caller: input.idempotencyKey
          ? input.triggeredBy.identity
          : null,
        template_versions: input.templateVersions?.length
          ? toJsonColumn(input.templateVersions)
          : null,
      };
      const rerun = input.rerun;
      const row = rerun
        ? // One transaction: no replica may claim a re-run before the nodes
          // it reuses are in place.
          await this.db.transaction(async tx => {
            const [inserted] = await insertExecutions(tx, [newRow]);
            await copyReusedNodes(tx, id, rerun);
            return inserted;
          })
        : await this.enqueued.add(newRow);
      return toExecution(row);
    } catch (error) {
      if (isUniqueViolation(error) && input.idempotencyKey) {
        const first = await findByIdempotencyKey(
          this.db,
          input,
          input.triggeredBy.identity,
          input.idempotencyKey,
        );
        if (first) return first;
      }
      if (isUniqueViolation(error)) {
        throw new ConflictError(`Execution '${id}' already exists`);
      }
      throw error;
    }
  }

  /**
   * The execution a caller created for a pipeline with this
   * `Idempotency-Key`, if any.
   */
  async findByIdempotencyKey(
    key: PipelineKey,
    caller: string,
    idempotencyKey: string,
  ): Promise<Execution | undefined> {
    return findByIdempotencyKey(this.db, key, caller, idempotencyKey);
  }

  /** Reads one execution; NotFoundError if missing. */
  async get(id: string): Promise<Execution> {
    const row = isUuid(id)
      ? await this.db<ExecutionRow>('executions').where({ id }).first()
      : undefined;
    if (!row) {
      throw notFound(id);
    }
    return toExecution(row);
  }

  /** Reads an execution by its per-pipeline number; NotFoundError if missing. */
  async getBySequenceId(
    key: PipelineKey,
    sequenceId: number,
  ): Promise<Execution> {
    const row = await this.db<ExecutionRow>('executions')
      .where({
        org_identifier: key.orgIdentifier,
        project_identifier: key.projectIdentifier,
        pipeline_identifier: key.pipelineIdentifier,
        sequence_id: sequenceId,
      })
      .first();
    if (!row) {
      throw new NotFoundError(
        `Execution #${sequenceId} of pipeline '${key.pipelineIdentifier}' not found`,
      );
    }
    return toExecution(row);
  }

  /** Lists executions of a project (or one pipeline), newest first. */
  async list(options: ExecutionListOptions): Promise<Page<Execution>> {
    const page = resolvePage(options);
    const query = this.db('executions').where(scopeWhere(options));
    if (options.pipelineIdentifier !== undefined) {
      query.andWhere('pipeline_identifier', options.pipelineIdentifier);
    }
    if (options.statuses?.length) {
      query.whereIn('status', options.statuses);
    }
    // Within a pipeline the sequence number is the reliable creation order;
    // timestamps can tie (SQLite has millisecond resolution).
    const order: Array<{ column: string; order: 'desc' }> =
      options.pipelineIdentifier !== undefined
        ? [{ column: 'sequence_id', order: 'desc' }]
        : [
            { column: 'created_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ];
    return readPage(query, order, page, toExecution);
  }

  /**
   * Atomically claims the oldest Queued execution for `ownerId` and moves it
   * to Running with a lease of `leaseMs`. Undefined when none is queued (or
   * all queued ones are being claimed by others at this moment).
   */
  async claimNext(
    ownerId: string,
    leaseMs: number,
  ): Promise<Execution | undefined> {
    const [first] = await this.claimQueued(ownerId, leaseMs, 1);
    return first;
  }

  /** How many executions wait to be claimed (the queue-depth metric). */
  async countQueued(): Promise<number> {
    const [row] = await this.db('executions')
      .where('status', 'Queued')
      .count({ count: '*' });
    return Number(row?.count ?? 0);
  }

  /**
   * Like {@link ExecutionStore.claimNext} for up to `limit` executions at
   * once (a replica filling its free slots), oldest first. Empty when none
   * is free to claim.
   */
  async claimQueued(
    ownerId: string,
    leaseMs: number,
    limit: number,
  ): Promise<Execution[]> {
    assertClaimRequest(ownerId, leaseMs, limit);
    const rows = await claimQueued(this.db, ownerId, leaseMs, limit);
    return rows
      .map(toExecution)
      .sort(
        (a, b) =>
          a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
      );
  }

  /**
   * Extends the lease if `ownerId` still holds it. False means the lease was
   * taken over or the execution ended: the caller must stop working on it.
   * A heartbeat after expiry still succeeds if nobody took over yet.
   */
  async heartbeat(
    id: string,
    ownerId: string,
    leaseMs: number,
  ): Promise<boolean> {
    assertLeaseRequest(ownerId, leaseMs);
    if (!isUuid(id)) {
      return false;
    }
    const updated = await heldBy(this.db('executions'), id, ownerId).update({
      lease_expires_at: dbNowPlus(this.db, leaseMs),
      heartbeat_at: dbNow(this.db),
    });
    return updated === 1;
  }

  /**
   * Takes over one execution whose lease expired (its owner crashed or
   * stalled), leaving its status as is and incrementing its recovery count.
   * The caller should check {@link Execution.recoveryCount} to give up on
   * executions that crash every replica, and
   * {@link ExecutionStore.listRunningNodes} to resume.
   */
  async claimExpired(
    ownerId: string,
    leaseMs: number,
  ): Promise<Execution | undefined> {
    const [first] = await this.claimExpiredBatch(ownerId, leaseMs, 1);
    return first;
  }

  /**
   * Like {@link ExecutionStore.claimExpired} for up to `limit` executions in
   * one statement (a replica filling its free slots after a crash).
   */
  async claimExpiredBatch(
    ownerId: string,
    leaseMs: number,
    limit: number,
  ): Promise<Execution[]> {
    assertClaimRequest(ownerId, leaseMs, limit);
    const rows = await claimExpiredLeases(this.db, ownerId, leaseMs, limit);
    return rows.map(toExecution);
  }

  /**
   * Claims up to `limit` parked executions that may resume (a wait was
   * resolved, a deadline passed, or an abort was asked), moving them back
   * to Running under a lease for `ownerId`.
   */
  async claimWoken(
    ownerId: string,
    leaseMs: number,
    limit: number,
  ): Promise<Execution[]> {
    assertClaimRequest(ownerId, leaseMs, limit);
    const rows = await claimWoken(this.db, ownerId, leaseMs, limit);
    return rows.map(toExecution);
  }

  /**
   * Parks a leased execution: records why its nodes wait, moves it to
   * `status` (ApprovalWaiting, InterventionWaiting) and gives the lease up,
   * in one transaction. LeaseLostError if `ownerId` does not hold it.
   */
  async park(
    id: string,
    ownerId: string,
    status: ExecutionStatus,
    waits: NewWait[],
  ): Promise<void> {
    this.assertExecutionId(id);
    if (!PARKED_EXECUTION_STATUSES.includes(status)) {
      throw new InputError(
        `Status '${status}' is not one of ${PARKED_EXECUTION_STATUSES.join(', ')}`,
      );
    }
    await parkExecution(this.db, id, ownerId, status, waits);
  }

  /**
   * Ends an execution's queue turns (all of them, or the Stage-scoped ones
   * of one stage) and hands each key to its next waiter. Returns how many
   * keys were handed on.
   */
  async releaseQueueHolds(release: QueueRelease): Promise<number> {
    this.assertExecutionId(release.executionId);
    return releaseQueueHolds(this.db, release);
  }

  /** The waits of an execution (open and resolved), oldest first. */
  async listWaits(executionId: string): Promise<ExecutionWait[]> {
    if (!isUuid(executionId)) return [];
    return readWaits(this.db, q =>
      q.where('execution_waits.execution_id', executionId),
    );
  }

  /** Waits of a kind, optionally in one status, across executions. */
  async listWaitsByKind(
    kind: WaitKind,
    status?: WaitStatus,
  ): Promise<ExecutionWait[]> {
    return readWaits(this.db, q => {
      q.where('execution_waits.kind', kind);
      if (status) q.andWhere('execution_waits.status', status);
    });
  }

  /** One wait; NotFoundError if missing. */
  async getWait(waitId: string): Promise<ExecutionWait> {
    const [wait] = isUuid(waitId)
      ? await readWaits(this.db, q => q.where('execution_waits.id', waitId))
      : [];
    if (!wait) throw new NotFoundError(`Wait '${waitId}' not found`);
    return wait;
  }

  /** Approval activities of the given waits, oldest first. */
  async listActivities(waitIds: string[]): Promise<ApprovalActivity[]> {
    return readActivities(this.db, waitIds.filter(isUuid));
  }

  /**
   * Records a person's activity on an open wait; when `decide` ends the
   * wait, resolves it and wakes the execution (one transaction).
   */
  async addActivity(
    waitId: string,
    activity: Omit<ApprovalActivity, 'id' | 'waitId' | 'createdAt'>,
    decide: (
      wait: ExecutionWait,
      activities: ApprovalActivity[],
    ) => ActivityDecision,
  ): Promise<{ wait: ExecutionWait; activities: ApprovalActivity[] }> {
    await this.getWait(waitId);
    return addActivity(this.db, waitId, activity, decide);
  }

  /** Resolves an open wait and wakes its execution; ConflictError if not open. */
  async resolveWait(
    waitId: string,
    decision: NonNullable<ActivityDecision>,
  ): Promise<ExecutionWait> {
    await this.getWait(waitId);
    return resolveWait(this.db, waitId, decision);
  }

  /**
   * Gives the lease up early (e.g. on graceful shutdown) so that another
   * replica can take the execution over right away. False if not held.
   */
  async releaseLease(id: string, ownerId: string): Promise<boolean> {
    if (!isUuid(id)) {
      return false;
    }
    const updated = await heldBy(this.db('executions'), id, ownerId).update({
      lease_expires_at: dbNow(this.db),
    });
    return updated === 1;
  }

  /**
   * Gives up every lease `ownerId` holds (graceful shutdown), so that any
   * replica can take the executions over at once. Returns how many.
   */
  async releaseLeasesOf(ownerId: string): Promise<number> {
    return this.db('executions')
      .where({ lease_owner: ownerId })
      .whereIn('status', [...LEASED_EXECUTION_STATUSES])
      .update({ lease_expires_at: dbNow(this.db), updated_at: dbNow(this.db) });
  }

  /**
   * Ends the leases of every owner whose id starts with `ownerPrefix`
   * except `keepOwnerId`: a restarted replica frees what its dead
   * predecessors (same instance id) held, without waiting for expiry.
   */
  async expireLeasesOfOwners(
    ownerPrefix: string,
    keepOwnerId?: string,
  ): Promise<number> {
    if (!ownerPrefix) throw new InputError('An owner prefix is required');
    return expireLeasesOfOwners(this.db, ownerPrefix, keepOwnerId);
  }

  /**
   * Moves a leased execution between non-terminal statuses, e.g. Running to
   * ApprovalWaiting. LeaseLostError if `ownerId` does not hold the lease.
   */
  async updateStatus(
    id: string,
    ownerId: string,
    status: ExecutionStatus,
  ): Promise<Execution> {
    if (!LEASED.includes(status)) {
      throw new InputError(
        `Status '${status}' is not one of ${LEASED.join(', ')}; use complete() to end an execution`,
      );
    }
    return this.updateLeased(id, ownerId, {
      status,
      updated_at: dbNow(this.db),
    });
  }

  /**
   * Ends an execution with a terminal status and releases its lease.
   * LeaseLostError if `ownerId` does not hold the lease.
   */
  async complete(
    id: string,
    ownerId: string,
    status: ExecutionStatus,
    result: ExecutionResult = {},
  ): Promise<Execution> {
    if (!isTerminalExecutionStatus(status)) {
      throw new InputError(`Status '${status}' does not end an execution`);
    }
    return this.updateLeased(id, ownerId, {
      status,
      ended_at: dbNow(this.db),
      updated_at: dbNow(this.db),
      lease_owner: null,
      lease_expires_at: null,
      error_message: result.errorMessage ?? null,
      outputs: toJsonColumn(result.outputs),
    });
  }

  /**
   * Requests an abort. A Queued execution is aborted on the spot; a leased
   * one gets `abortRequested` set for its owner to act on; an ended one is
   * returned unchanged. NotFoundError if missing.
   */
  async requestAbort(id: string): Promise<Execution> {
    if (isUuid(id)) {
      const now = dbNow(this.db);
      const abortedQueued = await this.db('executions')
        .where({ id, status: 'Queued' })
        .update({
          status: 'Aborted',
          abort_requested: true,
          ended_at: now,
          updated_at: now,
        });
      if (abortedQueued === 0) {
        // A parked execution has no replica watching: wake it so one
        // claims it and ends it Aborted.
        await this.db('executions')
          .where({ id })
          .whereIn('status', LEASED)
          .update({
            abort_requested: true,
            wake_requested: true,
            updated_at: now,
          });
      }
    }
    return this.get(id);
  }

  /**
   * Creates or overwrites the state of a node; call it before a node starts
   * and after it ends so a takeover knows where things stood.
   * LeaseLostError if `ownerId` does not hold the execution's lease.
   */
  async upsertNode(
    executionId: string,
    ownerId: string,
    node: NodeExecutionInput,
  ): Promise<NodeExecution> {
    this.assertExecutionId(executionId);
    const row = await upsertNodeRow(
      this.db,
      executionId,
      ownerId,
      node,
      this.cipher,
    );
    return toNodeExecution(row, this.cipher);
  }

  /**
   * Updates the status and results of a node. NotFoundError if the node does
   * not exist; LeaseLostError if `ownerId` does not hold the lease.
   */
  async updateNodeStatus(
    executionId: string,
    ownerId: string,
    fqn: string,
    update: NodeStatusUpdate,
  ): Promise<NodeExecution> {
    this.assertExecutionId(executionId);
    const row = await updateNodeRow(
      this.db,
      executionId,
      ownerId,
      fqn,
      update,
      this.cipher,
    );
    return toNodeExecution(row, this.cipher);
  }

  /** Reads one node; NotFoundError if missing. */
  /**
   * Writes node states and log lines of an execution in one transaction
   * while `ownerId` holds its lease (group commit; see writeExecutionBatch).
   */
  async writeBatch(
    executionId: string,
    ownerId: string,
    batch: ExecutionWriteBatch,
  ): Promise<{ lastLogSeq?: number }> {
    this.assertExecutionId(executionId);
    return writeExecutionBatch(
      this.db,
      executionId,
      ownerId,
      batch,
      this.cipher,
    );
  }

  async getNode(executionId: string, fqn: string): Promise<NodeExecution> {
    this.assertExecutionId(executionId);
    const row = await this.db<NodeExecutionRow>('node_executions')
      .where({ execution_id: executionId, fqn })
      .first();
    if (!row) {
      throw new NotFoundError(
        `Node '${fqn}' not found in execution '${executionId}'`,
      );
    }
    return toNodeExecution(row, this.cipher);
  }

  /** Lists all nodes of an execution in the order they were first recorded. */
  async listNodes(executionId: string): Promise<NodeExecution[]> {
    return this.queryNodes(executionId);
  }

  /**
   * Lists nodes that were in flight (Running, waiting, ...). After taking an
   * execution over, these are what the new owner must resume or re-run
   * (see {@link NodeExecution.idempotent}).
   */
  async listRunningNodes(executionId: string): Promise<NodeExecution[]> {
    return this.queryNodes(executionId, [...IN_PROGRESS_NODE_STATUSES]);
  }

  private async queryNodes(
    executionId: string,
    statuses?: string[],
  ): Promise<NodeExecution[]> {
    if (!isUuid(executionId)) {
      return [];
    }
    const query = this.db<NodeExecutionRow>('node_executions')
      .where({ execution_id: executionId })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'fqn', order: 'asc' },
      ]);
    if (statuses) {
      query.whereIn('status', statuses);
    }
    const rows = await query;
    return rows.map(row => toNodeExecution(row, this.cipher));
  }

  private async updateLeased(
    id: string,
    ownerId: string,
    changes: Record<string, unknown>,
  ): Promise<Execution> {
    this.assertExecutionId(id);
    const [row] = await heldBy(this.db('executions'), id, ownerId)
      .update(changes)
      .returning('*');
    if (row) {
      return toExecution(row as ExecutionRow);
    }
    await this.get(id); // NotFoundError if it does not exist at all
    throw leaseLost(id, ownerId);
  }

  private assertExecutionId(id: string): void {
    if (!isUuid(id)) {
      throw notFound(id);
    }
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`Execution '${id}' not found`);
}

function assertNewExecution(input: NewExecution): void {
  if (input.id !== undefined && !isUuid(input.id)) {
    throw new InputError(`Execution id '${input.id}' is not a UUID`);
  }
  if (!Number.isInteger(input.pipelineVersion) || input.pipelineVersion < 0) {
    throw new InputError(`Invalid pipeline version ${input.pipelineVersion}`);
  }
  assertText(input.pipelineYaml, 'pipeline yaml');
  assertText(input.triggeredBy?.identity, 'triggeredBy.identity');
  if (!EXECUTION_TRIGGER_TYPES.includes(input.triggerType)) {
    throw new InputError(`Invalid trigger type '${String(input.triggerType)}'`);
  }
  if (input.triggerIdentifier !== undefined) {
    assertIdentifier(input.triggerIdentifier, 'trigger identifier');
  }
  if (input.rerun !== undefined) {
    if (!isUuid(input.rerun.of)) {
      throw new InputError(
        `Re-run of '${input.rerun.of}': not an execution id`,
      );
    }
    assertIdentifier(input.rerun.fromStage, 'rerun fromStage');
    input.rerun.reusedStages.forEach(id =>
      assertIdentifier(id, 'reused stage'),
    );
  }
  if (input.idempotencyKey !== undefined) {
    assertIdempotencyKey(input.idempotencyKey);
  }
}

async function findByIdempotencyKey(
  db: Knex,
  key: PipelineKey,
  caller: string,
  idempotencyKey: string,
): Promise<Execution | undefined> {
  const row: ExecutionRow | undefined = await db('executions')
    .where({
      org_identifier: key.orgIdentifier,
      project_identifier: key.projectIdentifier,
      pipeline_identifier: key.pipelineIdentifier,
      idempotency_caller: caller,
      idempotency_key: idempotencyKey,
    })
    .first();
  return row ? toExecution(row) : undefined;
}

/** The payload as stored: JSON text within {@link MAX_TRIGGER_PAYLOAD_BYTES}, or null. */
function triggerPayloadColumn(payload: JsonObject | undefined): string | null {
  if (payload === undefined) return null;
  const text = toJsonColumn(payload) as string;
  if (Buffer.byteLength(text) > MAX_TRIGGER_PAYLOAD_BYTES) {
    throw new InputError(
      `the trigger payload is ${Buffer.byteLength(text)} bytes; at most ${MAX_TRIGGER_PAYLOAD_BYTES} are kept with an execution: send a smaller JSON body to the trigger's run route`,
    );
  }
  return text;
}

function triggeredByJson(by: TriggeredBy): JsonObject {
  const json: JsonObject = { identity: by.identity };
  if (by.name !== undefined) {
    json.name = by.name;
  }
  if (by.email !== undefined) {
    json.email = by.email;
  }
  if (by.scaffolderTask !== undefined) {
    json.scaffolderTask = { ...by.scaffolderTask };
  }
  return json;
}
