/**
 * `log recog export` / `log operate export`: devices walked concurrently, every row written once by
 * one writer, to an atomic file or stdout, with an optional state file that moves forward only after
 * the output is safely written. See recog-walk.ts and operate-walk.ts for the consistency rules.
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { DEFAULT_TIME_ZONE, formatApiDateTime, parseApiDateTime } from '../../core/dates.js';
import { DEVICE_REFUSED, PartialError, UsageError } from '../../core/errors.js';
import type { WireParams } from '../../core/params/index.js';
import { settleLimited } from '../../core/pool.js';
import { type AtomicFile, checkOutputFile, checkOutputFolder, type ProcessProbe } from '../../core/safe-file.js';
import { OPERATE_COLUMNS, RECOG_COLUMNS } from './columns.js';
import { type ExportClient, endpoint } from './export-client.js';
import { commitFile, commitMarks, type Fault, type Marks, settlePending } from './export-commit.js';
import {
  assertStateWritable,
  type ExportState,
  loadState,
  lockFile,
  type OperateMark,
  type PictureRetry,
  type RecogMark,
} from './export-state.js';
import { failureLines } from './failure-lines.js';
import { newOperateStats, walkOperatePages } from './operate-walk.js';
import { DEFAULT_OVERLAP_MS, MAX_WINDOW_KEYS } from './operate-window.js';
import { checkOutTarget, openOutFile } from './out-file.js';
import { retryPictures } from './picture-retry.js';
import { newPictureStats, type PictureStats, savePictures } from './picture-saver.js';
import { newWalkStats, type RecogPage, rowId, walkRecogPages } from './recog-walk.js';
import {
  type CsvEncoding,
  type CsvSafetyOptions,
  createRowWriter,
  type ExportFormat,
  type RowWriter,
} from './row-writer.js';
import { fileSink, streamSink } from './sinks.js';

export type LogKind = 'recog' | 'operate';

export interface LogExportOptions {
  kind: LogKind;
  serials: readonly string[];
  from?: Date;
  to?: Date;
  format: ExportFormat;
  /** File written atomically; stdout when absent. */
  out?: string;
  /** `--append`: add the rows to `out` (out-file.ts); `--overwrite`: replace it even with a state file. */
  append?: boolean;
  overwrite?: boolean;
  bom?: boolean;
  encoding?: CsvEncoding;
  /** CSV: formula escaping and CP932 replacement/reporting (row-writer). */
  csv?: CsvSafetyOptions;
  /** The list endpoint's filters (registry `filter: true`, e.g. personCode), validated, sent with every page. */
  filters?: WireParams;
  sync?: boolean;
  statePath?: string;
  /** Operation logs with `--state`: how far before the mark each run reads again (default 10 minutes). */
  overlapMs?: number;
  pictures?: { dir: string; expires?: number };
  /** Devices exported at once (default 4). */
  concurrency?: number;
  /**
   * Recognition logs: pages of one device asked for at once (default DEFAULT_PAGE_CONCURRENCY; 1:
   * one page ahead). Rows are still written in page order, each once (page-rounds.ts).
   */
  pageConcurrency?: number;
  now: Date;
  /** The cloud's IANA zone the wire times are written and read in (default Asia/Tokyo). */
  zone?: string;
  signal: AbortSignal;
  /** The writing process (Context): temporary files of the output, the state and the pictures. */
  owner: ProcessProbe;
  stdout: Writable;
  /** Test-only fault points (FACETCTL_FAULT): see export-commit.ts. */
  fault?: Fault;
  /** A status line for stderr. */
  note: (line: string) => void;
  /** Progress after each page (rows written so far). */
  onProgress?: (rowsWritten: number) => void;
}

export interface DeviceOutcome {
  serialNo: string;
  rows: number;
  error?: unknown;
  /** `--sync` failed for this device; its rows are what the cloud had. */
  syncFailed?: boolean;
}

