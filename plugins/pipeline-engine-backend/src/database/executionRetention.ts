import type {
  DatabaseService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { dbNowPlus } from './dbClock';
import { connectDatabase } from './migrations';
import { TERMINAL_EXECUTION_STATUSES } from './statuses';

/** `pipelineEngine.retention.days` when not configured. */
export const DEFAULT_RETENTION_DAYS = 90;

/** Executions deleted per transaction by default. */
export const DEFAULT_RETENTION_BATCH_SIZE = 500;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Options of {@link deleteExpiredExecutions}. */
export interface ExecutionRetentionOptions {
  /** Executions created (and ended) more than this many days ago are deleted. */
  retentionDays: number;
  /** Executions per delete transaction; default {@link DEFAULT_RETENTION_BATCH_SIZE}. */
  batchSize?: number;
}

/** What one retention pass deleted. */
export interface RetentionResult {
  /** Executions deleted (with their node executions and logs). */
  deleted: number;
  /** Delete transactions run, the last one finding fewer than a full batch. */
  batches: number;
}

/**
 * Deletes executions created and ended more than `retentionDays` ago, with
 * their node executions and log lines, `batchSize` executions per
 * transaction so no statement holds locks on a large table for long.
 * Executions that are not over (queued, running, waiting) are never
 * deleted, however old.
 */
export async function deleteExpiredExecutions(
  db: Knex,
  options: ExecutionRetentionOptions,
): Promise<RetentionResult> {
  const batchSize = Math.max(
    1,
    Math.floor(options.batchSize ?? DEFAULT_RETENTION_BATCH_SIZE),
  );
  if (!(options.retentionDays > 0)) return { deleted: 0, batches: 0 };
  const cutoff = dbNowPlus(db, -options.retentionDays * DAY_MS);
  const expired = (query: Knex.QueryBuilder) =>
    query
      .whereIn('status', TERMINAL_EXECUTION_STATUSES)
      .where('created_at', '<', cutoff)
      .where(q => q.whereNull('ended_at').orWhere('ended_at', '<', cutoff));
  const result: RetentionResult = { deleted: 0, batches: 0 };
  for (;;) {
    const count = await db.transaction(async (tx): Promise<number> => {
      const rows: Array<{ id: string }> = await expired(
        tx('executions').select('id'),
      )
        .orderBy('created_at')
        .limit(batchSize);
      if (rows.length === 0) return 0;
      const ids = rows.map(row => row.id);
      // Children first and explicitly: SQLite may run without foreign keys,
      // so ON DELETE CASCADE alone could leave orphans there.
      await tx('execution_logs').whereIn('execution_id', ids).delete();
      await tx('node_executions').whereIn('execution_id', ids).delete();
      // The status is checked again in the delete itself.
      return expired(tx('executions').whereIn('id', ids)).delete();
    });
    result.deleted += count;
    result.batches++;
    if (count < batchSize) return result;
  }
}

/**
 * Schedules the retention pass: an hourly global task (one replica at a
 * time) deleting executions older than `pipelineEngine.retention.days`
 * (default 90; 0 keeps everything and schedules nothing).
 */
export async function scheduleExecutionRetention(options: {
  scheduler: SchedulerService;
  database: DatabaseService;
  config: Config | undefined;
  logger: LoggerService;
}): Promise<void> {
  const retentionDays =
    options.config?.getOptionalNumber('retention.days') ??
    DEFAULT_RETENTION_DAYS;
  if (!Number.isFinite(retentionDays) || retentionDays < 0) {
    throw new InputError(
      `pipelineEngine.retention.days must be a number of days, 0 or more (0 keeps executions forever); got ${retentionDays}`,
    );
  }
  if (retentionDays === 0) return;
  const db = await connectDatabase(options.database);
  const logger = options.logger.child({ task: 'execution-retention' });
  await options.scheduler.scheduleTask({
    id: 'pipeline-engine-execution-retention',
    scope: 'global',
    frequency: { hours: 1 },
    timeout: { minutes: 30 },
    initialDelay: { minutes: 1 },
    fn: async () => {
      const { deleted, batches } = await deleteExpiredExecutions(db, {
        retentionDays,
      });
      if (deleted > 0)
        logger.info(
          `deleted ${deleted} executions older than ${retentionDays} days in ${batches} batches`,
        );
    },
  });
}
