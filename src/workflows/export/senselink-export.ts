/**
 * `senselink record export`: SenseLink answers at most 24 hours per query, so a longer range is cut
 * into consecutive windows of at most 24 hours. Windows share their boundary instant (both ends are
 * inclusive, and records carry milliseconds), and a record at that instant, seen at the end of one
 * window, is skipped at the start of the next. Pages are read in ascending record id (order=1), so
 * records stored during the export only add rows at the end instead of shifting pages; the largest
 * id written is enough to skip any repeat.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { formatIso8601 } from '../../core/dates.js';
import { PartialError } from '../../core/errors.js';
import { SENSELINK_MAX_WINDOW_MS, type WireParams } from '../../core/params/index.js';
import {
  type AtomicFile,
  checkOutputFile,
  checkOutputFolder,
  openAtomicFile,
  type ProcessProbe,
  writeFileAtomic,
} from '../../core/safe-file.js';
import { SENSELINK_COLUMNS } from './columns.js';
import { type ExportClient, endpoint } from './export-client.js';
import { commitFile, type Fault } from './export-commit.js';
import { safeName } from './picture-saver.js';
import { type CsvSafetyOptions, createRowWriter, type RowWriter } from './row-writer.js';
import { fileSink, streamSink } from './sinks.js';

/** Windows as long as the API allows (the registry's window24h rule, checked in core/params). */
export const WINDOW_MS = SENSELINK_MAX_WINDOW_MS;
/** The largest page the API allows (`size` ≤ 100 in the registry): fewest calls per window. */
const PAGE_SIZE = endpoint('senselink.getRecords').params.size!.max!;

export interface TimeWindow {
  from: Date;
  to: Date;
}

/**
 * [from, to] cut into windows of at most 24 hours that share their boundaries. The API takes whole
 * seconds while records carry milliseconds, so the start is rounded down and the end up: `--to now`
 * must include a record stored 300 ms before now.
 */
export function splitWindows(from: Date, to: Date): TimeWindow[] {
  const out: TimeWindow[] = [];
  let start = Math.floor(from.getTime() / 1000) * 1000;
  const end = Math.ceil(to.getTime() / 1000) * 1000;
  do {
    const stop = Math.min(start + WINDOW_MS, end);
    out.push({ from: new Date(start), to: new Date(stop) });
    start = stop;
  } while (start < end);
  return out;
}

export interface SenselinkRecord {
  record_id: number | string;
  image_id?: string | null;
  create_at?: number | null;
  device_timestamp?: number | null;
  [field: string]: unknown;
}

interface RecordsPage {
  total?: number;
  list?: SenselinkRecord[];
}

export interface SenselinkExportOptions {
  from: Date;
  to: Date;
  sn?: string;
  format: 'ndjson' | 'csv' | 'json';
  out?: string;
  bom?: boolean;
  encoding?: 'utf8' | 'cp932';
  /** CSV: formula escaping and CP932 replacement/reporting (row-writer). */
  csv?: CsvSafetyOptions;
  images?: string;
  /** The zone the window bounds are written in (ISO 8601 with its offset; default Asia/Tokyo). */
  zone?: string;
  signal: AbortSignal;
  /** The writing process (Context), for temporary files. */
  owner: ProcessProbe;
  stdout: Writable;
  /** Test-only fault points (FACETCTL_FAULT): see export-commit.ts. */
  fault?: Fault;
  onProgress?: (rows: number) => void;
}

export interface SenselinkExportResult {
  rows: number;
  windows: number;
  images: { saved: number; skipped: number; failed: { image_id: string; reason: string }[] };
}

