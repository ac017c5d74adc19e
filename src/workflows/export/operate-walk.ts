/**
 * Walking the operation logs of one device. They have no id, only `operateTime` (seconds) and are
 * time-descending, so a row is known by its key: operateTime, operateUser, mainType, subType,
 * detail. The walk fixes its upper bound (operateTimeTo = the start second), remembers the oldest
 * second written so far and the keys written in it *on earlier pages*; a row repeated after a shift
 * is newer than that second, or in it with a known key. Keys are compared with the set from earlier
 * pages only, so two identical entries inside one page are both written. Like the recognition walk,
 * a drop in `rows` without overlap steps back.
 *
 * The high-water mark of operation logs is a time: entries that reach the cloud later with an
 * older time than the mark are not exported (`--sync` first reduces that risk).
 */

import { endpoint } from './export-client.js';
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
  /** Incremental floor from the state: the last second exported and the keys written in it. */
  floor?: { lastTime: string; keys: readonly string[] };
  pageSize?: number;
}

export interface OperateWalkStats {
  pagesRead: number;
  written: number;
  duplicatesSkipped: number;
  aboveBound: number;
  stepBacks: number;
  /** Newest second written and the keys written in it: the next high-water mark. */
  newestTime?: string;
  newestKeys: string[];
}

export interface OperateWalkStep {
  pageNo: number;
  rows: OperateRow[];
}

export function operateKey(row: OperateRow): string {
  return JSON.stringify([
    row.operateTime,
    row.operateUser ?? null,
    row.mainType ?? null,
    row.subType ?? null,
    row.detail ?? null,
  ]);
}

export function newOperateStats(): OperateWalkStats {
  return { pagesRead: 0, written: 0, duplicatesSkipped: 0, aboveBound: 0, stepBacks: 0, newestKeys: [] };
}

export async function* walkOperatePages(
  fetchPage: FetchOperatePage,
  opts: OperateWalkOptions,
  stats: OperateWalkStats = newOperateStats(),
): AsyncGenerator<OperateWalkStep, OperateWalkStats> {
  const pageSize = opts.pageSize ?? endpoint('log.getOperateLog').paging!.pageSize;
  const floorKeys = new Set(opts.floor?.keys ?? []);
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
    const added: { time: string; key: string }[] = [];
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
      if (opts.floor) {
        if (time < opts.floor.lastTime) {
          reachedFloor = true;
          break;
        }
        if (time === opts.floor.lastTime && floorKeys.has(operateKey(row))) continue;
      }
      rows.push(row);
      stats.written++;
      const key = operateKey(row);
      if (stats.newestTime === undefined || time > stats.newestTime) {
        stats.newestTime = time;
        stats.newestKeys = [key];
      } else if (time === stats.newestTime) {
        stats.newestKeys.push(key);
      }
      added.push({ time, key });
      if (oldestTime === undefined || time < oldestTime) {
        oldestTime = time;
        keysInOldest = new Set();
      }
    }
    // Keys of this page join the "already written" set only now, so duplicates inside one page stay.
    for (const a of added) if (a.time === oldestTime) keysInOldest.add(a.key);
    const pages = typeof page.pages === 'number' ? page.pages : pageNo;
    const done = reachedFloor || list.length === 0 || pageNo >= pages;
    if (!done) pager.prefetch(pageNo + 1);
    yield { pageNo, rows };
    if (done) return stats;
    pageNo++;
  }
}
