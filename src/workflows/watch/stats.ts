/**
 * `log recog stats`: recognitions counted per device and per hour, day or person over a window.
 *
 * Each device is walked with the export's page walk (recog-walk.ts), so rows pushed down by new
 * recognitions while we page are not counted twice and rows pulled up by deletions are not missed;
 * each page is counted and dropped, so memory holds the counters, not the rows. The walk has no
 * upper id: rows arriving during the count are left out (the count is as of its start). Preliminary
 * records (id null) are not counted (they are reported: they will be counted once they have an id).
 *
 * Buckets are cut from the wire time itself (`YYYY/MM/DD HH` / `YYYY/MM/DD`): the cloud's wall clock,
 * the same clock the window is given in, with no time-zone arithmetic.
 */
import { formatApiDateTime } from '../../core/dates.js';
import { isDeviceFailure } from '../../core/errors.js';
import type { WireParams } from '../../core/params/index.js';
import { settleLimited } from '../../core/pool.js';
import { type ExportClient, endpoint } from '../export/export-client.js';
import { newWalkStats, type RecogPage, walkRecogPages } from '../export/recog-walk.js';

import type { StatsBy } from './options.js';

export { STATS_BY, type StatsBy } from './options.js';

export interface StatsOptions {
  serials: readonly string[];
  by: StatsBy;
  from?: Date;
  to?: Date;
  /** The cloud's IANA zone the window is sent in (wall-clock wire times; default Asia/Tokyo). */
  zone?: string;
  concurrency?: number;
  signal?: AbortSignal;
}

export interface StatsRow {
  serialNo: string;
  /** `2024/05/01 09:00` (hour), `2024/05/01` (day), or the person code (`''` for strangers). */
  key: string;
  /** The person's name as the last counted row gave it (by person only). */
  personName?: string | null;
  count: number;
}

export interface StatsResult {
  rows: StatsRow[];
  /** Devices that could not be read (`isDeviceFailure`: offline, not in the contract), in the order given; their rows are absent. */
  failed: { serialNo: string; error: unknown }[];
  total: number;
  preliminarySkipped: number;
  pagesRead: number;
}

function bucketOf(by: StatsBy, time: string, personCode: unknown): string {
  if (by === 'hour') return `${time.slice(0, 13)}:00`;
  if (by === 'day') return time.slice(0, 10);
  return typeof personCode === 'string' ? personCode : '';
}

/**
 * Counts every device's recognitions in the window; rows sorted by device, then bucket (by person:
 * count, descending). A device the cloud refuses alone (a serial not in the contract) is listed in
 * `failed` and the others are still counted; any other error (network, token) rejects.
 */
export async function recogStats(client: ExportClient, opts: StatsOptions): Promise<StatsResult> {
  const ep = endpoint('log.getRecogLog');
  let preliminarySkipped = 0;
  let pagesRead = 0;
  const perDevice = await settleLimited(opts.serials, opts.concurrency ?? 4, async (serialNo) => {
    const counts = new Map<string, { count: number; name?: string | null }>();
    const base: WireParams = { serialNo };
    if (opts.from) base.recogTimeFrom = formatApiDateTime(opts.from, opts.zone);
    if (opts.to) base.recogTimeTo = formatApiDateTime(opts.to, opts.zone);
    const fetchPage = (pageNo: number) =>
      client.json<RecogPage>(ep, { ...base, pageNo: String(pageNo) }, { signal: opts.signal });
    const stats = newWalkStats();
    for await (const step of walkRecogPages(fetchPage, { upperId: Number.MAX_SAFE_INTEGER, floorId: 0 }, stats)) {
      for (const r of step.rows) {
        const key = bucketOf(opts.by, String(r.time), r.personCode);
        const c = counts.get(key) ?? { count: 0 };
        c.count++;
        if (opts.by === 'person') c.name = (r.personName as string | null | undefined) ?? c.name ?? null;
        counts.set(key, c);
      }
    }
    preliminarySkipped += stats.preliminaryTimes.length;
    pagesRead += stats.pagesRead;
    const rows: StatsRow[] = [...counts].map(([key, c]) =>
      opts.by === 'person'
        ? { serialNo, key, personName: c.name ?? null, count: c.count }
        : { serialNo, key, count: c.count },
    );
    rows.sort((a, b) =>
      opts.by === 'person' ? b.count - a.count || (a.key < b.key ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
    );
    return rows;
  });
  const failed: StatsResult['failed'] = [];
  perDevice.forEach((s, i) => {
    if (s.status === 'fulfilled') return;
    if (!isDeviceFailure(s.reason, ep.deviceParam)) throw s.reason;
    failed.push({ serialNo: opts.serials[i], error: s.reason });
  });
  const rows = perDevice.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
  return { rows, failed, total: rows.reduce((n, r) => n + r.count, 0), preliminarySkipped, pagesRead };
}

const BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `value / max` of `width` cells in Unicode eighth blocks (at least a sliver when value > 0). */
export function bar(value: number, max: number, width: number): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + BLOCKS[eighths % 8];
}