/** Millisecond instant of a SenseLink time field (seconds or milliseconds). */
function instantMs(v: unknown): number | undefined {
  const n = Number(v);
  if (!Number.isFinite(n) || v === null || v === '') return undefined;
  return n < 1e12 ? n * 1000 : n;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function saveImage(
  owner: ProcessProbe,
  client: ExportClient,
  dir: string,
  imageId: string,
  result: SenselinkExportResult,
  signal: AbortSignal,
): Promise<void> {
  const path = join(dir, `${safeName(imageId)}.jpg`);
  if (await exists(path)) {
    result.images.skipped++;
    return;
  }
  try {
    const answer = await client.call(endpoint('senselink.getImage'), { image_id: imageId }, { signal });
    if (answer.kind !== 'binary' || !answer.data) throw new Error('no image in the answer');
    await writeFileAtomic(owner, path, answer.data);
    result.images.saved++;
  } catch (err) {
    if (signal.aborted) throw err;
    result.images.failed.push({ image_id: imageId, reason: (err as Error).message });
  }
}

/** `--out` and `--images` checked before the first request (UsageError naming the flag, exit 2). */
export async function checkSenselinkExportPaths(opts: Pick<SenselinkExportOptions, 'out' | 'images'>): Promise<void> {
  if (opts.out) await checkOutputFile(opts.out, '--out', { dashIsStdout: true });
  if (opts.images) await checkOutputFolder(opts.images, '--images');
}

export async function runSenselinkExport(
  client: ExportClient,
  opts: SenselinkExportOptions,
): Promise<SenselinkExportResult> {
  const ep = endpoint('senselink.getRecords');
  const windows = splitWindows(opts.from, opts.to);
  const result: SenselinkExportResult = {
    rows: 0,
    windows: windows.length,
    images: { saved: 0, skipped: 0, failed: [] },
  };
  await checkSenselinkExportPaths(opts);
  const file: AtomicFile | undefined = opts.out ? await openAtomicFile(opts.owner, opts.out) : undefined;
  let faultAfterPage = opts.fault;
  const writer: RowWriter = await createRowWriter(file ? fileSink(file) : streamSink(opts.stdout), {
    format: opts.format,
    columns: SENSELINK_COLUMNS,
    bom: opts.bom,
    encoding: opts.encoding,
    ...opts.csv,
    rowLabel: (row) => `record ${String(row.record_id)}`,
  });
  try {
    let atBoundary = new Set<string>();
    for (const w of windows) {
      const boundary = w.to.getTime();
      const nextBoundary = new Set<string>();
      let lastId = Number.NEGATIVE_INFINITY;
      for (let page = 1; ; page++) {
        const wire: WireParams = {
          time_from: formatIso8601(w.from, opts.zone),
          time_to: formatIso8601(w.to, opts.zone),
          order: '1',
          page: String(page),
          size: String(PAGE_SIZE),
        };
        if (opts.sn) wire.sn = opts.sn;
        const body = await client.json(ep, wire, { signal: opts.signal });
        const data: RecordsPage = body?.data ?? body ?? {};
        const list = Array.isArray(data.list) ? data.list : [];
        const rows: SenselinkRecord[] = [];
        for (const r of list) {
          const id = Number(r.record_id);
          const key = String(r.record_id);
          if (id <= lastId || atBoundary.has(key)) continue;
          lastId = id;
          rows.push(r);
          const at = Math.max(instantMs(r.create_at) ?? 0, instantMs(r.device_timestamp) ?? 0);
          if (at >= boundary) nextBoundary.add(key);
        }
        if (opts.images) {
          for (const r of rows)
            if (r.image_id) await saveImage(opts.owner, client, opts.images, String(r.image_id), result, opts.signal);
        }
        await writer.writeRows(rows);
        result.rows += rows.length;
        opts.onProgress?.(result.rows);
        if (rows.length > 0) {
          const f = faultAfterPage;
          faultAfterPage = undefined;
          f?.('after-page');
        }
        const total = typeof data.total === 'number' ? data.total : undefined;
        if (list.length < PAGE_SIZE || (total !== undefined && page * PAGE_SIZE >= total)) break;
      }
      atBoundary = nextBoundary;
    }
    await writer.end();
    if (file) await commitFile(opts.owner, file, undefined, opts.fault);
  } catch (err) {
    await file?.abort();
    throw err;
  }
  return result;
}

export function senselinkFailure(result: SenselinkExportResult): PartialError | undefined {
  const n = result.images.failed.length;
  return n > 0 ? new PartialError(`${n} snapshots could not be saved`) : undefined;
}
