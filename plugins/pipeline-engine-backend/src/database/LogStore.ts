import { DatabaseService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { dbNow, toIsoTimestamp } from './dbClock';
import { connectDatabase } from './migrations';
import { isUuid } from './validation';

/** Where a log line came from; `info` is the engine's own narration. */
export const LOG_STREAMS = ['stdout', 'stderr', 'info'] as const;

/** Where a log line came from. */
export type LogStream = (typeof LOG_STREAMS)[number];

/** A line to append. Secrets must already be masked. */
export interface LogLineInput {
  line: string;
  /** Defaults to stdout. */
  stream?: LogStream;
}

/** A stored log line. */
export interface LogLine {
  /** 1, 2, 3, ... per execution, without gaps; the read cursor. */
  seq: number;
  nodeFqn?: string;
  stream: LogStream;
  line: string;
  createdAt: string;
}

/** Sequence numbers given to an appended batch. */
export interface LogAppendResult {
  firstSeq: number;
  lastSeq: number;
}

/** Options of {@link LogStore.read}. */
export interface LogReadOptions {
  /** Return lines after this sequence number; defaults to 0 (the start). */
  afterSeq?: number;
  /** Defaults to 1000; capped at 10000. */
  limit?: number;
  /** Only lines of this node. */
  nodeFqn?: string;
}

/** One page of log lines. */
export interface LogPage {
  lines: LogLine[];
  /** Pass as `afterSeq` to continue reading. */
  nextAfterSeq: number;
  /** Whether more lines were already available. */
  hasMore: boolean;
}

interface LogRow {
  execution_id: string;
  seq: number | string;
  node_fqn: string | null;
  stream: LogStream;
  line: string;
  created_at: unknown;
}

/** Rows per INSERT statement (stays under SQLite's bound-parameter limit). */
export const INSERT_CHUNK = 500;
const DEFAULT_READ_LIMIT = 1000;
const MAX_READ_LIMIT = 10000;

/**
 * Append-only execution logs. Sequence numbers come from a counter on the
 * execution row, bumped in the same transaction as the insert: on PostgreSQL
 * the UPDATE row-locks the execution so concurrent appends (parallel steps)
 * take turns, and a rolled-back append returns its numbers, so `seq` never
 * has gaps or duplicates. SQLite runs one writer at a time anyway.
 *
 * This store has no logger on purpose, and its errors never quote line
 * contents, so nothing it handles can leak into the backend's own logs.
 */
export class LogStore {
  /** Connects to the plugin database and migrates it unless told to skip. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<LogStore> {
    return new LogStore(await connectDatabase(options.database));
  }

  /** Wraps an already migrated Knex client. */
  constructor(private readonly db: Knex) {}

  /**
   * Appends lines of one node (or of the pipeline itself, with no node) and
   * returns the sequence numbers they got; undefined for an empty batch.
   * NotFoundError if the execution does not exist.
   */
  async append(
    executionId: string,
    nodeFqn: string | undefined,
    lines: ReadonlyArray<LogLineInput>,
  ): Promise<LogAppendResult | undefined> {
    const prepared = lines.map(prepareLine);
    if (prepared.length === 0) {
      return undefined;
    }
    if (!isUuid(executionId)) {
      throw notFound(executionId);
    }
    return this.db.transaction(async tx => {
      const [counter] = await tx('executions')
        .where({ id: executionId })
        .update({
          log_seq: tx.raw('?? + ?', ['log_seq', prepared.length]),
        })
        .returning('log_seq');
      if (!counter) {
        throw notFound(executionId);
      }
      const lastSeq = Number(counter.log_seq);
      const firstSeq = lastSeq - prepared.length + 1;
      const now = dbNow(tx);
      for (let start = 0; start < prepared.length; start += INSERT_CHUNK) {
        await tx('execution_logs').insert(
          prepared.slice(start, start + INSERT_CHUNK).map((line, i) => ({
            execution_id: executionId,
            seq: firstSeq + start + i,
            node_fqn: nodeFqn ?? null,
            stream: line.stream,
            line: line.line,
            created_at: now,
          })),
        );
      }
      return { firstSeq, lastSeq };
    });
  }

  /**
   * Reads lines in sequence order after a cursor. NotFoundError if the
   * execution does not exist.
   */
  async read(
    executionId: string,
    options: LogReadOptions = {},
  ): Promise<LogPage> {
    const afterSeq = options.afterSeq ?? 0;
    const limit = options.limit ?? DEFAULT_READ_LIMIT;
    if (!Number.isInteger(afterSeq) || afterSeq < 0) {
      throw new InputError(`Invalid afterSeq ${afterSeq}`);
    }
    if (!Number.isInteger(limit) || limit < 1) {
      throw new InputError(`Invalid limit ${limit}`);
    }
    const capped = Math.min(limit, MAX_READ_LIMIT);
    if (!isUuid(executionId)) {
      throw notFound(executionId);
    }
    const query = this.db<LogRow>('execution_logs')
      .where('execution_id', executionId)
      .andWhere('seq', '>', afterSeq)
      .orderBy('seq', 'asc')
      .limit(capped + 1); // one extra row tells whether there is more
    if (options.nodeFqn !== undefined) {
      query.andWhere('node_fqn', options.nodeFqn);
    }
    const rows = await query;
    if (rows.length === 0) {
      const exists = await this.db('executions')
        .where({ id: executionId })
        .first('id');
      if (!exists) {
        throw notFound(executionId);
      }
    }
    const page = rows.slice(0, capped).map(toLogLine);
    return {
      lines: page,
      nextAfterSeq: page.length ? page[page.length - 1].seq : afterSeq,
      hasMore: rows.length > capped,
    };
  }
}

/** Validates a line and makes it storable on both databases. */
export function prepareLine(input: LogLineInput): Required<LogLineInput> {
  const stream = input.stream ?? 'stdout';
  if (!LOG_STREAMS.includes(stream)) {
    throw new InputError(`Invalid log stream '${String(stream)}'`);
  }
  if (typeof input.line !== 'string') {
    throw new InputError('Log lines must be strings');
  }
  // PostgreSQL text cannot hold NUL; replace it everywhere for consistency.
  return { stream, line: input.line.replaceAll('\u0000', '\uFFFD') };
}

function notFound(executionId: string): NotFoundError {
  return new NotFoundError(`Execution '${executionId}' not found`);
}

function toLogLine(row: LogRow): LogLine {
  return {
    seq: Number(row.seq),
    nodeFqn: row.node_fqn ?? undefined,
    stream: row.stream,
    line: row.line,
    createdAt: toIsoTimestamp(row.created_at),
  };
}
