/**
 * Watching the site (docs/watch.md): `device health` for monitoring systems, `log recog tail` /
 * `log operate tail` for live rows, `log recog stats` for counts. The work is in
 * src/workflows/watch/; this module wires flags, output and exit codes.
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, InvalidArgumentError } from 'commander';
import { note } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { renderCsv, renderTable } from '../core/output.js';
import { writeFileAtomic } from '../workflows/export/atomic-file.js';
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
import { runTail, type TailKind } from '../workflows/watch/tail.js';
import type { CommandEnv } from './env.js';
import { reportError } from './errors-report.js';
import { ExitWith, setUsageExitCode } from './exit.js';
import { subcommand } from './generated.js';
import { setCompletionValues } from './option-meta.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function intIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max} (got '${value}')`);
    }
    return n;
  };
}

// ───────────────────────────── device health ─────────────────────────────

interface HealthFlags {
  serial?: string[];
  stale: string;
  warn?: string;
  recogStale?: string;
  mode?: boolean;
  out?: string;
  watch?: boolean;
  interval: string;
}

const DEFAULT_STALE = '10m';
/** The document gives no check-in period; the emulator's is a minute, so 10 minutes is ten missed check-ins. */
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

function addHealth(device: Command, env: CommandEnv): void {
  const cmd = device
    .command('health')
    .description(
      'Check every device for monitoring: contact age, last recognition, mode; exit 0 ok, 1 warning, 2 critical, 3 unknown',
    )
    .option('--serial <serial>', 'only this device (repeatable); default every device of the contract', collect)
    .option('--stale <duration>', `CRITICAL when lastAccess is older (default ${DEFAULT_STALE})`, DEFAULT_STALE)
    .option('--warn <duration>', 'WARNING when lastAccess is older (default: half of --stale)')
    .option('--recog-stale <duration>', 'WARNING when the last recognition is older (default: not checked)')
    .option(
      '--mode',
      'also ask each device in contact for its mode (getCurrentMode: one device call each, which itself counts as contact)',
    )
    .option('--out <file>', 'with -o prometheus: write the file atomically (node-exporter textfile collector)')
    .option('--watch', 'on a terminal: redraw the table every --interval until Ctrl-C')
    .option('--interval <duration>', 'time between checks with --watch (default 30s)', '30s')
    .addHelpText(
      'after',
      [
        '',
        'Output: without -o, a table on a terminal, else the one-line summary monitoring plugins print',
        '(then one line per device that is not OK). -o json|ndjson|csv for scripts; -o prometheus for',
        'Prometheus (gauges labelled by serial), to stdout or atomically to --out FILE.',
        '',
        'Exit codes (under this command only, as Nagios/Icinga plugins use them): 0 OK, 1 WARNING,',
        '2 CRITICAL, 3 UNKNOWN (the cloud could not be asked, or a bad flag). Durations: 90s, 10m, 2h, 1d.',
        '',
        'Examples:',
        '  facetctl device health',
        '  facetctl device health --stale 15m --recog-stale 12h --serial 7L11R010014 --mode',
        '  facetctl device health -o prometheus --out /var/lib/node_exporter/textfile/facetctl.prom',
        '  facetctl device health --watch --interval 10s',
      ].join('\n'),
    )
    .action(async (flags: HealthFlags) => runHealth(env, flags));
  setUsageExitCode(cmd, STATE_CODE.UNKNOWN);
  const out = cmd.options.find((o) => o.long === '--out');
  if (out) setCompletionValues(out, 'file');
}

