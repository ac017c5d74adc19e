/**
 * Walking the operation logs of one device. They have no id, only `operateTime` (seconds) and are
 * time-descending, so a row is known by its key (operate-window.ts: a hash of operateTime,
 * operateUser, mainType, subType and detail). The walk fixes its upper bound (operateTimeTo = the
 * start second), remembers the oldest second written so far and the keys written in it *on earlier
 * pages*; a row repeated after a shift is newer than that second, or in it with a known key. Keys
 * are compared with the set from earlier pages only, so two identical entries inside one page are
 * both written. Like the recognition walk, a drop in `rows` without overlap steps back.
 *
 * Incremental runs start from the floor's overlap window (operate-window.ts): rows the state already
 * holds are skipped, rows in the window the state does not hold arrived late and are written once.
 */

import { endpoint } from './export-client.js';
import type { OperateMark } from './export-state.js';
import { OperateWindow, operateKey } from './operate-window.js';
import { pagesToStepBack } from './page-shift.js';
import { withLookahead } from './recog-walk.js';

export interface OperateRow {
  operateTime: string;
  operateUser?: string | null;
  mainType?: string | null;
  subType?: string | null;
  detail?: string | null;
  [field: string]: unknown;
}

export interface OperatePage {
  rows?: number;
  pages?: number;
  list: OperateRow[];
}

export type FetchOperatePage = (pageNo: number) => Promise<OperatePage>;

export interface OperateWalkOptions {
  /** Rows after this second arrived after the export started (wire format). */
  upperTime: string;
  /** Incremental floor from the state: the newest second exported, its window and the keys in it. */
  floor?: OperateMark;
  /** The wire time the overlap window starts at for a given newest second; the last second only without it. */
  windowStart?: (lastTime: string) => string;
  pageSize?: number;
}

export interface OperateWalkStats {
  pagesRead: number;
  written: number;
  duplicatesSkipped: number;
  aboveBound: number;
  /** Rows of the overlap window the state already held. */
  knownSkipped: number;
  stepBacks: number;
  /** Newest second written. */
  newestTime?: string;
  /** The rows known and written, for the next mark (`window.nextMark`). */
  window?: OperateWindow;
}

export interface OperateWalkStep {
  pageNo: number;
  rows: OperateRow[];
}

export function newOperateStats(): OperateWalkStats {
  return { pagesRead: 0, written: 0, duplicatesSkipped: 0, aboveBound: 0, stepBacks: 0, knownSkipped: 0 };
}

export async function* walkOperatePages(
  fetchPage: FetchOperatePage,
  opts: OperateWalkOptions,
  stats: OperateWalkStats = newOperateStats(),
): AsyncGenerator<OperateWalkStep, OperateWalkStats> {
  const pageSize = opts.pageSize ?? endpoint('log.getOperateLog').paging!.pageSize;
  const window = new OperateWindow(opts.floor, opts.windowStart);
  stats.window = window;
  let oldestTime: string | undefined;
  let keysInOldest = new Set<string>();
  let pageNo = 1;
  let previousTotal: number | undefined;
  const pager = withLookahead(fetchPage);
  for (;;) {
    const page = await pager.get(pageNo);
    stats.pagesRead++;
    const list = Array.isArray(page.list) ? page.list : [];
    const total = typeof page.rows === 'number' ? page.rows : undefined;
    const seen = (row: OperateRow): boolean =>
      oldestTime !== undefined &&
      (row.operateTime > oldestTime || (row.operateTime === oldestTime && keysInOldest.has(operateKey(row))));
    const overlaps = list.some((r) => r.operateTime <= opts.upperTime && seen(r));
    const back = pagesToStepBack(pageNo, previousTotal, total, overlaps, pageSize);
    previousTotal = total;
    if (back > 0) {
      pageNo = Math.max(1, pageNo - back);
      stats.stepBacks++;
      continue;
    }
    const rows: OperateRow[] = [];
    const added: OperateRow[] = [];
    let reachedFloor = false;
    for (const row of list) {
      const time = String(row.operateTime);
      if (time > opts.upperTime) {
        stats.aboveBound++;
        continue;
      }
      if (seen(row)) {
        stats.duplicatesSkipped++;
        continue;
      }
      if (window.floorFrom !== undefined && time < window.floorFrom) {
        reachedFloor = true;
        break;
      }
      const key = window.needsKey(time) ? operateKey(row) : undefined;
      if (key !== undefined && window.isKnown(key)) {
        // Known rows are tracked like written ones: a page shift that shows one again skips it.
        stats.knownSkipped++;
      } else {
        rows.push(row);
        stats.written++;
        window.add(time, key);
        if (stats.newestTime === undefined || time > stats.newestTime) stats.newestTime = time;
      }
      added.push(row);
      if (oldestTime === undefined || time < oldestTime) {
        oldestTime = time;
        keysInOldest = new Set();
      }
    }
    // Keys of this page join the "already written" set only now, so duplicates inside one page stay.
    for (const r of added) if (r.operateTime === oldestTime) keysInOldest.add(operateKey(r));
    const pages = typeof page.pages === 'number' ? page.pages : pageNo;
    const done = reachedFloor || list.length === 0 || pageNo >= pages;
    if (!done) pager.prefetch(pageNo + 1);
    yield { pageNo, rows };
    if (done) return stats;
    pageNo++;
  }
}
