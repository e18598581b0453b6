import { DatabaseService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { dbNow, toIsoTimestamp } from './dbClock';
import { connectDatabase } from './migrations';

/** Infrastructure kinds of Harness's execution-config API. */
export const EXECUTION_INFRAS = ['K8', 'VM'] as const;

/** Infrastructure kind of Harness's execution-config API. */
export type ExecutionInfra = (typeof EXECUTION_INFRAS)[number];

/** A customer override of one execution-config field, e.g. an image tag. */
export interface ExecutionConfigOverride {
  infra: ExecutionInfra;
  field: string;
  value: string;
  updatedBy?: string;
  updatedAt: string;
}

interface OverrideRow {
  infra: ExecutionInfra;
  field: string;
  value: string;
  updated_by: string | null;
  updated_at: unknown;
}

/** Stores the overrides behind Harness's execution-config API. */
export class ExecutionConfigStore {
  /** Connects to the plugin database and migrates it unless told to skip. */
  static async create(options: {
    database: DatabaseService;
  }): Promise<ExecutionConfigStore> {
    return new ExecutionConfigStore(await connectDatabase(options.database));
  }

  /** Wraps an already migrated Knex client. */
  constructor(private readonly db: Knex) {}

  /** Lists the overrides of an infrastructure kind by field. */
  async list(infra: ExecutionInfra): Promise<ExecutionConfigOverride[]> {
    assertInfra(infra);
    const rows = await this.db<OverrideRow>('execution_config_overrides')
      .where({ infra })
      .orderBy('field');
    return rows.map(toOverride);
  }

  /** Sets the given fields (others stay) and returns all overrides of `infra`. */
  async upsert(
    infra: ExecutionInfra,
    overrides: ReadonlyArray<{ field: string; value: string }>,
    updatedBy?: string,
  ): Promise<ExecutionConfigOverride[]> {
    assertInfra(infra);
    for (const { field, value } of overrides) {
      if (typeof field !== 'string' || !/^[\w.-]{1,128}$/.test(field)) {
        throw new InputError(
          `Invalid execution-config field '${String(field)}'`,
        );
      }
      if (typeof value !== 'string') {
        throw new InputError(`The value of '${field}' must be a string`);
      }
    }
    if (overrides.length > 0) {
      const now = dbNow(this.db);
      await this.db('execution_config_overrides')
        .insert(
          overrides.map(({ field, value }) => ({
            infra,
            field,
            value,
            updated_by: updatedBy ?? null,
            updated_at: now,
          })),
        )
        .onConflict(['infra', 'field'])
        .merge(['value', 'updated_by', 'updated_at']);
    }
    return this.list(infra);
  }

  /**
   * Removes overrides, restoring the defaults: the given fields, or all of
   * `infra` when `fields` is omitted. Returns how many were removed.
   */
  async reset(infra: ExecutionInfra, fields?: string[]): Promise<number> {
    assertInfra(infra);
    const query = this.db('execution_config_overrides').where({ infra });
    if (fields) {
      if (fields.length === 0) {
        return 0;
      }
      query.whereIn('field', fields);
    }
    return query.delete();
  }
}

function assertInfra(infra: unknown): asserts infra is ExecutionInfra {
  if (!EXECUTION_INFRAS.includes(infra as ExecutionInfra)) {
    throw new InputError(
      `Invalid infra '${String(infra)}', expected ${EXECUTION_INFRAS.join(' or ')}`,
    );
  }
}

function toOverride(row: OverrideRow): ExecutionConfigOverride {
  return {
    infra: row.infra,
    field: row.field,
    value: row.value,
    updatedBy: row.updated_by ?? undefined,
    updatedAt: toIsoTimestamp(row.updated_at),
  };
}
