import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { toIsoTimestamp } from './dbClock';
import { isUniqueViolation } from './dbErrors';
import { assertIdentifier, assertScope, assertText } from './validation';
import { fromJsonColumn, toJsonColumn } from './jsonColumns';
import { connectDatabase } from './migrations';
import { readPage, resolvePage, whereNameOrIdentifierContains } from './paging';
import {
  documentChanges,
  newDocumentColumns,
  updateDocument,
  type DocumentPatch,
} from './storedDocuments';
import {
  Page,
  PageOptions,
  PipelineKey,
  ScopeFilter,
  scopeWhere,
  UpdateOptions,
} from './types';

/** Where a pipeline's YAML lives: here (INLINE) or elsewhere (REMOTE). */
export type PipelineStoreType = 'INLINE' | 'REMOTE';

const STORE_TYPES: readonly PipelineStoreType[] = ['INLINE', 'REMOTE'];

/** Origin of a pipeline that is not edited here, e.g. app-config or a URL. */
export interface PipelineSource {
  /** Kind of source, e.g. `config` or `url`. */
  type: string;
  /** Config path or URL the YAML is read from. */
  location: string;
}

/** A saved pipeline. */
export interface Pipeline {
  id: string;
  orgIdentifier: string;
  projectIdentifier: string;
  identifier: string;
  name: string;
  description?: string;
  tags: Record<string, string>;
  yaml: string;
  /** Starts at 1 and grows by one on every update. */
  version: number;
  storeType: PipelineStoreType;
  source?: PipelineSource;
  createdBy?: string;
  updatedBy?: string;
  createdAt: string;
  updatedAt: string;
}

/** Input of {@link PipelineStore.create}. */
export interface NewPipeline {
  orgIdentifier: string;
  projectIdentifier: string;
  identifier: string;
  name: string;
  description?: string;
  tags?: Record<string, string>;
  yaml: string;
  /** Defaults to INLINE. */
  storeType?: PipelineStoreType;
  source?: PipelineSource;
  createdBy?: string;
}

/** Changes for {@link PipelineStore.update}; `null` clears a field. */
export interface PipelinePatch extends DocumentPatch {
  storeType?: PipelineStoreType;
  source?: PipelineSource | null;
}

/** Filter of {@link PipelineStore.list}. */
export interface PipelineListOptions extends ScopeFilter, PageOptions {
  /** Case-insensitive substring of the name or identifier. */
  search?: string;
}

interface PipelineRow {
  id: string;
  org_identifier: string;
  project_identifier: string;
  identifier: string;
  name: string;
  description: string | null;
  tags: string | null;
  yaml: string;
  version: number;
  store_type: PipelineStoreType;
  source_type: string | null;
  source_location: string | null;
  created_by: string | null;
  updated_by: string | null;
  created_at: unknown;
  updated_at: unknown;
}

/** Stores pipelines and their YAML, with optimistic versioning. */
export class PipelineStore {
  /** Connects to the plugin database and migrates it unless told to skip. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<PipelineStore> {
    return new PipelineStore(await connectDatabase(options.database));
  }

  /** Wraps an already migrated Knex client. */
  constructor(private readonly db: Knex) {}