export interface LogExportResult {
  rows: number;
  devices: DeviceOutcome[];
  pictures?: PictureStats;
  preliminarySkipped: number;
}

/**
 * Pages of one device in flight by default: a cloud 50 ms away answers a page in about the time the
 * export needs to write eight, so eight keep both busy; with the 4 devices at once, at most 32 page
 * requests (and 4 `latest=1` witnesses) are out together.
 */
export const DEFAULT_PAGE_CONCURRENCY = 8;

/** Preliminary records older than this, relative to the newest row, are no longer waited for. */
const RECHECK_HORIZON_MS = 10 * 60_000;
/** Ids of this run's newest rows kept in memory for the re-check list; beyond it they are read back. */
const RECENT_KEPT = 10_000;

interface DeviceJob {
  client: ExportClient;
  serialNo: string;
  writer: RowWriter;
  opts: LogExportOptions;
  pictures?: PictureStats;
  /** Called after each page written (the `after-page` fault point fires once). */
  onPage: () => void;
}

interface DeviceRun {
  rows: number;
  preliminary: number;
  syncFailed?: boolean;
  recogMark?: RecogMark;
  operateMark?: OperateMark;
}

function apiTime(d: Date, zone: string | undefined): string {
  return formatApiDateTime(d, zone ?? DEFAULT_TIME_ZONE);
}

/** `--sync` first; whether it failed (a requested step: the run ends partial, exit 3). */
async function syncFirst(job: DeviceJob): Promise<boolean> {
  if (!job.opts.sync) return false;
  try {
    await job.client.json(endpoint('device.sync'), { serialNo: job.serialNo }, { signal: job.opts.signal });
    return false;
  } catch (err) {
    if (job.opts.signal.aborted) throw err;
    // The cloud still holds what it received; exporting that is better than exporting nothing.
    const message = (err as Error).message;
    const hint = DEVICE_REFUSED.test(message)
      ? ' (AI cameras do not support device sync: export them without --sync)'
      : '';
    job.opts.note(
      `${job.serialNo}: sync failed, exporting what the cloud has (the run will exit 3): ${message}${hint}`,
    );
    return true;
  }
}

/** The newest id when the export starts: rows above it belong to the next run. */
async function readUpperBound(job: DeviceJob): Promise<{ id: number; time?: string }> {
  const ep = endpoint('log.getRecogLog');
  const latest = await job.client.json<RecogPage>(
    ep,
    { serialNo: job.serialNo, latest: '1' },
    { signal: job.opts.signal },
  );
  const known = (latest.list ?? []).filter((r) => rowId(r) !== null);
  if (known.length > 0) return { id: rowId(known[0]) as number, time: known[0].time };
  if ((latest.list ?? []).length === 0) return { id: 0 };
  // The newest record is preliminary (no id yet): the first page holds the newest known id.
  const first = await job.client.json<RecogPage>(
    ep,
    { serialNo: job.serialNo, pageNo: '1' },
    { signal: job.opts.signal },
  );
  let best: { id: number; time?: string } = { id: 0 };
  for (const r of first.list ?? []) {
    const id = rowId(r);
    if (id !== null && id > best.id) best = { id, time: r.time };
  }
  return best;
}

/**
 * The witness of the page rounds (page-rounds.ts): the device's newest record (`latest=1`, which
 * ignores the filters, so it sees every arrival). Rows arrive only at the top, with a larger id or as
 * a new preliminary record, so the same record before and after a round means none arrived.
 */
function newestRecord(job: DeviceJob): () => Promise<string> {
  return async () => {
    const latest = await job.client.json<RecogPage>(
      endpoint('log.getRecogLog'),
      { serialNo: job.serialNo, latest: '1' },
      { signal: job.opts.signal },
    );
    const row = latest.list?.[0];
    // Not the picture URL: it is signed anew for every answer.
    return row
      ? JSON.stringify([row.id, row.time, row.personCode ?? null, row.accessType ?? null, row.cardNo ?? null])
      : '';
  };
}

