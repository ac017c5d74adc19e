/**
 * `log recog tail` / `log operate tail`: the newest rows of one or more devices, then (with
 * `follow`) new rows as they reach the cloud, each printed once.
 *
 * The consistency rules are the exports' (src/workflows/export/recog-walk.ts, operate-walk.ts): a
 * poll is an export walk from the device's high-water mark to the top, with the same
 * de-duplication (rows pushed down while a page is read are repeats), the same step back when rows
 * were deleted above the page, and the same treatment of preliminary records (id null): never
 * printed, never passed by the mark; the cloud gives them an id larger than every earlier one when
 * the device finishes, so a later poll prints them. A walk's rows are printed oldest first once the
 * walk has reached the mark, so the output reads like `tail -f`.
 *
 * Requests: while polling, every request of a device (the first page of a poll and any further page)
 * waits for that device's pacer, so a device gets at most one request per `intervalMs`, however many
 * rows arrive; a burst is caught up over the next intervals, never by a burst of requests. The first
 * round (the last N rows) is a one-time read and is not paced; the first poll waits a full interval.
 *
 * State: `statePath` is the exports' state file (export-state.ts; same format, same atomic writer),
 * saved after each poll whose rows have been written, so a restarted tail continues after the last
 * row it printed (and an export can continue from a tail's state, or the reverse).
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatApiDateTime } from '../../core/dates.js';
import { isDeviceFailure } from '../../core/errors.js';
import type { WireParams } from '../../core/params/index.js';
import { isRetryable } from '../../core/retry.js';
import type { ProcessProbe } from '../../core/safe-file.js';
import { type ExportClient, endpoint } from '../export/export-client.js';
import {
  assertStateWritable,
  type ExportState,
  loadState,
  lockFile,
  type OperateMark,
  type RecogMark,
  saveState,
} from '../export/export-state.js';
import { newOperateStats, type OperatePage, type OperateRow, walkOperatePages } from '../export/operate-walk.js';
import { operateKey } from '../export/operate-window.js';
import { type RecogPage, type RecogRow, rowId, walkRecogPages } from '../export/recog-walk.js';

export type TailKind = 'recog' | 'operate';

export interface TailOptions {
  kind: TailKind;
  serials: readonly string[];
  /** Rows printed per device when it has no mark yet (the last N). */
  lines: number;
  follow: boolean;
  /** Least time between two requests to one device. */
  intervalMs: number;
  /** The cloud's IANA zone: `now` is sent as its wall clock (operation logs' upper bound; default Asia/Tokyo). */
  zone?: string;
  statePath?: string;
  /** The writing process (Context), for the state file's temporary. */
  owner: ProcessProbe;
  now: () => Date;
  signal: AbortSignal;
  /** Writes rows (already in print order) and resolves when they are written. */
  write: (rows: { serialNo: string; row: Record<string, unknown> }[]) => Promise<void>;
  note: (line: string) => void;
  /**
   * A device failed (called once per device, before the run goes on or stops). A device whose first
   * request of the run fails alone (`isDeviceFailure`: a serial not in the contract) is dropped and the
   * others are tailed; a later failure of a device stops the run (a follower that silently lost a
   * device would look healthy), except a transient one under `follow` (ridden out) and a device that
   * left the contract under `listDevices` (dropped, named).
   */
  deviceFailed?: (serialNo: string, err: unknown, dropped: boolean) => void;
  /**
   * `--all-devices`: the devices of the contract now. With `follow` it is asked again every ten
   * intervals (at least every 10 s): new devices are followed too (from their last `lines` rows), and
   * a device that leaves the contract is dropped instead of stopping the run.
   */
  listDevices?: () => Promise<readonly string[]>;
}

/** What a run did: rows printed, and the devices dropped because their first request failed. */
export interface TailResult {
  rows: number;
  dropped: { serialNo: string; error: unknown }[];
}

/**
 * One request per interval per device: `wait()` resolves when the next request may go; `now()`
 * records a request sent without waiting (the first round, a one-time read like `log recog list`),
 * so the first poll after it still keeps the interval.
 */
function pacer(intervalMs: number, signal: AbortSignal) {
  let last = Number.NEGATIVE_INFINITY;
  return {
    async wait() {
      const due = last + intervalMs - Date.now();
      if (due > 0) await sleep(due, undefined, { signal });
      last = Date.now();
    },
    now() {
      last = Date.now();
    },
  };
}

interface DeviceTail {
  serialNo: string;
  /** Some request of this run answered: from then on a failure stops the run. */
  answered?: boolean;
  pace: ReturnType<typeof pacer>;
  recog?: RecogMark;
  operate?: OperateMark;
}

/** The longest wait between two tries while a device's logs cannot be read (`--follow`). */
const OUTAGE_MAX_WAIT_MS = 5 * 60_000;

