import { DatabaseService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { fromJsonColumn, toJsonColumn } from './jsonColumns';
import { connectDatabase } from './migrations';
import {
  assertPipelineKey,
  childFields,
  PipelineChildTable,
  type ChildRow,
} from './pipelineChildren';
import { documentChanges, type DocumentPatch } from './storedDocuments';
import { Page, PageOptions, PipelineKey, UpdateOptions } from './types';
import { assertIdentifier, assertText } from './validation';

/** A saved set of runtime input values for a pipeline. */
export interface InputSet extends PipelineKey {
  id: string;
  identifier: string;
  name: string;
  description?: string;
  tags: Record<string, string>;
  /** The input set YAML (`inputSet: { pipeline: ... }`) as written. */
  yaml: string;
  version: number;
  createdBy?: string;
  updatedBy?: string;
  createdAt: string;
  updatedAt: string;
}

/** Input of {@link InputSetStore.create}. */
export interface NewInputSet extends PipelineKey {
  identifier: string;
  name: string;
  description?: string;
  tags?: Record<string, string>;
  yaml: string;
  createdBy?: string;
}

/** Changes for {@link InputSetStore.update}; `null` clears a field. */
export type InputSetPatch = DocumentPatch;

interface InputSetRow extends ChildRow {
  tags: string | null;
  yaml: string;
}

/** Stores the input sets of pipelines. */
export class InputSetStore {
  /** Connects to the plugin database and migrates it unless told to skip. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<InputSetStore> {
    return new InputSetStore(await connectDatabase(options.database));
  }

  readonly #table: PipelineChildTable<InputSetRow, InputSet>;

  /** Wraps an already migrated Knex client. */
  constructor(db: Knex) {
    this.#table = new PipelineChildTable(db, {
      table: 'input_sets',
      noun: 'Input set',
      toModel: toInputSet,
    });
  }

  /**
   * Saves a new input set. NotFoundError if the pipeline does not exist,
   * ConflictError if the identifier is taken.
   */
  async create(input: NewInputSet): Promise<InputSet> {
    assertPipelineKey(input);
    assertIdentifier(input.identifier, 'input set identifier');
    assertText(input.name, 'name');
    assertText(input.yaml, 'yaml');
    return this.#table.insert(
      input,
      input.identifier,
      {
        name: input.name,
        description: input.description ?? null,
        tags: toJsonColumn(input.tags ?? {}),
        yaml: input.yaml,
      },
      input.createdBy,
    );
  }

  /** Reads one input set; NotFoundError if missing. */
  async get(key: PipelineKey, identifier: string): Promise<InputSet> {
    return this.#table.get(key, identifier);
  }

  /**
   * Reads several input sets in the order given, as referenced by a run or a
   * trigger. NotFoundError naming every missing identifier.
   */
  async getMany(key: PipelineKey, identifiers: string[]): Promise<InputSet[]> {
    if (identifiers.length === 0) {
      return [];
    }
    const rows = await this.#table.rows(key, [...new Set(identifiers)]);
    const byIdentifier = new Map(rows.map(row => [row.identifier, row]));
    const missing = identifiers.filter(id => !byIdentifier.has(id));
    if (missing.length > 0) {
      throw new NotFoundError(
        `Input sets not found for pipeline '${key.pipelineIdentifier}': ${missing.join(', ')}`,
      );
    }
    return identifiers.map(id => toInputSet(byIdentifier.get(id)!));
  }

  /** Lists the input sets of a pipeline by identifier. */
  async list(key: PipelineKey, page?: PageOptions): Promise<Page<InputSet>> {
    return this.#table.list(key, page);
  }

  /**
   * Applies `patch` and increments the version. NotFoundError if missing;
   * ConflictError if `expectedVersion` is given and no longer current.
   */
  async update(
    key: PipelineKey,
    identifier: string,
    patch: InputSetPatch,
    options: UpdateOptions = {},
  ): Promise<InputSet> {
    return this.#table.update(key, identifier, documentChanges(patch), options);
  }

  /** Deletes an input set; NotFoundError if missing. */
  async delete(key: PipelineKey, identifier: string): Promise<void> {
    return this.#table.delete(key, identifier);
  }
}

function toInputSet(row: InputSetRow): InputSet {
  return {
    ...childFields(row),
    tags:
      fromJsonColumn<Record<string, string>>(row.tags, 'input_sets.tags') ?? {},
    yaml: row.yaml,
  };
}