async function exportRecogDevice(job: DeviceJob, mark: RecogMark | undefined): Promise<DeviceRun> {
  const { client, serialNo, opts } = job;
  const ep = endpoint('log.getRecogLog');
  const syncFailed = await syncFirst(job);
  const bound = await readUpperBound(job);
  const base: WireParams = { ...opts.filters, serialNo };
  if (opts.to) base.recogTimeTo = apiTime(opts.to, opts.zone);
  if (opts.pictures?.expires) base.pictureExpires = String(opts.pictures.expires);
  const recentFrom = bound.time ? shiftApiTime(bound.time, -RECHECK_HORIZON_MS, opts.zone) : undefined;
  const recent: { id: number; time: string }[] = [];
  let recentOverflow = false;
  let rows = 0;
  const preliminary: string[] = [];
  const inFlight = opts.pageConcurrency ?? DEFAULT_PAGE_CONCURRENCY;
  const witness = newestRecord(job);

  const pass = async (wire: WireParams, upperId: number, floorId: number, accept?: (id: number) => boolean) => {
    const fetchPage = (pageNo: number) =>
      client.json<RecogPage>(ep, { ...wire, pageNo: String(pageNo) }, { signal: opts.signal });
    const stats = newWalkStats();
    const walk = walkRecogPages(fetchPage, { upperId, floorId, accept, inFlight, witness }, stats);
    for await (const step of walk) {
      if (step.rows.length === 0) continue;
      if (opts.pictures && job.pictures) {
        await savePictures({
          client,
          dir: opts.pictures.dir,
          serialNo,
          rows: step.rows,
          page: step.page,
          refetch: () => fetchPage(step.pageNo),
          stats: job.pictures,
          owner: opts.owner,
          signal: opts.signal,
        });
      }
      await job.writer.writeRows(step.rows, serialNo);
      rows += step.rows.length;
      opts.onProgress?.(job.writer.rowsWritten);
      job.onPage();
      for (const r of step.rows) {
        if (recentFrom && String(r.time) >= recentFrom) {
          if (recent.length < RECENT_KEPT) recent.push({ id: rowId(r) as number, time: String(r.time) });
          else recentOverflow = true;
        }
      }
    }
    preliminary.push(...stats.preliminaryTimes);
  };

  if (opts.pictures && job.pictures && mark?.pictureRetry?.length) {
    const { recogTimeTo: _to, ...retryBase } = base;
    await retryPictures({
      client,
      dir: opts.pictures.dir,
      serialNo,
      owner: opts.owner,
      pending: mark.pictureRetry,
      base: retryBase,
      stats: job.pictures,
      signal: opts.signal,
      note: opts.note,
    });
  }
  const floorId = mark?.lastId ?? 0;
  const main: WireParams = { ...base };
  if (opts.from && !mark) main.recogTimeFrom = apiTime(opts.from, opts.zone);
  if (bound.id > floorId) await pass(main, bound.id, floorId);
  if (main.recogTimeFrom && opts.statePath && bound.id > 0) await nameRowsBefore(job, base, main.recogTimeFrom);
  if (mark?.recheck) {
    const done = new Set(mark.recheck.ids);
    await pass({ ...base, recogTimeFrom: mark.recheck.from }, floorId, 0, (id) => !done.has(id));
  }
  const recheckFrom = preliminary.length > 0 ? oldestAwaited(preliminary, recentFrom, job) : undefined;
  // Past the memory cap the ids of this run are read back from the cloud instead (all are written by now).
  const earlier = !recheckFrom
    ? []
    : recentOverflow
      ? await idsExportedBefore(job, base, recheckFrom, Math.max(floorId, bound.id), undefined)
      : floorId > 0 && !(mark?.recheck && recheckFrom >= mark.recheck.from)
        ? await idsExportedBefore(job, base, recheckFrom, floorId, mark?.recheck?.from)
        : [];
  return {
    rows,
    syncFailed,
    preliminary: preliminary.length,
    recogMark: withPictureRetry(nextRecogMark(mark, bound, recheckFrom, [...recent, ...earlier]), job, mark),
  };
}

