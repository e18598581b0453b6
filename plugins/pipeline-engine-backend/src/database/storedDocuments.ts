import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { dbNow } from './dbClock';
import { toJsonColumn } from './jsonColumns';
import type { UpdateOptions } from './types';
import { assertText } from './validation';

/*
 * Pipelines, input sets and triggers are versioned documents: a row with a
 * name, a description, YAML, a version that grows by one on every update
 * (optimistic locking) and who created and last changed it. These helpers
 * write those columns the same way for every table.
 */

/** Changes of a document's common fields; `null` clears the description. */
export interface DocumentPatch {
  name?: string;
  description?: string | null;
  tags?: Record<string, string>;
  yaml?: string;
}

/** The columns a {@link DocumentPatch} sets; InputError for an empty name or YAML. */
export function documentChanges(patch: DocumentPatch): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (patch.name !== undefined) {
    assertText(patch.name, 'name');
    changes.name = patch.name;
  }
  if (patch.description !== undefined) {
    changes.description = patch.description;
  }
  if (patch.tags !== undefined) {
    changes.tags = toJsonColumn(patch.tags);
  }
  if (patch.yaml !== undefined) {
    assertText(patch.yaml, 'yaml');
    changes.yaml = patch.yaml;
  }
  return changes;
}

/** The columns of a new document row: a fresh id, version 1, who and when. */
export function newDocumentColumns(
  db: Knex,
  createdBy: string | undefined,
): Record<string, unknown> {
  const now = dbNow(db);
  return {
    id: randomUUID(),
    version: 1,
    created_by: createdBy ?? null,
    updated_by: createdBy ?? null,
    created_at: now,
    updated_at: now,
  };
}

/**
 * Applies `changes` to the row `where` selects, with the next version and
 * who and when, only while it is at `expectedVersion` when that is given.
 * The updated row, or undefined when no row matched (missing, or at
 * another version: the caller tells which).
 */
export async function updateDocument<Row>(
  db: Knex,
  table: string,
  where: Record<string, unknown>,
  changes: Record<string, unknown>,
  options: UpdateOptions,
): Promise<Row | undefined> {
  const query = db(table)
    .where(where)
    .update({
      ...changes,
      version: db.raw('?? + 1', ['version']),
      updated_by: options.updatedBy ?? null,
      updated_at: dbNow(db),
    })
    .returning('*');
  if (options.expectedVersion !== undefined) {
    query.andWhere('version', options.expectedVersion);
  }
  const [row] = (await query) as Row[];
  return row;
}
