import { Knex } from 'knex';
import { dbNow } from './dbClock';
import { ExecutionRow } from './executionRows';

/** Columns of a new execution row, except its number and timestamps. */
export type NewExecutionRow = Pick<
  ExecutionRow,
  | 'id'
  | 'org_identifier'
  | 'project_identifier'
  | 'pipeline_identifier'
  | 'pipeline_version'
  | 'pipeline_yaml'
  | 'status'
  | 'inputs'
  | 'triggered_by'
  | 'trigger_type'
  | 'trigger_identifier'
  | 'trigger_payload'
  | 'abort_requested'
  | 'attempt'
  | 'recovery_count'
  | 'log_seq'
  | 'rerun_of'
  | 'rerun_from_stage'
  | 'idempotency_key'
  | 'idempotency_caller'
  | 'template_versions'
>;

interface Pending {
  row: NewExecutionRow;
  resolve(row: ExecutionRow): void;
  reject(error: unknown): void;
}

/** Rows per INSERT: well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 100;
/** Executions written in one transaction. */
const MAX_BATCH = 1000;

const keyOf = (row: NewExecutionRow) =>
  JSON.stringify([
    row.org_identifier,
    row.project_identifier,
    row.pipeline_identifier,
  ]);

/**
 * Group commit for new executions: executions enqueued while a write is in
 * flight (or in the same event-loop turn) are written together, numbered
 * per pipeline with one counter update each, in one transaction. A burst
 * of 500 executes then costs a handful of transactions instead of 500, which
 * on SQLite's single connection is the difference between queueing behind
 * each other and not. When a batch fails (e.g. a caller-chosen id is
 * taken), each of its executions is written alone, so one bad request
 * fails only itself.
 */
export class EnqueueBatcher {
  #pending: Pending[] = [];
  #flushing = false;

  constructor(private readonly db: Knex) {}

  add(row: NewExecutionRow): Promise<ExecutionRow> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ row, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.#pending.length) {
      const batch = this.#pending.splice(0, MAX_BATCH);
      try {
        const rows = await insertExecutions(
          this.db,
          batch.map(p => p.row),
        );
        batch.forEach((pending, i) => pending.resolve(rows[i]));
      } catch (error) {
        if (batch.length === 1) {
          batch[0].reject(error);
          continue;
        }
        for (const pending of batch) {
          try {
            const [row] = await insertExecutions(this.db, [pending.row]);
            pending.resolve(row);
          } catch (single) {
            pending.reject(single);
          }
        }
      }
    }
    this.#flushing = false;
  }
}

/**
 * Inserts new executions in one transaction, numbering each after the
 * previous run of its pipeline; returns the stored rows in input order.
 */
export async function insertExecutions(
  db: Knex,
  rows: NewExecutionRow[],
): Promise<ExecutionRow[]> {
  return db.transaction(async tx => {
    const byKey = new Map<string, NewExecutionRow[]>();
    for (const row of rows) {
      const key = keyOf(row);
      byKey.set(key, [...(byKey.get(key) ?? []), row]);
    }
    const sequence = new Map<string, number>();
    // Counters in a fixed order, so that concurrent batches on PostgreSQL
    // lock them in the same order and never deadlock.
    for (const key of [...byKey.keys()].sort()) {
      const group = byKey.get(key)!;
      const [first] = group;
      const pipelineKey = {
        org_identifier: first.org_identifier,
        project_identifier: first.project_identifier,
        pipeline_identifier: first.pipeline_identifier,
      };
      // Upsert-and-add: atomic on both databases; the row lock it takes on
      // PostgreSQL orders concurrent enqueues of a pipeline.
      const [counter] = await tx('execution_sequences')
        .insert({ ...pipelineKey, last_sequence_id: group.length })
        .onConflict(Object.keys(pipelineKey))
        .merge({
          last_sequence_id: tx.raw('?? + ?', [
            'execution_sequences.last_sequence_id',
            group.length,
          ]),
        })
        .returning('last_sequence_id');
      const last = Number(counter.last_sequence_id);
      group.forEach((row, i) =>
        sequence.set(row.id, last - group.length + 1 + i),
      );
    }
    const now = dbNow(tx);
    const stored = new Map<string, ExecutionRow>();
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK).map(row => ({
        ...row,
        sequence_id: sequence.get(row.id),
        created_at: now,
        updated_at: now,
      }));
      const inserted: ExecutionRow[] = await tx('executions')
        .insert(chunk)
        .returning('*');
      for (const row of inserted) stored.set(row.id, row);
    }
    return rows.map(row => stored.get(row.id)!);
  });
}
