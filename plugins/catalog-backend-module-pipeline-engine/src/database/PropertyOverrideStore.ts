import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import {
  formatPropertyPath,
  isDescendantPath,
  parsePropertyPath,
} from '../overrides/propertyPath';
import { appendValue, isJsonObject } from '../overrides/values';
import type { JsonValue, PropertyMode, PropertyOverride } from '../types';

const TABLE = 'pipeline_engine_property_overrides';
/** Not Knex's default: the catalog's own migrations live in `knex_migrations`. */
const MIGRATIONS_TABLE = 'pipeline_engine_property_overrides_migrations';

const MIGRATIONS_DIRECTORY = resolvePackagePath(
  '@idp-pipelines/plugin-catalog-backend-module-pipeline-engine',
  'migrations',
);

interface Row {
  entity_ref: string;
  path: string;
  mode: string;
  value: string;
  updated_at: Date | string | number;
  updated_by: string | null;
}

/** An override as the processor applies it. */
export interface StoredOverride {
  path: string[];
  mode: PropertyMode;
  value: JsonValue;
}

/** One change to store. */
export interface OverrideChange {
  /** Normalized (lower-case) entity ref. */
  entityRef: string;
  path: string[];
  mode: PropertyMode;
  /** For `append`, already normalized by `normalizeAppendAddition`. */
  value: JsonValue;
}

function toDate(value: Row['updated_at']): Date {
  return value instanceof Date
    ? value
    : new Date(
        typeof value === 'string' && /^\d+$/.test(value)
          ? Number(value)
          : value,
      );
}

/** Property overrides in the catalog plugin's database. */
export class PropertyOverrideStore {
  /** Connects and brings the table up to date unless migrations are skipped. */
  static async create(
    database: DatabaseService,
  ): Promise<PropertyOverrideStore> {
    const db = await database.getClient();
    if (!database.migrations?.skip) {
      await db.migrate.latest({
        directory: MIGRATIONS_DIRECTORY,
        tableName: MIGRATIONS_TABLE,
      });
    }
    return new PropertyOverrideStore(db);
  }

  private constructor(private readonly db: Knex) {}

  /**
   * The overrides of one entity, in the order they apply: parents before
   * the paths below them, so a replaced map keeps later-set keys inside it.
   */
  async forEntity(entityRef: string): Promise<StoredOverride[]> {
    const rows: Row[] = await this.db<Row>(TABLE).where({
      entity_ref: entityRef,
    });
    const overrides: StoredOverride[] = [];
    for (const row of rows) {
      try {
        overrides.push({
          path: parsePropertyPath(row.path),
          mode: row.mode === 'append' ? 'append' : 'replace',
          value: JSON.parse(row.value) as JsonValue,
        });
      } catch {
        // A row this version cannot read (edited by hand) must not stop processing.
      }
    }
    return overrides.sort(
      (a, b) =>
        a.path.length - b.path.length ||
        formatPropertyPath(a.path).localeCompare(formatPropertyPath(b.path)),
    );
  }

  /** The overrides of one entity, for display. */
  async list(entityRef: string): Promise<PropertyOverride[]> {
    const rows: Row[] = await this.db<Row>(TABLE)
      .where({ entity_ref: entityRef })
      .orderBy('path');
    return rows.map(row => ({
      entityRef: row.entity_ref,
      property: row.path,
      mode: row.mode as PropertyMode,
      value: JSON.parse(row.value) as JsonValue,
      updatedAt: toDate(row.updated_at).toISOString(),
      ...(row.updated_by ? { updatedBy: row.updated_by } : {}),
    }));
  }

  /**
   * Stores changes in one transaction. A replace drops the overrides below
   * its path (it sets the whole value); an append merges into an existing
   * override of the same path, so repeated appends accumulate.
   */
  async write(changes: OverrideChange[], updatedBy: string): Promise<void> {
    await this.db.transaction(async tx => {
      for (const change of changes) {
        let query = tx<Row>(TABLE).where({ entity_ref: change.entityRef });
        if (tx.client.config.client === 'pg') query = query.forUpdate();
        const rows: Row[] = await query;
        const canonical = formatPropertyPath(change.path);
        const existing = rows.find(r => r.path === canonical);
        let mode = change.mode;
        let value = change.value;
        if (change.mode === 'replace') {
          const below = rows
            .filter(r =>
              isDescendantPath(parsePropertyPath(r.path), change.path),
            )
            .map(r => r.path);
          if (below.length) {
            await tx(TABLE)
              .where({ entity_ref: change.entityRef })
              .whereIn('path', below)
              .delete();
          }
        } else if (existing) {
          const previous = JSON.parse(existing.value) as JsonValue;
          if (existing.mode === 'replace') {
            mode = 'replace';
            value = appendValue(previous, change.value, canonical);
          } else if (
            Array.isArray(previous) === Array.isArray(value) &&
            isJsonObject(previous) === isJsonObject(value)
          ) {
            value = appendValue(previous, change.value, canonical);
          }
          // Otherwise the entity's value changed type since; the newest addition wins.
        }
        await tx<Row>(TABLE)
          .insert({
            entity_ref: change.entityRef,
            path: canonical,
            mode,
            value: JSON.stringify(value),
            updated_at: new Date(),
            updated_by: updatedBy,
          })
          .onConflict(['entity_ref', 'path'])
          .merge(['mode', 'value', 'updated_at', 'updated_by']);
      }
    });
  }

  /** Removes one override; false when there was none. */
  async remove(entityRef: string, path: string[]): Promise<boolean> {
    const deleted = await this.db(TABLE)
      .where({ entity_ref: entityRef, path: formatPropertyPath(path) })
      .delete();
    return deleted > 0;
  }
}
