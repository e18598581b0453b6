import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { toIsoTimestamp } from './dbClock';
import { isForeignKeyViolation, isUniqueViolation } from './dbErrors';
import { readPage, resolvePage } from './paging';
import { newDocumentColumns, updateDocument } from './storedDocuments';
import { Page, PageOptions, PipelineKey, UpdateOptions } from './types';
import { assertIdentifier, assertScope } from './validation';

/*
 * Input sets and triggers belong to a pipeline: they share its key columns
 * and need it to exist. These helpers keep that logic in one place.
 */

/** WHERE clause selecting the children of one pipeline. */
export function childrenOf(key: PipelineKey) {
  return {
    org_identifier: key.orgIdentifier,
    project_identifier: key.projectIdentifier,
    pipeline_identifier: key.pipelineIdentifier,
  };
}

/** WHERE clause selecting one child of a pipeline. */
export function childWhere(key: PipelineKey, identifier: string) {
  return { ...childrenOf(key), identifier };
}

/** Throws InputError unless all parts of the key are valid identifiers. */
export function assertPipelineKey(key: PipelineKey): void {
  assertScope(key);
  assertIdentifier(key.pipelineIdentifier, 'pipeline identifier');
}

/**
 * Throws NotFoundError unless the pipeline exists. Needed because SQLite only
 * enforces foreign keys when the connection enables them.
 */
export async function assertPipelineExists(
  db: Knex,
  key: PipelineKey,
): Promise<void> {
  const row = await db('pipelines')
    .where({
      org_identifier: key.orgIdentifier,
      project_identifier: key.projectIdentifier,
      identifier: key.pipelineIdentifier,
    })
    .first('id');
  if (!row) {
    throw new NotFoundError(
      `Pipeline '${key.pipelineIdentifier}' not found in ${key.orgIdentifier}/${key.projectIdentifier}`,
    );
  }
}

/** Columns every pipeline child row has besides its own. */
export interface ChildRow {
  id: string;
  org_identifier: string;
  project_identifier: string;
  pipeline_identifier: string;
  identifier: string;
  name: string;
  description: string | null;
  version: number | string;
  created_by: string | null;
  updated_by: string | null;
  created_at: unknown;
  updated_at: unknown;
}

/** The model fields every pipeline child has, read from its row. */
export function childFields(row: ChildRow) {
  return {
    id: row.id,
    orgIdentifier: row.org_identifier,
    projectIdentifier: row.project_identifier,
    pipelineIdentifier: row.pipeline_identifier,
    identifier: row.identifier,
    name: row.name,
    description: row.description ?? undefined,
    version: Number(row.version),
    createdBy: row.created_by ?? undefined,
    updatedBy: row.updated_by ?? undefined,
    createdAt: toIsoTimestamp(row.created_at),
    updatedAt: toIsoTimestamp(row.updated_at),
  };
}

/** How a {@link PipelineChildTable} names, reads and explains its rows. */
export interface PipelineChildTableOptions<Row extends ChildRow, T> {
  table: string;
  /** `Input set`, `Trigger`: the start of messages. */
  noun: string;
  toModel(row: Row): T;
  /**
   * The error for a unique violation on insert or update; by default the
   * identifier is taken. Tables with more unique columns tell them apart.
   */
  uniqueConflict?(key: PipelineKey, identifier: string): Promise<Error>;
}

/**
 * Create, read, list, versioned update and delete of one kind of pipeline
 * child (input sets, triggers): the key columns, the pipeline that must
 * exist, optimistic versions and the errors (NotFoundError, ConflictError)
 * are the same for every kind.
 */
export class PipelineChildTable<Row extends ChildRow, T> {
  constructor(
    private readonly db: Knex,
    private readonly options: PipelineChildTableOptions<Row, T>,
  ) {}