/**
 * A first run with `--from` and `--state`: the mark moves to the newest id, past every row dated
 * before `--from`. Device clocks can be wrong (a log made today dated 2000/01/01), so those rows are
 * counted and named on stderr rather than skipped silently.
 */
async function nameRowsBefore(job: DeviceJob, base: WireParams, from: string): Promise<void> {
  const start = parseApiDateTime(from, job.opts.zone ?? DEFAULT_TIME_ZONE);
  if (!start) return;
  const { recogTimeTo: _to, ...rest } = base;
  const page = await job.client.json<RecogPage>(
    endpoint('log.getRecogLog'),
    { ...rest, recogTimeTo: apiTime(new Date(start.getTime() - 1000), job.opts.zone), pageNo: '1' },
    { signal: job.opts.signal },
  );
  const n = typeof page.rows === 'number' ? page.rows : (page.list ?? []).length;
  if (n > 0) {
    job.opts.note(
      `${job.serialNo}: ${n} recognition log(s) dated before --from ${from} were not exported, and the state now starts after them (check the device's clock if they are recent)`,
    );
  }
}

/** Rows written without their picture stay listed until a run with `--pictures` saves it. */
function withPictureRetry(next: RecogMark | undefined, job: DeviceJob, mark: RecogMark | undefined) {
  const pending = job.pictures
    ? uniqueById(job.pictures.failed.filter((f) => f.serialNo === job.serialNo).map(({ id, time }) => ({ id, time })))
    : (mark?.pictureRetry ?? []);
  if (!next) return pending.length > 0 ? { lastId: 0, pictureRetry: pending } : next;
  const { pictureRetry: _old, ...rest } = next;
  return pending.length > 0 ? { ...rest, pictureRetry: pending } : rest;
}