async function runHealth(env: CommandEnv, flags: HealthFlags): Promise<void> {
  const ctx = env.ctx;
  const output = env.flags().output;
  let staleMs: number;
  let warnMs: number;
  let recogStaleMs: number | undefined;
  let intervalMs: number;
  try {
    staleMs = parseDuration('--stale', flags.stale);
    warnMs = flags.warn === undefined ? Math.floor(staleMs / 2) : parseDuration('--warn', flags.warn);
    if (warnMs > staleMs) throw new UsageError(`--warn ${flags.warn} is longer than --stale ${flags.stale}`);
    recogStaleMs = flags.recogStale === undefined ? undefined : parseDuration('--recog-stale', flags.recogStale);
    intervalMs = parseDuration('--interval', flags.interval);
    if (intervalMs < 1000) throw new UsageError('--interval must be at least 1s');
    if (flags.out && output !== 'prometheus') throw new UsageError('--out is for -o prometheus');
    if (flags.watch && (output === 'prometheus' || flags.out)) {
      throw new UsageError('--watch redraws a table: use cron or a timer for -o prometheus --out');
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
      if (flags.out) await writeFileAtomic(resolve(ctx.cwd, flags.out), text, 0o644);
      else ctx.io.stdout.write(text);
      note(ctx, line);
    } else if (output === undefined && !ctx.io.stdoutIsTTY) {
      ctx.io.stdout.write(`${line}\n`);
    } else {
      note(ctx, line);
    }
    throw new ExitWith(STATE_CODE.UNKNOWN);
  }
  writeHealth(env, report, flags);
  if (output === 'prometheus' && flags.out) {
    await writeFileAtomic(resolve(ctx.cwd, flags.out), prometheusText(report, ctx.now()), 0o644);
  }
  const code = STATE_CODE[report.state];
  if (code !== 0) throw new ExitWith(code);
}

