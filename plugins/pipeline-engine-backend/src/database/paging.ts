import { InputError } from '@backstage/errors';
import type { Knex } from 'knex';
import type { Page, PageOptions } from './types';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

/** Validates paging options and applies defaults and caps. */
export function resolvePage(options: PageOptions | undefined): {
  limit: number;
  offset: number;
} {
  const limit = options?.limit ?? DEFAULT_LIMIT;
  const offset = options?.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InputError(`Invalid limit ${limit}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InputError(`Invalid offset ${offset}`);
  }
  return { limit: Math.min(limit, MAX_LIMIT), offset };
}

/** Reads a COUNT(*) result, which pg returns as a string. */
export function toCount(row: { count?: unknown } | undefined): number {
  return Number(row?.count ?? 0);
}

/** A lower-cased LIKE pattern matching `search` literally (escape `\`). */
export function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/** Narrows `query` to rows whose name or identifier contains `search`, ignoring case. */
export function whereNameOrIdentifierContains(
  query: Knex.QueryBuilder,
  search: string,
): void {
  const pattern = likePattern(search);
  query.andWhere(q =>
    q
      .whereRaw("lower(name) LIKE ? ESCAPE '\\'", [pattern])
      .orWhereRaw("lower(identifier) LIKE ? ESCAPE '\\'", [pattern]),
  );
}

/**
 * One page of `query`'s rows in `order` with the count of all of them: the
 * two queries run at once, on clones, so `query` stays as it was.
 */
export async function readPage<Row, T>(
  query: Knex.QueryBuilder,
  order: Array<{ column: string; order: 'asc' | 'desc' }>,
  page: { limit: number; offset: number },
  toModel: (row: Row) => T,
): Promise<Page<T>> {
  const [rows, [count]] = await Promise.all([
    query.clone().orderBy(order).limit(page.limit).offset(page.offset),
    query.clone().count({ count: '*' }),
  ]);
  return { items: (rows as Row[]).map(toModel), totalCount: toCount(count) };
}
