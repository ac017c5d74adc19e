/**
 * The actions of the watch commands (declared in watch.ts): flags → workflow → output and exit code.
 * Loaded only when one of them runs.
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { note } from '../core/context.js';
import { ExitCode, exitCodeOf, PartialError, UsageError } from '../core/errors.js';
import { renderCsv, renderTable } from '../core/output.js';
import { checkOutputFile, writeFileAtomic } from '../core/safe-file.js';
import { OPERATE_COLUMNS, orderRow, RECOG_COLUMNS } from '../workflows/export/columns.js';
import { parseDuration, parseWindow, resolveSerials } from '../workflows/export/export-options.js';
import {
  checkHealth,
  type DeviceHealth,
  formatAge,
  type HealthReport,
  prometheusText,
  prometheusUnknown,
  STATE_CODE,
} from '../workflows/watch/health.js';
import { bar, recogStats, STATS_BY, type StatsBy } from '../workflows/watch/stats.js';
import { runTail } from '../workflows/watch/tail.js';
import { type CommandEnv, type OutputFormat, outputFromEnv } from './env.js';
import { reportError } from './errors-report.js';
import { combinedExitCode, ExitWith } from './exit.js';
import type { HealthFlags, StatsFlags, TailFlags, TailKind } from './watch.js';

const HEALTH_COLUMNS = ['serialNo', 'description', 'state', 'online', 'lastAccess', 'lastRecog', 'mode', 'reason'];

function healthRows(report: HealthReport): Record<string, unknown>[] {
  return report.devices.map((d) => ({
    serialNo: d.serialNo,
    description: d.description,
    state: d.state,
    online: d.online,
    lastAccess: d.lastAccess,
    lastAccessAgeSeconds: d.lastAccessAge,
    lastRecog: d.lastRecog,
    lastRecogAgeSeconds: d.lastRecogAge,
    mode: d.mode,
    reason: d.reason,
  }));
}

/** What `-o json` prints: the verdict, its summary and counts, and one row per device. */
function healthDocument(report: HealthReport): Record<string, unknown> {
  return { state: report.state, summary: report.summary, counts: report.counts, devices: healthRows(report) };
}

function tableRows(devices: readonly DeviceHealth[]): Record<string, unknown>[] {
  return devices.map((d) => ({
    serialNo: d.serialNo,
    description: d.description,
    state: d.state,
    online: d.online === null ? '?' : d.online ? 'yes' : 'no',
    lastAccess: `${formatAge(d.lastAccessAge)}${d.lastAccessAge === null ? '' : ' ago'}`,
    lastRecog: `${formatAge(d.lastRecogAge)}${d.lastRecogAge === null ? '' : ' ago'}`,
    mode: d.mode ?? '-',
    reason: d.reason,
  }));
}

