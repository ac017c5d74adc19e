/**
 * Watching the site (docs/watch.md): `device health` for monitoring systems, `log recog tail` /
 * `log operate tail` for live rows, `log recog stats` for counts. This module only declares the
 * commands (it is loaded for every `device …` and `log …` command, so it imports nothing heavy);
 * the actions are in watch-run.ts, the work in src/workflows/watch/.
 */
import { STATS_BY } from '../workflows/watch/options.js';
import { type AnyCommandDecl, defineCommand } from './declare.js';
import { collect, intIn } from './option-parsers.js';
import { DEVICE_FLAGS } from './shared-flags.js';

/** `device health`'s answer to bad arguments: UNKNOWN, as monitoring plugins do. */
const UNKNOWN_EXIT = 3;

const run = () => import('./watch-run.js');

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
const healthCommand = defineCommand<HealthFlags>({
  path: ['device', 'health'],
  query: true,
  summary:
    'Check every device for monitoring: contact age, last recognition, mode; exit 0 ok, 1 warning, 2 critical, 3 unknown',
  flags: [
    {
      flags: '--serial <serial>',
      help: 'only this device (repeatable); default every device of the contract',
      parse: collect,
    },
    {
      flags: '--stale <duration>',
      help: `CRITICAL when lastAccess is older (default ${DEFAULT_STALE})`,
      default: DEFAULT_STALE,
    },
    { flags: '--warn <duration>', help: 'WARNING when lastAccess is older (default: half of --stale)' },
    { flags: '--recog-stale <duration>', help: 'WARNING when the last recognition is older (default: not checked)' },
    {
      flags: '--mode',
      help: 'also ask each device in contact for its mode (getCurrentMode: one device call each, which itself counts as contact)',
    },
    {
      flags: '--out <file>',
      help: 'with -o prometheus: write the file atomically (node-exporter textfile collector)',
      completion: 'file',
    },
    { flags: '--watch', help: 'on a terminal: redraw the table every --interval until Ctrl-C' },
    { flags: '--interval <duration>', help: 'time between checks with --watch (default 30s)', default: '30s' },
  ],
  helpAfter: [
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
  usageExitCode: UNKNOWN_EXIT,
  ownOutput: true,
  run: async (env, flags) => (await run()).runHealth(env, flags),
});

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

function tailCommand(kind: TailKind): AnyCommandDecl {
  return defineCommand<TailFlags>({
    path: ['log', kind, 'tail'],
    query: true,
    summary:
      kind === 'recog'
        ? 'Print the newest recognitions, and with --follow new ones as they arrive (each once)'
        : 'Print the newest operation logs, and with --follow new ones as they arrive (each once)',
    flags: [
      ...DEVICE_FLAGS,
      {
        flags: '-n, --lines <n>',
        help: 'rows printed first, per run, newest last (default 10)',
        parse: intIn(0, 10000),
        default: 10,
      },
      { flags: '-f, --follow', help: 'keep printing new rows until Ctrl-C' },
      {
        flags: '--interval <duration>',
        help: 'while following, least time between two requests to one device (default 5s, at least 1s)',
        default: '5s',
      },
      {
        flags: '--state <file>',
        help: "continue after the last row a previous run printed (the exports' state file)",
        completion: 'file',
      },
    ],
    helpAfter: [
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
    run: async (env, flags) => (await run()).runTailCommand(env, kind, flags),
  });
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

const statsCommand = defineCommand<StatsFlags>({
  path: ['log', 'recog', 'stats'],
  query: true,
  summary: 'Count recognitions per device and per hour, day or person over a window',
  flags: [
    ...DEVICE_FLAGS,
    { flags: '--since <duration>', help: 'start that long ago: 24h, 7d, 2w (default 7d)' },
    { flags: '--from <time>', help: 'start: YYYY/MM/DD HH:MI:SS, ISO 8601, a date, or -24h/today/yesterday' },
    {
      flags: '--to <time>',
      help: 'end, included (same forms as --from; a date alone means through that day); default now',
    },
    { flags: '--by <unit>', help: 'hour, day or person', default: 'day', completion: STATS_BY },
    { flags: '--concurrency <n>', help: 'devices counted at once', parse: intIn(1, 32), default: 4 },
  ],
  helpAfter: [
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
  run: async (env, flags) => (await run()).runStats(env, flags),
});

/** In the order they were always added: `device health`, then `log recog|operate tail`, `log recog stats`. */
export const commands = [healthCommand, tailCommand('recog'), tailCommand('operate'), statsCommand];
