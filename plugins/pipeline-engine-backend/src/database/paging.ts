import { InputError } from '@backstage/errors';
import { PageOptions } from './types';

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