export async function runHealth(env: CommandEnv, flags: HealthFlags): Promise<void> {
  const ctx = env.ctx;
  let output: OutputFormat | 'prometheus' | undefined;
  let staleMs: number;
  let warnMs: number;
  let recogStaleMs: number | undefined;
  let intervalMs: number;
  let zone: string;
  try {
    // The cloud's zone reads lastAccess/lastRecog (wall-clock wire times): --timezone > FACETCTL_TIMEZONE > profile.
    zone = await env.timeZone();
    // -o, else FACETCTL_OUTPUT as for every command (one of the four formats: prometheus is -o only),
    // else the table on a terminal and the plugin form off one.
    output = env.flags().output ?? outputFromEnv(ctx);
    staleMs = parseDuration('--stale', flags.stale);
    warnMs = flags.warn === undefined ? Math.floor(staleMs / 2) : parseDuration('--warn', flags.warn);
    if (warnMs > staleMs) throw new UsageError(`--warn ${flags.warn} is longer than --stale ${flags.stale}`);
    recogStaleMs = flags.recogStale === undefined ? undefined : parseDuration('--recog-stale', flags.recogStale);
    intervalMs = parseDuration('--interval', flags.interval);
    if (intervalMs < 1000) throw new UsageError('--interval must be at least 1s');
    if (flags.out && output !== 'prometheus') throw new UsageError('--out is for -o prometheus');
    // Before the first request, as every --out (a read-only or missing folder, a device, a read-only file).
    if (flags.out) await checkOutputFile(resolve(ctx.cwd, flags.out), '--out');
    if (flags.watch && (output === 'prometheus' || flags.out)) {
      throw new UsageError('--watch redraws a table: use cron or a timer for -o prometheus --out');
    }
    // --query filters JSON: the document (-o json) or each device row (-o ndjson|csv|table). The
    // plugin form, Prometheus' text and the redrawn --watch table are fixed formats for machines.
    if (env.hasQuery && (output === 'prometheus' || flags.watch || (output === undefined && !ctx.io.stdoutIsTTY))) {
      throw new UsageError(
        `--query applies to -o json, ndjson, csv or table, not to ${output === 'prometheus' ? '-o prometheus' : flags.watch ? '--watch' : "the monitoring plugin's summary (no -o off a terminal)"}`,
      );
    }
  } catch (err) {
    // Monitoring plugins answer UNKNOWN (3) to bad arguments; the message is the usual one.
    reportError(ctx, err);
    throw new ExitWith(STATE_CODE.UNKNOWN);
  }
  const check = async () =>
    checkHealth(await env.client(), {
      serials: flags.serial,
      staleMs,
      warnMs,
      recogStaleMs,
      probeMode: flags.mode === true,
      now: ctx.now(),
      zone,
      signal: ctx.signal,
    });

  if (flags.watch) {
    await watchHealth(env, check, intervalMs);
    return;
  }
  let report: HealthReport;
  try {
    report = await check();
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    // The cloud could not be asked at all: UNKNOWN, with the usual message on stderr.
    reportError(ctx, err);
    const line = `FACETCTL HEALTH UNKNOWN - cannot list the devices: ${(err as Error).message.split('\n')[0]}`;
    if (output === 'prometheus') {
      const text = prometheusUnknown(ctx.now());
      if (flags.out) await writeFileAtomic(ctx.processes, resolve(ctx.cwd, flags.out), text, 0o644).catch(() => {});
      else ctx.io.stdout.write(text);
      note(ctx, line);
    } else if (output === undefined && !ctx.io.stdoutIsTTY) {
      ctx.io.stdout.write(`${line}\n`);
    } else {
      note(ctx, line);
    }
    throw new ExitWith(STATE_CODE.UNKNOWN);
  }
  writeHealth(env, report, flags, output);
  if (output === 'prometheus' && flags.out) {
    try {
      await writeFileAtomic(ctx.processes, resolve(ctx.cwd, flags.out), prometheusText(report, ctx.now()), 0o644);
    } catch (err) {
      // A verdict nobody can read is no verdict: UNKNOWN, not facetctl's usual 1 (= WARNING here).
      note(ctx, `error: cannot write ${flags.out}: ${(err as Error).message}`);
      throw new ExitWith(STATE_CODE.UNKNOWN);
    }
  }
  const code = STATE_CODE[report.state];
  if (code !== 0) throw new ExitWith(code);
}

function writeHealth(
  env: CommandEnv,
  report: HealthReport,
  flags: HealthFlags,
  output: OutputFormat | 'prometheus' | undefined,
): void {
  const ctx = env.ctx;
  const out = ctx.io.stdout;
  if (env.hasQuery) {
    // As every command applies it: to the document -o json prints, else to each device row.
    if (output === 'json') env.render(healthDocument(report));
    else {
      const rows = env.rows();
      for (const r of healthRows(report)) rows.write(r);
      rows.end();
      note(ctx, report.summary);
    }
    return;
  }
  switch (output) {
    case 'prometheus':
      if (!flags.out) out.write(prometheusText(report, ctx.now()));
      note(ctx, report.summary);
      return;
    case 'json':
      out.write(`${JSON.stringify(healthDocument(report), null, 2)}\n`);
      return;
    case 'ndjson':
      for (const r of healthRows(report)) out.write(`${JSON.stringify(r)}\n`);
      note(ctx, report.summary);
      return;
    case 'csv':
      out.write(renderCsv(healthRows(report), Object.keys(healthRows(report)[0] ?? { serialNo: '' })));
      note(ctx, report.summary);
      return;
    case 'table':
      out.write(`${renderTable(tableRows(report.devices), HEALTH_COLUMNS)}\n${report.summary}\n`);
      return;
    default:
      if (ctx.io.stdoutIsTTY) {
        out.write(`${renderTable(tableRows(report.devices), HEALTH_COLUMNS)}\n${report.summary}\n`);
        return;
      }
      // The plugin form: the status line, then long output (one line per device that is not OK).
      out.write(`${report.summary}\n`);
      for (const d of report.devices) {
        if (d.state !== 'OK') out.write(`${d.state} ${d.serialNo}: ${d.reason}\n`);
      }
  }
}

