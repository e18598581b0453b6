import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { PipelineVisibility } from './requestAuth';
import type { ListResult } from './types';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
const SCAN_PAGE = 500;

/** Reads one page of an engine list. */
export type PageReader<T> = (page: {
  limit: number;
  offset: number;
}) => Promise<ListResult<T>>;

/**
 * One page of a list, keeping only what the caller may see. With
 * conditional permissions the engine cannot filter, so this scans the
 * whole list in chunks to get both the page and an honest totalCount.
 */
export async function listVisible<T extends PipelineRef>(
  read: PageReader<T>,
  visibility: PipelineVisibility,
  page: { limit?: number; offset?: number },
): Promise<ListResult<T>> {
  const limit = Math.min(page.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  const offset = page.offset ?? 0;
  if (!visibility) {
    return read({ limit, offset });
  }
  const items: T[] = [];
  let totalCount = 0;
  for (let scanned = 0; ;) {
    const chunk = await read({ limit: SCAN_PAGE, offset: scanned });
    for (const item of chunk.items) {
      if (!visibility(item)) continue;
      if (totalCount >= offset && items.length < limit) items.push(item);
      totalCount++;
    }
    scanned += chunk.items.length;
    if (chunk.items.length < SCAN_PAGE || scanned >= chunk.totalCount) break;
  }
  return { items, totalCount };
}