  /**
   * Inserts a child of an existing pipeline at version 1. `values` are its
   * own columns. NotFoundError if the pipeline does not exist, ConflictError
   * on a unique violation.
   */
  async insert(
    key: PipelineKey,
    identifier: string,
    values: Record<string, unknown>,
    createdBy: string | undefined,
  ): Promise<T> {
    try {
      return await this.db.transaction(async tx => {
        await assertPipelineExists(tx, key);
        const [row] = await tx(this.options.table)
          .insert({
            ...newDocumentColumns(tx, createdBy),
            ...childWhere(key, identifier),
            ...values,
          })
          .returning('*');
        return this.options.toModel(row as Row);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw await this.uniqueConflict(key, identifier);
      if (isForeignKeyViolation(error)) {
        // The pipeline was deleted between the check and the insert.
        throw new NotFoundError(
          `Pipeline '${key.pipelineIdentifier}' not found`,
        );
      }
      throw error;
    }
  }

  /** One child; NotFoundError if missing. */
  async get(key: PipelineKey, identifier: string): Promise<T> {
    const row: Row | undefined = await this.db(this.options.table)
      .where(childWhere(key, identifier))
      .first();
    if (!row) throw this.notFound(key, identifier);
    return this.options.toModel(row);
  }

  /** Rows of these identifiers (any order; missing ones are left out). */
  async rows(key: PipelineKey, identifiers: string[]): Promise<Row[]> {
    return (await this.db(this.options.table)
      .where(childrenOf(key))
      .whereIn('identifier', identifiers)) as Row[];
  }

  /** The children of a pipeline by identifier. */
  async list(key: PipelineKey, page?: PageOptions): Promise<Page<T>> {
    return readPage(
      this.db(this.options.table).where(childrenOf(key)),
      [{ column: 'identifier', order: 'asc' }],
      resolvePage(page),
      (row: Row) => this.options.toModel(row),
    );
  }

  /**
   * Applies `changes` (columns) and increments the version. NotFoundError if
   * missing; ConflictError if `expectedVersion` is given and no longer
   * current, or on a unique violation.
   */
  async update(
    key: PipelineKey,
    identifier: string,
    changes: Record<string, unknown>,
    options: UpdateOptions,
  ): Promise<T> {
    let row: Row | undefined;
    try {
      row = await updateDocument<Row>(
        this.db,
        this.options.table,
        childWhere(key, identifier),
        changes,
        options,
      );
    } catch (error) {
      if (isUniqueViolation(error))
        throw await this.uniqueConflict(key, identifier);
      throw error;
    }
    if (row) return this.options.toModel(row);
    const current: Pick<ChildRow, 'version'> | undefined = await this.db(
      this.options.table,
    )
      .where(childWhere(key, identifier))
      .first('version');
    if (!current) throw this.notFound(key, identifier);
    throw new ConflictError(
      `${this.options.noun} '${identifier}' is at version ${Number(current.version)}, not ${options.expectedVersion}`,
    );
  }

  /** Deletes a child; NotFoundError if missing. */
  async delete(key: PipelineKey, identifier: string): Promise<void> {
    const deleted = await this.db(this.options.table)
      .where(childWhere(key, identifier))
      .delete();
    if (deleted === 0) throw this.notFound(key, identifier);
  }

  /** The NotFoundError for a missing child. */
  notFound(key: PipelineKey, identifier: string): NotFoundError {
    return new NotFoundError(
      `${this.options.noun} '${identifier}' not found for pipeline '${key.pipelineIdentifier}' in ${key.orgIdentifier}/${key.projectIdentifier}`,
    );
  }

  private async uniqueConflict(
    key: PipelineKey,
    identifier: string,
  ): Promise<Error> {
    if (this.options.uniqueConflict)
      return this.options.uniqueConflict(key, identifier);
    return new ConflictError(
      `${this.options.noun} '${identifier}' already exists for pipeline '${key.pipelineIdentifier}'`,
    );
  }
}