/** Waits `ms`; false when the signal stopped the wait. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Runs until done (without follow) or until the signal aborts; the last state is saved. */
export async function runTail(client: ExportClient, given: TailOptions): Promise<TailResult> {
  // One device failing stops the others (a tail that silently lost a device would look healthy).
  const stop = new AbortController();
  // Every request in flight listens to the signal: a few per device, and devices found later too.
  setMaxListeners(given.listDevices ? 0 : Math.max(10, given.serials.length * 4 + 10), stop.signal);
  const onAbort = () => stop.abort(given.signal.reason);
  given.signal.addEventListener('abort', onAbort, { once: true });
  const opts: TailOptions = { ...given, signal: stop.signal };
  try {
    return await tailAll(client, opts, (err) => stop.abort(err));
  } finally {
    given.signal.removeEventListener('abort', onAbort);
  }
}

async function tailAll(client: ExportClient, opts: TailOptions, fail: (err: unknown) => void): Promise<TailResult> {
  let state: ExportState | undefined;
  let unlock: (() => Promise<void>) | undefined;
  if (opts.statePath) {
    await assertStateWritable(opts.statePath);
    // One run at a time per state file, as the exports (a tail and a cron export sharing one would
    // each print or write the same rows, and overwrite each other's marks); the state is read once
    // the lock is held.
    unlock = await lockFile(opts.owner, opts.statePath, '--state', 'using this state file (an export or a tail)');
  }
  try {
    if (opts.statePath) state = await loadState(opts.statePath);
    return await tailLocked(client, opts, fail, state);
  } finally {
    await unlock?.();
  }
}

