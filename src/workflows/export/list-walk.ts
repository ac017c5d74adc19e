/**
 * `--all` on any list command, with the export walk's guarantee: nothing repeated, nothing lost while
 * rows arrive or leave during the walk.
 *
 * - Rows arriving push rows already read onto the next page: each row is written once, told apart
 *   by the registry's `paging.keyPath` (`id`, `personCode`, `record_id`; the whole row when absent),
 *   as the export walk drops ids it wrote (recog-walk.ts).
 * - Rows deleted pull unread rows up into pages already read: when the answer's total dropped and the
 *   page shares nothing with what was written, the walk steps back (`pagesToStepBack`, page-shift.ts,
 *   the same rule as the exports) and the repeats are dropped.
 * Memory: one key per row written (the exports, made for millions of rows, keep less).
 */
import type { PagingDef } from '../../registry/index.js';
import { pagesToStepBack } from './page-shift.js';

/** The value at a dotted path of an answer (`list`, `data.list`); undefined when absent. */
export function valueAt(body: unknown, path: string): unknown {
  let v: unknown = body;
  for (const key of path.split('.'))
    v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

function keyOf(row: unknown, keyPath: string | undefined): string {
  const key = keyPath ? valueAt(row, keyPath) : undefined;
  return key === null || key === undefined || key === '' ? `row:${JSON.stringify(row)}` : `key:${String(key)}`;
}

function numberAt(body: unknown, path: string | undefined): number | undefined {
  if (!path) return undefined;
  const n = Number(valueAt(body, path));
  return Number.isFinite(n) ? n : undefined;
}

export interface ListWalkStats {
  pagesRead: number;
  duplicatesSkipped: number;
  stepBacks: number;
}

/**
 * Yields the rows of each page not written before, in page order. `fetchPage(n)` answers page n
 * (from 1) as the API does; `size` is the rows a page (the registry's, or the caller's `size`).
 */
export async function* walkListOnce(
  fetchPage: (pageNo: number) => Promise<unknown>,
  paging: PagingDef,
  size: number,
  stats: ListWalkStats = { pagesRead: 0, duplicatesSkipped: 0, stepBacks: 0 },
): AsyncGenerator<unknown[], ListWalkStats> {
  const seen = new Set<string>();
  let page = 1;
  let previousTotal: number | undefined;
  for (;;) {
    const body = await fetchPage(page);
    stats.pagesRead++;
    const raw = valueAt(body, paging.listPath);
    const list = Array.isArray(raw) ? raw : [];
    const keys = list.map((r) => keyOf(r, paging.keyPath));
    const total = numberAt(body, paging.totalPath);
    const back = pagesToStepBack(
      page,
      previousTotal,
      total,
      keys.some((k) => seen.has(k)),
      size,
    );
    previousTotal = total;
    if (back > 0) {
      page = Math.max(1, page - back);
      stats.stepBacks++;
      continue;
    }
    const rows: unknown[] = [];
    list.forEach((row, i) => {
      if (seen.has(keys[i])) stats.duplicatesSkipped++;
      else {
        seen.add(keys[i]);
        rows.push(row);
      }
    });
    yield rows;
    if (list.length === 0) return stats;
    const pages = numberAt(body, paging.pagesPath);
    if (pages !== undefined) {
      if (page >= pages) return stats;
    } else if (total !== undefined) {
      if (page * size >= total) return stats;
    } else if (list.length < size) return stats;
    page++;
  }
}