/** On a terminal the table is redrawn in place (cursor up, clear to the end); elsewhere a summary line per check. */
async function watchHealth(env: CommandEnv, check: () => Promise<HealthReport>, intervalMs: number): Promise<void> {
  const ctx = env.ctx;
  const tty = ctx.io.stdoutIsTTY;
  let drawn = 0;
  for (;;) {
    let text: string;
    try {
      const report = await check();
      const stamp = new Date(ctx.now()).toLocaleTimeString();
      text = tty
        ? `${renderTable(tableRows(report.devices), HEALTH_COLUMNS)}\n${report.summary}\n(checked ${stamp}, every ${Math.round(intervalMs / 1000)}s; Ctrl-C to stop)\n`
        : `${report.summary}\n`;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      text = `FACETCTL HEALTH UNKNOWN - ${(err as Error).message.split('\n')[0]}\n`;
    }
    if (tty && drawn > 0) ctx.io.stdout.write(`\x1b[${drawn}F\x1b[J`);
    ctx.io.stdout.write(text);
    drawn = text.split('\n').length - 1;
    await sleep(intervalMs, undefined, { signal: ctx.signal });
  }
}

// ───────────────────────────── log … tail ─────────────────────────────

function tailOutput(env: CommandEnv): 'table' | 'ndjson' | 'csv' {
  const o = env.flags().output;
  if (o === 'table' || o === 'ndjson' || o === 'csv') return o;
  if (o !== undefined) throw new UsageError(`-o ${o}: tail prints table, ndjson or csv (rows as they come)`);
  return env.ctx.io.stdoutIsTTY ? 'table' : 'ndjson';
}

/** Table rows on a terminal: one line per row, the columns people read. */
const TAIL_TABLE: Record<TailKind, readonly string[]> = {
  recog: ['serialNo', 'id', 'time', 'personCode', 'personName', 'pass', 'searchScore', 'accessType'],
  operate: ['serialNo', 'operateTime', 'operateUser', 'mainType', 'subType', 'detail'],
};

export async function runTailCommand(env: CommandEnv, kind: TailKind, flags: TailFlags): Promise<void> {
  const ctx = env.ctx;
  const format = tailOutput(env);
  const intervalMs = parseDuration('--interval', flags.interval);
  if (intervalMs < 1000) throw new UsageError('--interval must be at least 1s (one request per device per interval)');
  const serials = await resolveSerials(() => env.client(), flags, ctx.signal);
  if (serials.length === 0) {
    note(ctx, 'no devices to tail');
    return;
  }
  const client = await env.client();
  const zone = await env.timeZone();
  const columns = kind === 'recog' ? RECOG_COLUMNS : OPERATE_COLUMNS;
  const tableColumns = TAIL_TABLE[kind];
  let header = true;
  let bottom: string | undefined;
  let queryColumns: string[] | undefined;
  const out = ctx.io.stdout;
  const write = (text: string) =>
    new Promise<void>((done, fail) => {
      out.write(text, (err) => (err ? fail(err) : done()));
    });
  // Devices named on stderr as they fail (command, device, the API's message); dropped ones end the run with 3.
  const command = `log ${kind} tail`;
  const reported = new Set<unknown>();
  const droppedCodes: number[] = [];
  const deviceFailed = (serialNo: string, err: unknown, dropped: boolean) => {
    const code = reportError(ctx, err, { command, device: serialNo, verbose: env.verbose });
    reported.add(err);
    if (dropped) droppedCodes.push(code);
  };
  const tail = runTail(client, {
    kind,
    deviceFailed,
    serials,
    // --all-devices --follow: devices the contract gains (or loses) while it runs.
    listDevices:
      flags.allDevices && flags.follow ? () => resolveSerials(() => env.client(), flags, ctx.signal) : undefined,
    lines: flags.lines,
    follow: flags.follow === true,
    intervalMs,
    zone,
    statePath: flags.state ? resolve(ctx.cwd, flags.state) : undefined,
    now: () => ctx.now(),
    signal: ctx.signal,
    owner: ctx.processes,
    note: (line) => note(ctx, line),
    write: async (rows) => {
      let ordered = rows.map(({ serialNo, row }) => orderRow(columns, row, serialNo));
      if (env.hasQuery) {
        // --query per row, as with --all: rows it maps to nothing are left out; the first kept row's keys are the columns.
        ordered = selectRows(env, ordered);
        if (ordered.length === 0) return;
        queryColumns ??= Object.keys(ordered[0]);
      }
      if (format === 'ndjson') await write(ordered.map((r) => `${JSON.stringify(r)}\n`).join(''));
      else if (format === 'csv') {
        await write(renderCsv(ordered, [...(queryColumns ?? columns)], header));
        header = false;
      } else {
        const table = renderTable(ordered, [...(queryColumns ?? tableColumns)]).split('\n');
        // The header once, then only row lines: a growing table without a bottom border per batch.
        const body = header ? table.slice(0, -1) : table.slice(3, -1);
        bottom = table[table.length - 1];
        await write(`${body.join('\n')}\n`);
        header = false;
      }
    },
  });
  try {
    await tail;
  } catch (err) {
    if (reported.has(err)) throw new ExitWith(exitCodeOf(err));
    // Stopped by a signal after leaving devices out: the run was still partial (3, kept after the signal).
    if (droppedCodes.length > 0 && ctx.signal.aborted) throw new PartialError();
    throw err;
  }
  if (bottom) out.write(`${bottom}\n`);
  const code = combinedExitCode([...droppedCodes, ...Array(serials.length - droppedCodes.length).fill(0)]);
  if (code === ExitCode.partial) throw new PartialError();
  if (code !== 0) throw new ExitWith(code);
}

