/**
 * Watching the site (docs/watch.md): `device health` for monitoring systems, `log recog tail` /
 * `log operate tail` for live rows, `log recog stats` for counts. This module only declares the
 * commands (it is loaded for every `device …` and `log …` command, so it imports nothing heavy);
 * the actions are in watch-run.ts, the work in src/workflows/watch/.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { STATS_BY } from '../workflows/watch/options.js';
import type { CommandEnv } from './env.js';
import { setOwnOutput, setUsageExitCode } from './exit.js';
import { setCompletionValues } from './option-meta.js';
import { subcommand } from './tree.js';

/** `device health`'s answer to bad arguments: UNKNOWN, as monitoring plugins do. */
const UNKNOWN_EXIT = 3;

const run = () => import('./watch-run.js');

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

export interface HealthFlags {
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
    .action(async (flags: HealthFlags) => (await run()).runHealth(env, flags));
  setUsageExitCode(cmd, UNKNOWN_EXIT);
  setOwnOutput(cmd);
  const out = cmd.options.find((o) => o.long === '--out');
  if (out) setCompletionValues(out, 'file');
}

// ───────────────────────────── log … tail ─────────────────────────────

export type TailKind = 'recog' | 'operate';

export interface TailFlags {
  serial?: string[];
  allDevices?: boolean;
  lines: number;
  follow?: boolean;
  interval: string;
  state?: string;
}

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
    .option(
      '--interval <duration>',
      'while following, least time between two requests to one device (default 5s, at least 1s)',
      '5s',
    )
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
    .action(async (flags: TailFlags) => (await run()).runTailCommand(env, kind, flags));
  const state = cmd.options.find((o) => o.long === '--state');
  if (state) setCompletionValues(state, 'file');
}

// ───────────────────────────── log recog stats ─────────────────────────────

export interface StatsFlags {
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
    .action(async (flags: StatsFlags) => (await run()).runStats(env, flags));
  const by = cmd.options.find((o) => o.long === '--by');
  if (by) setCompletionValues(by, STATS_BY);
}

export function register(parent: Command, env: CommandEnv): void {
  addHealth(subcommand(parent, 'device'), env);
  const log = subcommand(parent, 'log');
  const recog = subcommand(log, 'recog');
  addTail(recog, 'recog', env);
  addTail(subcommand(log, 'operate'), 'operate', env);
  addStats(recog, env);
}