function writeHealth(env: CommandEnv, report: HealthReport, flags: HealthFlags): void {
  const ctx = env.ctx;
  const out = ctx.io.stdout;
  const output = env.flags().output;
  switch (output) {
    case 'prometheus':
      if (!flags.out) out.write(prometheusText(report, ctx.now()));
      note(ctx, report.summary);
      return;
    case 'json':
      out.write(
        `${JSON.stringify({ state: report.state, summary: report.summary, counts: report.counts, devices: healthRows(report) }, null, 2)}\n`,
      );
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

interface TailFlags {
  serial?: string[];
  allDevices?: boolean;
  lines: number;
  follow?: boolean;
  interval: string;
  state?: string;
}

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

function addTail(group: Command, kind: TailKind, env: CommandEnv): void {
  const cmd = group
    .command('tail')
    .description(
      kind === 'recog'
        ? 'Print the newest recognitions, and with --follow new ones as they arrive (each once)'
        : 'Print the newest operation logs, and with --follow new ones as they arrive (each once)',
    )
    .option('--serial <serial>', 'device serial number (repeatable)', collect)
    .option('--all-devices', 'every device of the contract (device list)')
    .option('-n, --lines <n>', 'rows printed first, per run, newest last (default 10)', intIn(0, 10000), 10)
    .option('-f, --follow', 'keep printing new rows until Ctrl-C')
    .option('--interval <duration>', 'least time between two requests to one device (default 5s, at least 1s)', '5s')
    .option('--state <file>', "continue after the last row a previous run printed (the exports' state file)")
    .addHelpText(
      'after',
      [
        '',
        'Output: -o table (default on a terminal), -o ndjson (default otherwise) or -o csv, one row as it',
        'arrives. Rows are never printed twice, including rows whose id is still null (preliminary:',
        'printed once they have their id). Each device gets at most one request per --interval.',
        'With --state, the first run prints the last --lines rows; later runs print everything since.',
        '',
        'Examples:',
        kind === 'recog'
          ? '  facetctl log recog tail --serial 7L11R010014 -n 20\n  facetctl log recog tail --all-devices --follow --interval 10s -o ndjson --state tail.state.json >> recog.ndjson'
          : '  facetctl log operate tail --serial 7L11R010014 --follow',
      ].join('\n'),
    )
    .action(async (flags: TailFlags) => runTailCommand(env, kind, flags));
  const state = cmd.options.find((o) => o.long === '--state');
  if (state) setCompletionValues(state, 'file');
}

async function runTailCommand(env: CommandEnv, kind: TailKind, flags: TailFlags): Promise<void> {
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
  const columns = kind === 'recog' ? RECOG_COLUMNS : OPERATE_COLUMNS;
  const tableColumns = TAIL_TABLE[kind];
  let header = true;
  let bottom: string | undefined;
  const out = ctx.io.stdout;
  const write = (text: string) =>
    new Promise<void>((done, fail) => {
      out.write(text, (err) => (err ? fail(err) : done()));
    });
  await runTail(client, {
    kind,
    serials,
    lines: flags.lines,
    follow: flags.follow === true,
    intervalMs,
    statePath: flags.state ? resolve(ctx.cwd, flags.state) : undefined,
    now: () => ctx.now(),
    signal: ctx.signal,
    note: (line) => note(ctx, line),
    write: async (rows) => {
      const ordered = rows.map(({ serialNo, row }) => orderRow(columns, row, serialNo));
      if (format === 'ndjson') await write(ordered.map((r) => `${JSON.stringify(r)}\n`).join(''));
      else if (format === 'csv') {
        await write(renderCsv(ordered, [...columns], header));
        header = false;
      } else {
        const table = renderTable(ordered, [...tableColumns]).split('\n');
        // The header once, then only row lines: a growing table without a bottom border per batch.
        const body = header ? table.slice(0, -1) : table.slice(3, -1);
        bottom = table[table.length - 1];
        await write(`${body.join('\n')}\n`);
        header = false;
      }
    },
  });
  if (bottom) out.write(`${bottom}\n`);
}

// ───────────────────────────── log recog stats ─────────────────────────────

interface StatsFlags {
  serial?: string[];
  allDevices?: boolean;
  since?: string;
  from?: string;
  to?: string;
  by: string;
  concurrency: number;
}

function addStats(recog: Command, env: CommandEnv): void {
  const cmd = recog
    .command('stats')
    .description('Count recognitions per device and per hour, day or person over a window')
    .option('--serial <serial>', 'device serial number (repeatable)', collect)
    .option('--all-devices', 'every device of the contract (device list)')
    .option('--since <duration>', 'start that long ago: 24h, 7d, 2w (default 7d)')
    .option('--from <time>', 'start: YYYY/MM/DD HH:MI:SS, ISO 8601, a date, or -24h/today/yesterday')
    .option('--to <time>', 'end (same forms as --from); default now')
    .option('--by <unit>', 'hour, day or person (default day)', 'day')
    .option('--concurrency <n>', 'devices counted at once', intIn(1, 32), 4)
    .addHelpText(
      'after',
      [
        '',
        'Counts come from paging through the logs (nothing is held but the counters). On a terminal a',
        'table with a bar per row; -o csv or -o json (or ndjson) for scripts. Hours and days are the',
        "cloud's clock (the wire times). Preliminary records (id still null) are not counted.",
        '',
        'Examples:',
        '  facetctl log recog stats --all-devices --since 7d --by day',
        '  facetctl log recog stats --serial 7L11R010014 --since 24h --by hour',
        '  facetctl log recog stats --serial 7L11R010014 --from 2024/05/01 --to 2024/05/31 --by person -o csv',
      ].join('\n'),
    )
    .action(async (flags: StatsFlags) => runStats(env, flags));
  const by = cmd.options.find((o) => o.long === '--by');
  if (by) setCompletionValues(by, STATS_BY);
}

async function runStats(env: CommandEnv, flags: StatsFlags): Promise<void> {
  const ctx = env.ctx;
  const now = ctx.now();
  if (!(STATS_BY as readonly string[]).includes(flags.by)) {
    throw new UsageError(`--by ${flags.by}: use hour, day or person`);
  }
  const by = flags.by as StatsBy;
  const window = parseWindow(
    { since: flags.since ?? (flags.from ? undefined : '7d'), from: flags.from, to: flags.to },
    now,
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
  if (format === 'table') {
    const max = Math.max(0, ...result.rows.map((r) => r.count));
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
}

export function register(parent: Command, env: CommandEnv): void {
  addHealth(subcommand(parent, 'device'), env);
  const log = subcommand(parent, 'log');
  const recog = subcommand(log, 'recog');
  addTail(recog, 'recog', env);
  addTail(subcommand(log, 'operate'), 'operate', env);
  addStats(recog, env);
}
