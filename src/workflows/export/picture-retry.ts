/**
 * Pictures that failed in an earlier `--state` run. The mark already passed their rows (the rows
 * were written, and writing them again is not allowed), so the state keeps their (id, time) and the
 * next run with `--pictures` fetches them again. getRecogLog has no id filter: the row's own time,
 * as both ends of the window, finds it (and a fresh picture cookie) in a page or two.
 */

import type { WireParams } from '../../core/params/index.js';
import type { ProcessProbe } from '../../core/safe-file.js';
import type { ExportClient } from './export-client.js';
import { endpoint } from './export-client.js';
import type { PictureRetry } from './export-state.js';
import { type PictureStats, savePictures } from './picture-saver.js';
import { type RecogPage, rowId } from './recog-walk.js';

export interface RetryPicturesArgs {
  client: ExportClient;
  dir: string;
  serialNo: string;
  pending: readonly PictureRetry[];
  /** serialNo and pictureExpires: what every getRecogLog of this device carries. */
  base: WireParams;
  stats: PictureStats;
  owner: ProcessProbe;
  signal: AbortSignal;
  note: (line: string) => void;
}

/**
 * Tries each pending picture once more. Failures land in `stats.failed` again (so the next mark
 * keeps them); rows the cloud no longer holds are dropped with a note.
 */
export async function retryPictures(args: RetryPicturesArgs): Promise<void> {
  const ep = endpoint('log.getRecogLog');
  const byTime = new Map<string, Set<number>>();
  for (const p of args.pending) {
    const ids = byTime.get(p.time) ?? new Set<number>();
    ids.add(p.id);
    byTime.set(p.time, ids);
  }
  for (const [time, ids] of byTime) {
    const wire: WireParams = { ...args.base, recogTimeFrom: time, recogTimeTo: time };
    const fetchPage = (pageNo: number) =>
      args.client.json<RecogPage>(ep, { ...wire, pageNo: String(pageNo) }, { signal: args.signal });
    for (let pageNo = 1; ids.size > 0; pageNo++) {
      const page = await fetchPage(pageNo);
      const list = Array.isArray(page.list) ? page.list : [];
      const rows = list.filter((r) => {
        const id = rowId(r);
        return id !== null && ids.has(id);
      });
      if (rows.length > 0) {
        const failedBefore = args.stats.failed.length;
        await savePictures({
          client: args.client,
          dir: args.dir,
          serialNo: args.serialNo,
          owner: args.owner,
          rows,
          page,
          refetch: () => fetchPage(pageNo),
          stats: args.stats,
          signal: args.signal,
        });
        args.stats.retried += rows.length - (args.stats.failed.length - failedBefore);
        for (const r of rows) ids.delete(rowId(r) as number);
      }
      const pages = typeof page.pages === 'number' ? page.pages : pageNo;
      if (list.length === 0 || pageNo >= pages) break;
    }
    for (const id of ids) {
      args.note(`${args.serialNo}: log ${id} (${time}) is no longer in the cloud; its picture is not retried`);
    }
  }
}
