/**
 * Walking the recognition logs of one device page by page while new logs keep arriving.
 *
 * Pages are id-descending, 100 rows each, so a row inserted at the top pushes every row one place
 * down: the next page starts with a row already written. The walk therefore
 * - fixes an upper bound (`upperId`, read with `latest=1` before the first page) and ignores rows
 *   above it: they belong to the next run;
 * - remembers only the smallest id written so far: ids only grow at the top, so a row already
 *   written can reappear on a later page but never with a smaller id than an unwritten one, and
 *   "id ≥ smallest written" is exactly the set of repeats (no set of every id, memory stays flat);
 * - checks the answer's `rows` between two pages: rows can only move *up* (and so be skipped over)
 *   when rows were deleted above the current page. The upward move is at most the drop in `rows`,
 *   so when `rows` fell and the new page does not overlap what was written, it steps back
 *   ceil(drop / 100) pages and reads again.
 * Rows whose id is still null (preliminary records) are never written; their times are reported so
 * the caller can keep the high-water mark from passing them (see export-state.ts).
 *
 * With `inFlight` > 1 and a `witness` (the device's newest record, `latest=1`), several pages are
 * asked for at once (page-rounds.ts): a page that may have been answered before the page above it,
 * while rows arrived, is used only when it overlaps what was written; otherwise it is asked for
 * again. The rows still come out in page order, each once.
 */

import { endpoint } from './export-client.js';
import { pageRounds } from './page-rounds.js';
import { pagesToStepBack } from './page-shift.js';

export interface RecogRow {
  id: number | string | null;
  time: string;
  [field: string]: unknown;
}

export interface RecogPage {
  rows?: number;
  pages?: number;
  pictureCookie?: Record<string, string>;
  list: RecogRow[];
}

export type FetchRecogPage = (pageNo: number) => Promise<RecogPage>;

/**
 * Fetches ahead: while the caller writes page p, page p+1 is already on its way, so the cloud's time
 * and ours overlap. A page fetched ahead is an answer like any other (it was asked for after page p
 * arrived), so the consistency checks hold; one the walk does not use (after a step back) is dropped.
 */
export function withLookahead<P>(fetchPage: (pageNo: number) => Promise<P>): {
  get(pageNo: number): Promise<P>;
  prefetch(pageNo: number): void;
} {
  let ahead: { pageNo: number; answer: Promise<P> } | undefined;
  return {
    get(pageNo) {
      const answer = ahead?.pageNo === pageNo ? ahead.answer : fetchPage(pageNo);
      ahead = undefined;
      return answer;
    },
    prefetch(pageNo) {
      const answer = fetchPage(pageNo);
      answer.catch(() => {});
      ahead = { pageNo, answer };
    },
  };
}

export interface RecogWalkOptions {
  /** Rows with a larger id arrived after the export started. */
  upperId: number;
  /** Incremental floor: rows with id ≤ floorId were exported by an earlier run (0: none). */
  floorId: number;
  /** Extra condition for a row to be written (the recheck pass skips ids already written). */
  accept?: (id: number, row: RecogRow) => boolean;
  pageSize?: number;
  /** Pages asked for at once (default 1: one page ahead). More than 1 needs `witness`. */
  inFlight?: number;
  /**
   * The device's newest record as text (`latest=1`), read before and after each round of pages: equal
   * means no row arrived in between (page-rounds.ts).
   */
  witness?: () => Promise<string>;
}

export interface RecogWalkStats {
  pagesRead: number;
  written: number;
  duplicatesSkipped: number;
  aboveBound: number;
  /** Times of rows seen with a null id (preliminary records). */
  preliminaryTimes: string[];
  /** Pages read again because rows moved up (deletions during the export). */
  stepBacks: number;
  /** Pages asked for again because they were answered while rows arrived and may be out of order. */
  rereads: number;
  /** Largest id written, 0 when none. */
  maxIdWritten: number;
}

export interface RecogWalkStep {
  pageNo: number;
  page: RecogPage;
  /** Rows to write, in page order, each exactly once over the whole walk. */
  rows: RecogRow[];
}

export function rowId(row: RecogRow): number | null {
  if (row.id === null || row.id === undefined || row.id === '') return null;
  const n = Number(row.id);
  return Number.isFinite(n) ? n : null;
}

export function newWalkStats(): RecogWalkStats {
  return {
    pagesRead: 0,
    written: 0,
    duplicatesSkipped: 0,
    aboveBound: 0,
    preliminaryTimes: [],
    stepBacks: 0,
    rereads: 0,
    maxIdWritten: 0,
  };
}

/**
 * Yields, page by page, the rows to write. The caller writes them before asking for the next page;
 * at most `inFlight` pages are asked for at once and one round of them is held (page-rounds.ts).
 */
export async function* walkRecogPages(
  fetchPage: FetchRecogPage,
  opts: RecogWalkOptions,
  stats: RecogWalkStats = newWalkStats(),
): AsyncGenerator<RecogWalkStep, RecogWalkStats> {
  const pageSize = opts.pageSize ?? endpoint('log.getRecogLog').paging!.pageSize;
  let smallestWritten = Number.POSITIVE_INFINITY;
  let pageNo = 1;
  let previousTotal: number | undefined;
  const pager = pageRounds(fetchPage, {
    inFlight: opts.inFlight ?? 1,
    witness: opts.witness,
    pagesOf: (page) => (typeof page.pages === 'number' ? page.pages : undefined),
  });
  try {
    for (;;) {
      const { page, inOrder } = await pager.get(pageNo);
      stats.pagesRead++;
      const list = Array.isArray(page.list) ? page.list : [];
      const total = typeof page.rows === 'number' ? page.rows : undefined;
      const overlaps = list.some((r) => {
        const id = rowId(r);
        return id !== null && id <= opts.upperId && id >= smallestWritten;
      });
      // Overlap proves that nothing lies between this page and what was written, in any order.
      if (!inOrder && !overlaps) {
        pager.restart();
        stats.rereads++;
        continue;
      }
      const back = pagesToStepBack(pageNo, previousTotal, total, overlaps, pageSize);
      previousTotal = total;
      if (back > 0) {
        pageNo = Math.max(1, pageNo - back);
        stats.stepBacks++;
        continue;
      }
      const rows: RecogRow[] = [];
      let reachedFloor = false;
      for (const row of list) {
        const id = rowId(row);
        if (id === null) {
          stats.preliminaryTimes.push(String(row.time));
          continue;
        }
        if (id > opts.upperId) {
          stats.aboveBound++;
          continue;
        }
        if (id >= smallestWritten) {
          stats.duplicatesSkipped++;
          continue;
        }
        if (id <= opts.floorId) {
          reachedFloor = true;
          break;
        }
        smallestWritten = id;
        if (opts.accept && !opts.accept(id, row)) continue;
        rows.push(row);
        stats.written++;
        if (id > stats.maxIdWritten) stats.maxIdWritten = id;
      }
      const pages = typeof page.pages === 'number' ? page.pages : pageNo;
      const done = reachedFloor || list.length === 0 || pageNo >= pages;
      yield { pageNo, page, rows };
      if (done) return stats;
      pageNo++;
    }
  } finally {
    await pager.close();
  }
}