/** `--query` applied to each row: rows mapped to null are left out, a value that is not an object becomes `{value}`. */
function selectRows(env: CommandEnv, rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const row of rows) {
    const picked = env.select(row);
    if (picked === null || picked === undefined) continue;
    out.push(
      typeof picked === 'object' && !Array.isArray(picked) ? (picked as Record<string, unknown>) : { value: picked },
    );
  }
  return out;
}

// ───────────────────────────── log recog stats ─────────────────────────────

export async function runStats(env: CommandEnv, flags: StatsFlags): Promise<void> {
  const ctx = env.ctx;
  const now = ctx.now();
  if (!(STATS_BY as readonly string[]).includes(flags.by)) {
    throw new UsageError(`--by ${flags.by}: use hour, day or person`);
  }
  const by = flags.by as StatsBy;
  const zone = await env.timeZone();
  const window = parseWindow(
    { since: flags.since ?? (flags.from ? undefined : '7d'), from: flags.from, to: flags.to },
    now,
    zone,
  );
  const format = env.output();
  const serials = await resolveSerials(() => env.client(), flags, ctx.signal);
  if (serials.length === 0) {
    note(ctx, 'no devices to count');
    return;
  }
  const progress = env.progress(`counting recognitions of ${serials.length} device(s)`);
  let result: Awaited<ReturnType<typeof recogStats>>;
  try {
    result = await recogStats(await env.client(), {
      serials,
      by,
      from: window.from,
      to: window.to,
      zone,
      concurrency: flags.concurrency,
      signal: ctx.signal,
    });
  } catch (err) {
    progress.fail();
    throw err;
  }
  progress.stop();
  const keyName = by === 'person' ? 'personCode' : by;
  const rows = result.rows.map((r) =>
    by === 'person'
      ? { serialNo: r.serialNo, personCode: r.key, personName: r.personName ?? null, count: r.count }
      : { serialNo: r.serialNo, [keyName]: r.key, count: r.count },
  );
  if (format === 'table' && !env.hasQuery) {
    const max = result.rows.reduce((m, r) => Math.max(m, r.count), 0);
    const width = Math.max(10, Math.min(40, (ctx.io.columns ?? 80) - 50));
    const shown = rows.map((r, i) => ({
      ...r,
      [keyName]: r[keyName as keyof typeof r] === '' ? '(stranger)' : r[keyName as keyof typeof r],
      '': bar(result.rows[i].count, max, width),
    }));
    const columns =
      by === 'person' ? ['serialNo', 'personCode', 'personName', 'count', ''] : ['serialNo', keyName, 'count', ''];
    if (shown.length > 0) ctx.io.stdout.write(`${renderTable(shown, columns)}\n`);
    note(ctx, `${result.total} recognitions on ${serials.length} device(s)`);
  } else {
    env.render(rows, {
      columns: by === 'person' ? ['serialNo', 'personCode', 'personName', 'count'] : ['serialNo', keyName, 'count'],
    });
  }
  if (result.preliminarySkipped > 0) {
    note(ctx, `${result.preliminarySkipped} preliminary record(s) without an id yet were not counted`);
  }
  reportDeviceFailures(env, 'log recog stats', serials.length, result.failed);
}

/**
 * Devices a multi-device read could not read, each named on stderr with the command and the API's
 * message; then the exit code of `commands.md`: 3 when others were read, else the failure's own.
 */
function reportDeviceFailures(
  env: CommandEnv,
  command: string,
  asked: number,
  failed: readonly { serialNo: string; error: unknown }[],
): void {
  if (failed.length === 0) return;
  const codes = failed.map((f) => reportError(env.ctx, f.error, { command, device: f.serialNo, verbose: env.verbose }));
  const code = combinedExitCode([...codes, ...Array(asked - failed.length).fill(0)]);
  if (code === ExitCode.partial) throw new PartialError();
  throw new ExitWith(code);
}