async function tailLocked(
  client: ExportClient,
  opts: TailOptions,
  fail: (err: unknown) => void,
  state: ExportState | undefined,
): Promise<TailResult> {
  let rows = 0;
  const deviceParam = endpoint(opts.kind === 'recog' ? 'log.getRecogLog' : 'log.getOperateLog').deviceParam;
  const dropped: TailResult['dropped'] = [];
  // A device whose first request fails alone is named and left out; the others go on.
  const dropOrFail = (t: DeviceTail, err: unknown): boolean => {
    if (opts.signal.aborted) return false;
    // Following every device, the set is the contract's: a device that leaves it is dropped, not fatal.
    const drop = (!t.answered || (opts.follow && opts.listDevices !== undefined)) && isDeviceFailure(err, deviceParam);
    opts.deviceFailed?.(t.serialNo, err, drop);
    if (drop) dropped.push({ serialNo: t.serialNo, error: err });
    return drop;
  };
  // Saving is serialised so two devices' polls never write the file at the same time.
  let saving: Promise<void> = Promise.resolve();
  const save = (t: DeviceTail) => {
    const path = opts.statePath;
    if (!path) return Promise.resolve();
    saving = saving.then(async () => {
      const fresh = await loadState(path);
      if (t.recog) fresh.recog[t.serialNo] = t.recog;
      if (t.operate) fresh.operate[t.serialNo] = t.operate;
      await saveState(opts.owner, path, fresh);
    });
    return saving;
  };
  const tails: DeviceTail[] = opts.serials.map((serialNo) => ({
    serialNo,
    pace: pacer(opts.intervalMs, opts.signal),
    recog: state?.recog[serialNo],
    operate: state?.operate[serialNo],
  }));
  const emit = async (t: DeviceTail, list: Record<string, unknown>[]) => {
    if (list.length > 0) {
      await opts.write(list.map((row) => ({ serialNo: t.serialNo, row })));
      rows += list.length;
    }
  };

  /**
   * `fn` for device `t`; with --follow, a cloud or network that is down for a while (the client's own
   * retries last seconds) is ridden out: noted, waits doubling up to OUTAGE_MAX_WAIT_MS, then `fn`
   * again (the mark holds, so nothing is lost). Undefined when the run stopped meanwhile.
   */
  const ridingOut = async <T>(t: DeviceTail, fn: () => Promise<T>): Promise<{ value: T } | undefined> => {
    let outage: { since: number; tries: number } | undefined;
    for (;;) {
      if (opts.signal.aborted) return undefined;
      try {
        const value = await fn();
        if (outage) {
          opts.note(`${t.serialNo}: reading the logs again after ${Math.round((Date.now() - outage.since) / 1000)} s`);
        }
        return { value };
      } catch (err) {
        if (!opts.follow || !isRetryable(err) || opts.signal.aborted) throw err;
        outage ??= { since: Date.now(), tries: 0 };
        outage.tries++;
        const waitMs = Math.min(OUTAGE_MAX_WAIT_MS, opts.intervalMs * 2 ** Math.min(outage.tries, 10));
        const reason = (err as Error).message.split('\n')[0];
        opts.note(`${t.serialNo}: cannot read the logs (${reason}); trying again in ${Math.round(waitMs / 1000)} s`);
        if (!(await pause(waitMs, opts.signal))) return undefined;
      }
    }
  };
  const lastRows = (t: DeviceTail) =>
    ridingOut(t, () => (opts.kind === 'recog' ? lastRecog(client, t, opts) : lastOperate(client, t, opts)));

  // The first round: the last N rows of every device without a mark, merged in time order.
  const first: { serialNo: string; row: Record<string, unknown>; time: string }[] = [];
  const fresh = new Set<DeviceTail>();
  await Promise.all(
    tails.map(async (t) => {
      const hasMark = opts.kind === 'recog' ? t.recog !== undefined : t.operate !== undefined;
      if (hasMark) return;
      let got: Record<string, unknown>[];
      try {
        const read = await lastRows(t);
        if (!read) return;
        got = read.value;
      } catch (err) {
        if (dropOrFail(t, err)) return;
        throw err;
      }
      t.answered = true;
      fresh.add(t);
      for (const row of got) first.push({ serialNo: t.serialNo, row, time: String(row.time ?? row.operateTime) });
    }),
  );
  first.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const shown = first.slice(Math.max(0, first.length - opts.lines));
  if (shown.length > 0) {
    await opts.write(shown.map(({ serialNo, row }) => ({ serialNo, row })));
    rows += shown.length;
  }
  const live = tails.filter((t) => !dropped.some((d) => d.serialNo === t.serialNo));
  await Promise.all(live.map((t) => save(t)));

  const poll = async (t: DeviceTail) => {
    const got = opts.kind === 'recog' ? await pollRecog(client, t, opts) : await pollOperate(client, t, opts);
    await emit(t, got);
    await save(t);
  };
  // Then what arrived since each device's mark (once, or for ever with follow).
  const follow = async (t: DeviceTail): Promise<void> => {
    // Without follow, a device that just printed its last N rows is done.
    if (!opts.follow && fresh.has(t)) return;
    try {
      for (;;) {
        if (!(await ridingOut(t, () => poll(t)))) return;
        t.answered = true;
        if (!opts.follow) return;
      }
    } catch (err) {
      if (dropOrFail(t, err)) return;
      fail(err);
      throw err;
    }
  };
  const loops: Promise<void>[] = live.map(follow);
  // --all-devices --follow: devices added to the contract while it runs are followed too, from their
  // last -n rows, and a device that leaves it is dropped (named) instead of stopping the others.
  const known = new Set(tails.map((t) => t.serialNo));
  const discovery =
    opts.follow && opts.listDevices
      ? discover(opts, known, async (serialNo) => {
          const t: DeviceTail = { serialNo, pace: pacer(opts.intervalMs, opts.signal) };
          try {
            const read = await lastRows(t);
            if (!read) return;
            t.answered = true;
            await emit(t, read.value);
            await save(t);
          } catch (err) {
            if (dropOrFail(t, err)) return;
            fail(err);
            throw err;
          }
          loops.push(follow(t));
        })
      : undefined;
  const started = loops.length;
  // The discovery ends with the run's signal (Ctrl-C, SIGTERM, or a device's failure through `fail`);
  // then the loops it started are waited for too.
  const settled = await Promise.allSettled(discovery ? [...loops, discovery] : loops);
  settled.push(...(await Promise.allSettled(loops.slice(started))));
  await saving;
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  // The first failure is the cause; the others were stopped by it.
  if (failed) throw opts.signal.reason ?? failed.reason;
  // Stopped between two polls (Ctrl-C, SIGTERM): still a cancellation, exit 130 like the others.
  if (opts.signal.aborted) throw opts.signal.reason ?? new Error('aborted');
  return { rows, dropped };
}

/**
 * How often `--all-devices --follow` lists the devices again: every ten polling intervals, at least
 * every 10 s (one cheap getDevice against a request per device per interval).
 */
const listEveryMs = (intervalMs: number) => Math.max(10_000, 10 * intervalMs);

/**
 * Lists the devices every `listEveryMs` until the run's signal stops it, and starts each
 * serial not in `known` with `start`. A listing that fails is noted and tried again next time.
 */
async function discover(
  opts: TailOptions,
  known: Set<string>,
  start: (serialNo: string) => Promise<void>,
): Promise<void> {
  const list = opts.listDevices;
  if (!list) return;
  while (await pause(listEveryMs(opts.intervalMs), opts.signal)) {
    let serials: readonly string[];
    try {
      serials = await list();
    } catch (err) {
      if (opts.signal.aborted) return;
      opts.note(`cannot list the devices (${(err as Error).message.split('\n')[0]}); trying again later`);
      continue;
    }
    for (const serialNo of serials) {
      if (known.has(serialNo) || opts.signal.aborted) continue;
      known.add(serialNo);
      opts.note(`${serialNo}: a new device; following it too`);
      await start(serialNo);
    }
  }
}