function uniqueById(list: PictureRetry[]): PictureRetry[] {
  const seen = new Map<number, PictureRetry>();
  for (const p of list) seen.set(p.id, p);
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

/**
 * Ids at or after `from` that earlier runs exported (id ≤ floorId). The next run's re-check pass
 * looks at every row from `from` on, and rows sharing a second with a preliminary one were often
 * exported by an earlier run: without their ids they would be written again. Rows at or after the
 * previous re-check's start are already covered by its list and by this run's re-check pass.
 */
async function idsExportedBefore(
  job: DeviceJob,
  base: WireParams,
  from: string,
  floorId: number,
  coveredFrom: string | undefined,
): Promise<{ id: number; time: string }[]> {
  const ep = endpoint('log.getRecogLog');
  const fetchPage = (pageNo: number) =>
    job.client.json<RecogPage>(
      ep,
      { ...base, recogTimeFrom: from, pageNo: String(pageNo) },
      { signal: job.opts.signal },
    );
  const found: { id: number; time: string }[] = [];
  const walk = walkRecogPages(fetchPage, {
    upperId: floorId,
    floorId: 0,
    inFlight: job.opts.pageConcurrency ?? DEFAULT_PAGE_CONCURRENCY,
    witness: newestRecord(job),
  });
  for await (const step of walk) {
    for (const r of step.rows) {
      const time = String(r.time);
      if (coveredFrom === undefined || time < coveredFrom) found.push({ id: rowId(r) as number, time });
    }
  }
  return found;
}

function shiftApiTime(wire: string, ms: number, zone: string | undefined): string | undefined {
  const d = parseApiDateTime(wire, zone ?? DEFAULT_TIME_ZONE);
  return d ? apiTime(new Date(d.getTime() + ms), zone) : undefined;
}

/** The start of the next run's re-check: the oldest preliminary record still worth waiting for. */
function oldestAwaited(preliminary: string[], recentFrom: string | undefined, job: DeviceJob): string {
  // Wire times compare as text (fixed width), so the first in sort order is the oldest.
  const from = [...preliminary].sort()[0];
  if (recentFrom && from < recentFrom) {
    const given = preliminary.filter((t) => t < recentFrom).length;
    job.opts.note(
      `${job.serialNo}: ${given} preliminary record(s) from ${from} on still have no id; records older than ${recentFrom} are no longer waited for and will not be exported`,
    );
    return recentFrom;
  }
  return from;
}

function nextRecogMark(
  mark: RecogMark | undefined,
  bound: { id: number; time?: string },
  recheckFrom: string | undefined,
  exported: { id: number; time: string }[],
): RecogMark | undefined {
  const lastId = Math.max(mark?.lastId ?? 0, bound.id);
  if (lastId === 0 && recheckFrom === undefined) return mark;
  const next: RecogMark = { lastId, lastTime: bound.id >= (mark?.lastId ?? 0) ? bound.time : mark?.lastTime };
  if (recheckFrom === undefined) return next;
  const ids = new Set<number>(mark?.recheck?.ids ?? []);
  for (const r of exported) if (r.time >= recheckFrom) ids.add(r.id);
  next.recheck = { from: recheckFrom, ids: [...ids].sort((a, b) => a - b) };
  return next;
}

async function exportOperateDevice(job: DeviceJob, mark: OperateMark | undefined): Promise<DeviceRun> {
  const { client, serialNo, opts } = job;
  const ep = endpoint('log.getOperateLog');
  const zone = opts.zone ?? DEFAULT_TIME_ZONE;
  const syncFailed = await syncFirst(job);
  const startSecond = apiTime(opts.now, opts.zone);
  const upperTime = opts.to && apiTime(opts.to, opts.zone) < startSecond ? apiTime(opts.to, opts.zone) : startSecond;
  const wire: WireParams = { ...opts.filters, serialNo, operateTimeTo: upperTime };
  const floorFrom = mark ? (mark.windowFrom ?? mark.lastTime) : opts.from ? apiTime(opts.from, opts.zone) : undefined;
  if (floorFrom) wire.operateTimeFrom = floorFrom;
  const overlapMs = opts.overlapMs ?? DEFAULT_OVERLAP_MS;
  const windowStart = (lastTime: string): string => {
    const t = parseApiDateTime(lastTime, zone);
    return t ? apiTime(new Date(t.getTime() - overlapMs), zone) : lastTime;
  };
  // Counted before the walk: a row that arrives during it, dated before the floor, is named next run.
  const before = !opts.statePath ? undefined : floorFrom ? await countBefore(job, floorFrom) : 0;
  const fetchPage = (pageNo: number) => client.json(ep, { ...wire, pageNo: String(pageNo) }, { signal: opts.signal });
  const stats = newOperateStats();
  let rows = 0;
  for await (const step of walkOperatePages(fetchPage, { upperTime, floor: mark, windowStart }, stats)) {
    if (step.rows.length === 0) continue;
    await job.writer.writeRows(step.rows, serialNo);
    rows += step.rows.length;
    opts.onProgress?.(job.writer.rowsWritten);
    job.onPage();
  }
  // Past --to is the user's choice; past the start second it is a clock running ahead.
  if (upperTime === startSecond) await nameRowsAfter(job, upperTime);
  const window = stats.window;
  if (!opts.statePath) return { rows, preliminary: 0, syncFailed };
  // A first run that found nothing in its window still marks where the window began, as recognition
  // logs do: the next run must not read the rows before it (the whole history) as new.
  const startMark: OperateMark | undefined =
    !mark && floorFrom
      ? {
          lastTime: floorFrom,
          keys: [],
          windowFrom: floorFrom,
          ...(before !== undefined ? { rowsBefore: before } : {}),
        }
      : undefined;
  if (!window) return { rows, preliminary: 0, operateMark: mark ?? startMark, syncFailed };
  if (window.late > 0 && mark) {
    opts.note(
      `${serialNo}: ${window.late} operation log(s) dated at or before the previous run's mark (${mark.lastTime}) reached the cloud late (device clock behind): exported now, once`,
    );
  }
  if (mark?.rowsBefore !== undefined && before !== undefined && before > mark.rowsBefore) {
    const minutes = Math.round(overlapMs / 60_000);
    opts.note(
      `${serialNo}: ${before - mark.rowsBefore} operation log(s) dated before ${floorFrom} reached the cloud after the previous run, later than the overlap window (${minutes} min) covers: not exported; widen it (e.g. --overlap 1h) to catch such rows in later runs, and export that range with --from/--to (no --state) to see them now`,
    );
  }
  if (window.capped) {
    opts.note(
      `${serialNo}: more than ${MAX_WINDOW_KEYS} operation logs in the overlap window: the state remembers only the newest seconds`,
    );
  }
  return { rows, preliminary: 0, operateMark: window.nextMark(before) ?? mark ?? startMark, syncFailed };
}

/**
 * How many operation logs (with the export's filters) the cloud holds dated before `time`: the
 * `rows` of one page. Undefined when the answer has no count.
 */
async function countBefore(job: DeviceJob, time: string): Promise<number | undefined> {
  const zone = job.opts.zone ?? DEFAULT_TIME_ZONE;
  const t = parseApiDateTime(time, zone);
  if (!t) return undefined;
  const page = await job.client.json<{ rows?: number }>(
    endpoint('log.getOperateLog'),
    {
      ...job.opts.filters,
      serialNo: job.serialNo,
      operateTimeTo: apiTime(new Date(t.getTime() - 1000), zone),
      pageNo: '1',
    },
    { signal: job.opts.signal },
  );
  return typeof page.rows === 'number' ? page.rows : undefined;
}

/**
 * Operation logs dated after the second this run stopped at (device clocks ahead of the cloud's) are
 * not written now: counted and named on stderr. The state stays at or before `upperTime`, so a later
 * run exports them once their time has passed.
 */
async function nameRowsAfter(job: DeviceJob, upperTime: string): Promise<void> {
  const upper = parseApiDateTime(upperTime, job.opts.zone ?? DEFAULT_TIME_ZONE);
  if (!upper) return;
  const page = await job.client.json<{ rows?: number; list?: unknown[] }>(
    endpoint('log.getOperateLog'),
    { serialNo: job.serialNo, operateTimeFrom: apiTime(new Date(upper.getTime() + 1000), job.opts.zone), pageNo: '1' },
    { signal: job.opts.signal },
  );
  const n = typeof page.rows === 'number' ? page.rows : (page.list ?? []).length;
  if (n > 0) {
    job.opts.note(
      `${job.serialNo}: ${n} operation log(s) are dated after ${upperTime} (the cloud's clock; the device's may be ahead): not exported by this run${job.opts.statePath ? '; the state stays before them' : ''}`,
    );
  }
}

async function openOutput(opts: LogExportOptions): Promise<{ writer: RowWriter; file?: AtomicFile }> {
  const columns = opts.kind === 'recog' ? RECOG_COLUMNS : OPERATE_COLUMNS;
  const writerOpts = {
    format: opts.format,
    columns,
    bom: opts.bom,
    encoding: opts.encoding,
    ...opts.csv,
    rowLabel: (row: Record<string, unknown>) =>
      opts.kind === 'recog'
        ? `${String(row.serialNo)} log ${String(row.id)}`
        : `${String(row.serialNo)} operation at ${String(row.operateTime)}`,
  };
  if (!opts.out) return { writer: await createRowWriter(streamSink(opts.stdout), writerOpts) };
  const { file, continuing, lineEnd } = await openOutFile(opts.owner, { out: opts.out, append: opts.append });
  return { writer: await createRowWriter(fileSink(file), { ...writerOpts, continuing, lineEnd }), file };
}

/** The paths and choices checkExportPaths looks at. */
export type ExportPaths = Pick<
  LogExportOptions,
  'kind' | 'format' | 'out' | 'append' | 'overwrite' | 'statePath' | 'pictures' | 'csv' | 'encoding'
>;

/** What `--out` already holds, against `--append`, `--overwrite` and `--state` (out-file.ts). */
function checkOut(opts: ExportPaths & { out: string }): Promise<void> {
  return checkOutTarget({
    out: opts.out,
    format: opts.format,
    columns: opts.kind === 'recog' ? RECOG_COLUMNS : OPERATE_COLUMNS,
    escapeFormulas: opts.csv?.escapeFormulas,
    append: opts.append,
    overwrite: opts.overwrite,
    incremental: opts.statePath !== undefined,
    encoding: opts.encoding,
  });
}

/**
 * `--out` (with what it holds: out-file.ts), `--state` and `--pictures` checked (UsageError naming
 * the flag, exit 2); commands call it before their first request (`--all-devices` lists devices
 * first), runLogExport again.
 */
export async function checkExportPaths(opts: ExportPaths): Promise<void> {
  if (opts.append && !opts.out) throw new UsageError('--append needs --out FILE (stdout cannot be added to)');
  if (opts.out && opts.statePath && resolve(opts.out) === resolve(opts.statePath)) {
    throw new UsageError(`--out and --state name the same file (${opts.out}): the rows would replace the marks`);
  }
  if (opts.out) {
    await checkOutputFile(opts.out, '--out', { dashIsStdout: true });
    await checkOut({ ...opts, out: opts.out });
  }
  if (opts.statePath) {
    await assertStateWritable(opts.statePath);
    // A state that cannot be read is an unusable --state (exit 2), found before anything is sent.
    await loadState(opts.statePath).catch((err: Error) => {
      throw new UsageError(`--state: ${err.message}`);
    });
  }
  if (opts.pictures) await checkOutputFolder(opts.pictures.dir, '--pictures');
}

/**
 * A commit left pending by a killed run is settled before the marks are read (see export-commit.ts);
 * the paths were checked before (runLogExport). Settling may put the killed run's rows at `--out`:
 * that FILE is checked again.
 */
async function prepare(opts: LogExportOptions): Promise<ExportState | undefined> {
  if (!opts.statePath) return undefined;
  const settled = await settlePending(opts.owner, opts.statePath, opts.kind, opts.note);
  if (settled === 'completed' && opts.out) await checkOut({ ...opts, out: opts.out });
  return loadState(opts.statePath);
}

export async function runLogExport(client: ExportClient, opts: LogExportOptions): Promise<LogExportResult> {
  await checkExportPaths(opts);
  // One run at a time per state file, and per file --append adds to (export-state.ts lockFile).
  const unlocks: (() => Promise<void>)[] = [];
  try {
    if (opts.statePath)
      unlocks.push(
        await lockFile(opts.owner, opts.statePath, '--state', 'using this state file (an export or a tail)'),
      );
    if (opts.append && opts.out)
      unlocks.push(await lockFile(opts.owner, opts.out, '--out', 'adding rows to this file (--append)'));
    return await runLocked(client, opts);
  } finally {
    for (const unlock of unlocks.reverse()) await unlock();
  }
}

async function runLocked(client: ExportClient, opts: LogExportOptions): Promise<LogExportResult> {
  const state = await prepare(opts);
  // Each request in flight listens to the signal: devices × (pages + the witness), and a margin.
  const listeners = (opts.concurrency ?? 4) * ((opts.pageConcurrency ?? DEFAULT_PAGE_CONCURRENCY) + 2) + 10;
  if (getMaxListeners(opts.signal) < listeners) setMaxListeners(listeners, opts.signal);
  const { writer, file } = await openOutput(opts);
  const pictures = opts.pictures ? newPictureStats() : undefined;
  const runs = new Map<string, DeviceRun>();
  let settled: PromiseSettledResult<DeviceRun>[];
  let faultAfterPage = opts.fault;
  const onPage = () => {
    const f = faultAfterPage;
    faultAfterPage = undefined;
    f?.('after-page');
  };
  try {
    settled = await settleLimited(opts.serials, opts.concurrency ?? 4, async (serialNo) => {
      const job: DeviceJob = { client, serialNo, writer, opts, pictures, onPage };
      const run =
        opts.kind === 'recog'
          ? await exportRecogDevice(job, state?.recog[serialNo])
          : await exportOperateDevice(job, state?.operate[serialNo]);
      runs.set(serialNo, run);
      return run;
    });
    if (opts.signal.aborted) throw opts.signal.reason ?? new Error('aborted');
    const failed = settled.filter((s) => s.status === 'rejected');
    // A file with some devices missing would move no marks and hide the failure: keep all-or-nothing.
    if (file && failed.length > 0) {
      settled.forEach((s, i) => {
        if (s.status !== 'rejected') return;
        for (const line of failureLines(opts.serials[i], s.reason)) opts.note(line);
      });
      opts.note(`${failed.length} of ${opts.serials.length} device(s) failed, so nothing was written to ${opts.out}`);
      throw (failed[0] as PromiseRejectedResult).reason;
    }
    await writer.end();
    const marks = state && opts.statePath ? { path: opts.statePath, kind: opts.kind, marks: marksOf(runs) } : undefined;
    if (file) await commitFile(opts.owner, file, marks, opts.fault);
    else if (marks) {
      // Every byte was handed to stdout: from here a kill repeats these rows (at-least-once).
      opts.fault?.('after-flush');
      await commitMarks(opts.owner, marks.path, marks.kind, marks.marks);
      opts.fault?.('after-state');
    }
  } catch (err) {
    await file?.abort();
    throw err;
  }
  const devices: DeviceOutcome[] = opts.serials.map((serialNo, i) => {
    const s = settled[i];
    if (s.status === 'rejected') return { serialNo, rows: 0, error: s.reason };
    return s.value.syncFailed ? { serialNo, rows: s.value.rows, syncFailed: true } : { serialNo, rows: s.value.rows };
  });
  const result: LogExportResult = {
    rows: writer.rowsWritten,
    devices,
    pictures,
    preliminarySkipped: [...runs.values()].reduce((n, r) => n + r.preliminary, 0),
  };
  return result;
}

function marksOf(runs: Map<string, DeviceRun>): Marks {
  const marks: Required<Marks> = { recog: {}, operate: {} };
  for (const [serialNo, run] of runs) {
    if (run.recogMark) marks.recog[serialNo] = run.recogMark;
    if (run.operateMark) marks.operate[serialNo] = run.operateMark;
  }
  return marks;
}

/** Exit status of a finished export: partial when some devices, syncs or pictures failed. */
export function exportFailure(result: LogExportResult): Error | undefined {
  const failed = result.devices.filter((d) => d.error !== undefined);
  if (failed.length > 0 && failed.length === result.devices.length) return failed[0].error as Error;
  const pictureFailures = result.pictures?.failed.length ?? 0;
  const syncFailures = result.devices.filter((d) => d.syncFailed).length;
  if (failed.length > 0 || pictureFailures > 0 || syncFailures > 0) {
    const parts: string[] = [];
    if (failed.length > 0) parts.push(`${failed.length} of ${result.devices.length} devices failed`);
    if (syncFailures > 0) parts.push(`sync failed for ${syncFailures} of ${result.devices.length} devices`);
    if (pictureFailures > 0) parts.push(`${pictureFailures} pictures could not be saved`);
    return new PartialError(parts.join('; '));
  }
  return undefined;
}