  /** Saves a new pipeline at version 1; ConflictError if the identifier is taken. */
  async create(input: NewPipeline): Promise<Pipeline> {
    assertScope(input);
    assertIdentifier(input.identifier, 'pipeline identifier');
    assertText(input.name, 'name');
    assertText(input.yaml, 'yaml');
    const storeType = input.storeType ?? 'INLINE';
    assertStoreType(storeType);
    try {
      const [row] = await this.db<PipelineRow>('pipelines')
        .insert({
          ...newDocumentColumns(this.db, input.createdBy),
          org_identifier: input.orgIdentifier,
          project_identifier: input.projectIdentifier,
          identifier: input.identifier,
          name: input.name,
          description: input.description ?? null,
          tags: toJsonColumn(input.tags ?? {}),
          yaml: input.yaml,
          store_type: storeType,
          source_type: input.source?.type ?? null,
          source_location: input.source?.location ?? null,
        } as Record<string, unknown>)
        .returning('*');
      return toPipeline(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `Pipeline '${input.identifier}' already exists in ${input.orgIdentifier}/${input.projectIdentifier}`,
        );
      }
      throw error;
    }
  }

  /** Reads one pipeline; NotFoundError if missing. */
  async get(key: PipelineKey): Promise<Pipeline> {
    const row = await this.db<PipelineRow>('pipelines')
      .where(pipelineWhere(key))
      .first();
    if (!row) {
      throw notFound(key);
    }
    return toPipeline(row);
  }

  /** Lists the pipelines of a project, most recently updated first. */
  async list(options: PipelineListOptions): Promise<Page<Pipeline>> {
    const page = resolvePage(options);
    const query = this.db('pipelines').where(scopeWhere(options));
    if (options.search) whereNameOrIdentifierContains(query, options.search);
    return readPage(
      query,
      [
        { column: 'updated_at', order: 'desc' },
        { column: 'identifier', order: 'asc' },
      ],
      page,
      toPipeline,
    );
  }

  /**
   * Applies `patch` and increments the version. NotFoundError if missing;
   * ConflictError if `expectedVersion` is given and no longer current.
   */
  async update(
    key: PipelineKey,
    patch: PipelinePatch,
    options: UpdateOptions = {},
  ): Promise<Pipeline> {
    const changes = documentChanges(patch);
    if (patch.storeType !== undefined) {
      assertStoreType(patch.storeType);
      changes.store_type = patch.storeType;
    }
    if (patch.source !== undefined) {
      changes.source_type = patch.source?.type ?? null;
      changes.source_location = patch.source?.location ?? null;
    }
    const row = await updateDocument<PipelineRow>(
      this.db,
      'pipelines',
      pipelineWhere(key),
      changes,
      options,
    );
    if (row) {
      return toPipeline(row);
    }
    const current = await this.get(key); // throws NotFoundError
    throw new ConflictError(
      `Pipeline '${key.pipelineIdentifier}' is at version ${current.version}, not ${options.expectedVersion}`,
    );
  }

  /**
   * Deletes a pipeline with its input sets and triggers; executions are kept
   * as history. NotFoundError if missing.
   */
  async delete(key: PipelineKey): Promise<void> {
    await this.db.transaction(async tx => {
      // Explicit deletes: SQLite enforces foreign keys only when enabled.
      const child = {
        org_identifier: key.orgIdentifier,
        project_identifier: key.projectIdentifier,
        pipeline_identifier: key.pipelineIdentifier,
      };
      await tx('triggers').where(child).delete();
      await tx('input_sets').where(child).delete();
      const deleted = await tx('pipelines').where(pipelineWhere(key)).delete();
      if (deleted === 0) {
        throw notFound(key);
      }
    });
  }
}

function pipelineWhere(key: PipelineKey) {
  return {
    org_identifier: key.orgIdentifier,
    project_identifier: key.projectIdentifier,
    identifier: key.pipelineIdentifier,
  };
}

function notFound(key: PipelineKey): NotFoundError {
  return new NotFoundError(
    `Pipeline '${key.pipelineIdentifier}' not found in ${key.orgIdentifier}/${key.projectIdentifier}`,
  );
}

function assertStoreType(value: unknown): asserts value is PipelineStoreType {
  if (!STORE_TYPES.includes(value as PipelineStoreType)) {
    throw new InputError(
      `Invalid store type '${String(value)}', expected INLINE or REMOTE`,
    );
  }
}

function toPipeline(row: PipelineRow): Pipeline {
  return {
    id: row.id,
    orgIdentifier: row.org_identifier,
    projectIdentifier: row.project_identifier,
    identifier: row.identifier,
    name: row.name,
    description: row.description ?? undefined,
    tags:
      fromJsonColumn<Record<string, string>>(row.tags, 'pipelines.tags') ?? {},
    yaml: row.yaml,
    version: Number(row.version),
    storeType: row.store_type,
    source:
      row.source_type && row.source_location
        ? { type: row.source_type, location: row.source_location }
        : undefined,
    createdBy: row.created_by ?? undefined,
    updatedBy: row.updated_by ?? undefined,
    createdAt: toIsoTimestamp(row.created_at),
    updatedAt: toIsoTimestamp(row.updated_at),
  };
}