/** The newest N rows of a device with no mark; sets the mark to the newest id the cloud has. */
async function lastRecog(client: ExportClient, t: DeviceTail, opts: TailOptions): Promise<Record<string, unknown>[]> {
  const ep = endpoint('log.getRecogLog');
  const pageSize = ep.paging!.pageSize;
  const out: RecogRow[] = [];
  let top = 0;
  let topTime: string | undefined;
  // One walk, bounded by N rows: de-duplication and step-backs as in the export.
  const pages = Math.max(1, Math.ceil(opts.lines / pageSize));
  // Pages past the N rows are not asked for (the walk's look-ahead would otherwise spend a request).
  const fetchPage = async (pageNo: number): Promise<RecogPage> => {
    if (pageNo > pages) return { list: [] };
    const page = await client.json<RecogPage>(
      ep,
      { serialNo: t.serialNo, pageNo: String(pageNo) },
      { signal: opts.signal },
    );
    t.pace.now();
    return page;
  };
  for await (const step of walkRecogPages(fetchPage, { upperId: Number.MAX_SAFE_INTEGER, floorId: 0 })) {
    for (const r of step.page.list ?? []) {
      const id = rowId(r);
      if (id !== null && id > top) {
        top = id;
        topTime = String(r.time);
      }
    }
    for (const r of step.rows) if (out.length < opts.lines) out.push(r);
  }
  t.recog = { lastId: top, ...(topTime ? { lastTime: topTime } : {}) };
  return out.reverse();
}

/** New rows since the device's mark, oldest first; moves the mark. */
async function pollRecog(client: ExportClient, t: DeviceTail, opts: TailOptions): Promise<Record<string, unknown>[]> {
  const ep = endpoint('log.getRecogLog');
  const floorId = t.recog?.lastId ?? 0;
  const fetchPage = async (pageNo: number) => {
    await t.pace.wait();
    return client.json<RecogPage>(ep, { serialNo: t.serialNo, pageNo: String(pageNo) }, { signal: opts.signal });
  };
  const got: RecogRow[] = [];
  // No upper bound: rows arriving during the walk have ids above every row written, so the walk
  // counts them as repeats and the next poll (floor = the newest id written) prints them.
  const walk = walkRecogPages(fetchPage, { upperId: Number.MAX_SAFE_INTEGER, floorId });
  for await (const step of walk) got.push(...step.rows);
  if (got.length === 0) return [];
  got.reverse();
  const newest = got[got.length - 1];
  t.recog = { ...t.recog, lastId: rowId(newest) as number, lastTime: String(newest.time) };
  return got;
}

/** The newest N operation rows; the mark is the newest second seen and every key in it. */
async function lastOperate(client: ExportClient, t: DeviceTail, opts: TailOptions): Promise<Record<string, unknown>[]> {
  const ep = endpoint('log.getOperateLog');
  const upperTime = formatApiDateTime(opts.now(), opts.zone);
  const page = await client.json<OperatePage>(
    ep,
    { serialNo: t.serialNo, operateTimeTo: upperTime, pageNo: '1' },
    { signal: opts.signal },
  );
  t.pace.now();
  const list = Array.isArray(page.list) ? page.list : [];
  if (list.length > 0) {
    const newest = String(list[0].operateTime);
    t.operate = {
      lastTime: newest,
      keys: list.filter((r) => String(r.operateTime) === newest).map(operateKey),
    };
  } else {
    // Nothing yet: start from now, so the first poll does not print the whole history.
    t.operate = { lastTime: upperTime, keys: [] };
  }
  return list.slice(0, opts.lines).reverse();
}

async function pollOperate(client: ExportClient, t: DeviceTail, opts: TailOptions): Promise<Record<string, unknown>[]> {
  const ep = endpoint('log.getOperateLog');
  const upperTime = formatApiDateTime(opts.now(), opts.zone);
  const mark = t.operate;
  const wire: WireParams = { serialNo: t.serialNo, operateTimeTo: upperTime };
  if (mark) wire.operateTimeFrom = mark.lastTime;
  const fetchPage = async (pageNo: number) => {
    await t.pace.wait();
    return client.json<OperatePage>(ep, { ...wire, pageNo: String(pageNo) }, { signal: opts.signal });
  };
  const stats = newOperateStats();
  const got: OperateRow[] = [];
  for await (const step of walkOperatePages(fetchPage, { upperTime, floor: mark }, stats)) got.push(...step.rows);
  // The window of a tail is the last second (it polls often); an export's state keeps its wider window.
  t.operate = stats.window?.nextMark(undefined) ?? mark;
  return got.reverse();
}
