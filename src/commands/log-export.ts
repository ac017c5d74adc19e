/**
 * `facetctl log recog export` and `facetctl log operate export`: the cron-job exports
 * (src/workflows/export/log-export.ts), declared as data (src/commands/declare.ts). Rows go to stdout or
 * an atomic `--out FILE`; status to stderr.
 */
import { resolve } from 'node:path';
import { Option } from 'commander';
import { note } from '../core/context.js';
import { UsageError, ValidationError } from '../core/errors.js';
import { validateWire, type WireParams } from '../core/params/index.js';
import { type EndpointDef, findEndpoint } from '../registry/index.js';
import {
  checkCsvFlags,
  exportFormat,
  parseDuration,
  parseWindow,
  resolveSerials,
} from '../workflows/export/export-options.js';
import { failureLines } from '../workflows/export/failure-lines.js';
import {
  checkExportPaths,
  DEFAULT_PAGE_CONCURRENCY,
  exportFailure,
  type LogKind,
  runLogExport,
} from '../workflows/export/log-export.js';
import { exportCsvSafety } from './csv-safety.js';
import { type AnyCommandDecl, defineCommand, type FlagDecl } from './declare.js';
import { type FilterFlag, filterFlagsOf } from './endpoint-flags.js';
import type { CommandEnv } from './env.js';
import { ExitWith } from './exit.js';
import { intIn } from './option-parsers.js';
import { CP932_REPLACE_FLAG, DEVICE_FLAGS } from './shared-flags.js';

interface ExportFlags {
  serial?: string[];
  allDevices?: boolean;
  from?: string;
  to?: string;
  since?: string;
  out?: string;
  append?: boolean;
  overwrite?: boolean;
  bom?: boolean;
  encoding?: string;
  cp932Replace?: string;
  sync?: boolean;
  state?: string;
  pictures?: string;
  pictureExpires?: number;
  overlap?: string;
  concurrency: number;
  pageConcurrency?: number;
}

const EXAMPLES: Record<LogKind, string[]> = {
  recog: [
    '  facetctl log recog export --serial 7L11R010014 --since 24h -o csv --out logs.csv',
    '  facetctl log recog export --all-devices --state recog.state.json -o ndjson --out "logs-$(date +%F-%H%M).ndjson"',
    '  facetctl log recog export --all-devices --state recog.state.json -o csv --append --out recog.csv',
    '  facetctl log recog export --serial 7L11R010014 --from 2024/05/01 --to 2024/05/31 -o csv --bom --out may.csv',
    '  facetctl log recog export --serial 7L11R010014 --since 1h --pictures pics/ -o ndjson',
    '  facetctl log recog export --serial 7L11R010014 --since 7d --person-code P001 -o csv --bom --out p001.csv',
  ],
  operate: [
    '  facetctl log operate export --serial 7L11R010014 --since 7d -o csv --encoding cp932 --out ops.csv',
    '  facetctl log operate export --all-devices --state operate.state.json -o ndjson --out "ops-$(date +%F).ndjson"',
  ],
};

/** The list this export walks (`log recog list`), found by its command words. */
function listEndpoint(kind: LogKind): EndpointDef {
  const ep = findEndpoint('log', `${kind} list`);
  if (!ep) throw new Error(`the registry has no 'log ${kind} list'`);
  return ep;
}

/** The list's filter flags given, as wire parameters, checked against the list's limits (exit 2, nothing sent). */
function filtersOf(list: EndpointDef, specs: readonly (FilterFlag & { attr: string })[], flags: object): WireParams {
  const given: WireParams = {};
  for (const f of specs) {
    const v = (flags as Record<string, unknown>)[f.attr];
    if (typeof v === 'string') given[f.wire] = v;
  }
  const flagOf = new Map(specs.map((f) => [f.wire, `--${f.flag}`]));
  const issues = validateWire(list, { [list.deviceParam ?? 'serialNo']: 'S', ...given }).filter((i) =>
    flagOf.has(i.name),
  );
  if (issues.length)
    throw new ValidationError(issues.map((i) => ({ name: flagOf.get(i.name) ?? i.name, message: i.message })));
  return given;
}

/** The flags both exports declare, before the list's filters. */
const EXPORT_FLAGS: readonly FlagDecl[] = [
  ...DEVICE_FLAGS,
  { flags: '--from <time>', help: 'start: YYYY/MM/DD HH:MI:SS, ISO 8601, a date, or -24h/today/yesterday' },
  { flags: '--to <time>', help: 'end, included (same forms as --from; a date alone means through that day)' },
  { flags: '--since <duration>', help: 'start that long ago: 30m, 24h, 7d, 2w' },
  {
    flags: '--out <file>',
    help: 'write to this file atomically (temporary file, fsync, rename); default (or -) stdout',
    completion: 'file',
  },
  {
    flags: '--append',
    help: "add the rows to the --out file (CSV: its header must be this export's, and is not repeated); the file is replaced whole, its old bytes first",
  },
  {
    flags: '--overwrite',
    help: 'with --state: replace an existing --out file (without --append or --overwrite it is refused: it holds the rows of an earlier run)',
  },
  { flags: '--bom', help: 'CSV: start with a UTF-8 byte order mark (Excel)' },
  { flags: '--encoding <name>', help: 'CSV: utf8 (default) or cp932 (Excel in Japan)', completion: ['utf8', 'cp932'] },
  CP932_REPLACE_FLAG,
  { flags: '--sync', help: 'ask each device to send its newest logs to the cloud first (device sync)' },
  {
    flags: '--state <file>',
    help: 'incremental: export only rows newer than the last run, and record how far',
    completion: 'file',
  },
  { flags: '--concurrency <n>', help: 'devices exported at once', parse: intIn(1, 32), default: 4 },
];

/** The flags only one kind of export has, after the filters. */
const KIND_FLAGS: Record<LogKind, readonly FlagDecl[]> = {
  recog: [
    {
      flags: '--pictures <dir>',
      help: 'save each row picture as DIR/<serial>/<id>.jpg (existing files are kept)',
    },
    {
      flags: '--picture-expires <sec>',
      help: 'lifetime of the picture cookies, 10–300 seconds',
      parse: intIn(10, 300),
    },
    {
      flags: '--page-concurrency <n>',
      help: 'pages of one device asked for at once (rows still written in order, each once; 1: one after the other)',
      parse: intIn(1, 32),
      default: DEFAULT_PAGE_CONCURRENCY,
    },
  ],
  operate: [
    {
      flags: '--overlap <duration>',
      help: "with --state: read again this far before the last run's newest row, to catch logs that reached the cloud late (device clocks); default 10m",
    },
  ],
};

/** `log KIND export`, with every filter of the list from the registry (`--person-code P` as `log recog list`). */
function exportCommand(kind: LogKind): AnyCommandDecl {
  const list = listEndpoint(kind);
  const filterSpecs = filterFlagsOf(list).map((f) => {
    const flags = `--${f.flag} <value>`;
    return { ...f, flags, attr: new Option(flags).attributeName() };
  });
  return defineCommand<ExportFlags>({
    path: ['log', kind, 'export'],
    summary:
      kind === 'recog'
        ? 'Export recognition logs of one or more devices, page by page, nothing lost or written twice'
        : 'Export operation logs of one or more devices, page by page, nothing lost or written twice',
    flags: [
      ...EXPORT_FLAGS,
      ...filterSpecs.map((f) => ({ flags: f.flags, help: `filter as in \`log ${kind} list\`: ${f.def.description}` })),
      ...KIND_FLAGS[kind],
    ],
    helpAfter: [
      '',
      'Output format: -o csv, -o ndjson or -o json (one array). Without -o, the --out extension',
      'decides (.csv, .json), else ndjson. Columns: see the README (serialNo first, then the API fields).',
      '',
      'Exit codes: 0 ok, 1 API or file error (with --out nothing is written), 2 bad flags,',
      '3 some devices or pictures failed (the others were exported), or with --encoding cp932 some rows',
      'held characters CP932 cannot hold (named on stderr; see --cp932-replace), 130 interrupted (re-run: with',
      '--state the next run starts where the last completed one stopped).',
      '',
      'Examples:',
      ...EXAMPLES[kind],
    ].join('\n'),
    run: (env, flags) => runExport(env, kind, flags, filtersOf(list, filterSpecs, flags)),
  });
}

async function runExport(env: CommandEnv, kind: LogKind, flags: ExportFlags, filters: WireParams): Promise<void> {
  const ctx = env.ctx;
  const now = ctx.now();
  const format = exportFormat(env.flags().output, flags.out);
  const encoding = checkCsvFlags(format, flags);
  const safety = exportCsvSafety(env, flags, encoding);
  const zone = await env.timeZone();
  const window = parseWindow(flags, now, zone);
  if (flags.state && window.to) {
    throw new UsageError(
      '--to cannot be combined with --state: the high-water mark would pass rows after --to. Use --state alone (with --from/--since for the first run).',
    );
  }
  if (flags.pictureExpires !== undefined && !flags.pictures) throw new UsageError('--picture-expires needs --pictures');
  if (flags.overlap !== undefined && !flags.state)
    throw new UsageError('--overlap needs --state (it widens what each run reads again)');
  const overlapMs = flags.overlap === undefined ? undefined : parseDuration('--overlap', flags.overlap);
  const cwd = ctx.cwd;
  const paths = {
    out: flags.out ? resolve(cwd, flags.out) : undefined,
    statePath: flags.state ? resolve(cwd, flags.state) : undefined,
    pictures: flags.pictures ? { dir: resolve(cwd, flags.pictures), expires: flags.pictureExpires } : undefined,
  };
  await checkExportPaths({
    ...paths,
    kind,
    format,
    append: flags.append,
    overwrite: flags.overwrite,
    csv: safety.csv,
    encoding,
  });
  const serials = await resolveSerials(() => env.client(), flags, ctx.signal);
  if (serials.length === 0) {
    note(ctx, 'no devices to export');
    return;
  }
  const client = await env.client();
  const progress = env.progress(`exporting ${kind} logs of ${serials.length} device(s)`);
  if (!flags.out) {
    ctx.stdoutClosed = {
      exitCode: 1,
      message: `stdout was closed before the export finished${flags.state ? `; ${flags.state} did not move, so the next run exports these rows again` : ''}`,
    };
  }
  let result: Awaited<ReturnType<typeof runLogExport>>;
  try {
    result = await runLogExport(client, {
      kind,
      serials,
      from: window.from,
      to: window.to,
      format,
      ...paths,
      append: flags.append,
      overwrite: flags.overwrite,
      bom: flags.bom,
      encoding,
      csv: safety.csv,
      filters,
      sync: flags.sync,
      overlapMs,
      fault: ctx.fault,
      concurrency: flags.concurrency,
      pageConcurrency: flags.pageConcurrency,
      now,
      zone,
      signal: ctx.signal,
      owner: ctx.processes,
      stdout: ctx.io.stdout,
      note: (line) => note(ctx, line),
      onProgress: (n) => progress.update(`${n} rows`),
    });
  } catch (err) {
    progress.fail();
    throw err;
  }
  progress.stop();
  ctx.stdoutClosed = undefined;
  const failure = exportFailure(result);
  // Item by item, with the API's words; when every device failed the caller also reports the error.
  for (const d of result.devices) {
    if (d.error !== undefined) for (const line of failureLines(d.serialNo, d.error)) note(ctx, line);
  }
  const retryLater = flags.state ? ' (the next run with --state and --pictures tries again)' : '';
  for (const f of result.pictures?.failed ?? [])
    note(ctx, `${f.serialNo}: picture of log ${f.id} not saved: ${f.reason}${retryLater}`);
  if (result.preliminarySkipped > 0) {
    note(
      ctx,
      `${result.preliminarySkipped} preliminary record(s) without an id yet were not exported${flags.state ? '; the next run with --state picks them up' : ''}`,
    );
  }
  const where = flags.out ? ` to ${flags.out}` : '';
  const pics = result.pictures
    ? `, ${result.pictures.saved} pictures saved (${result.pictures.skipped} already there${result.pictures.retried > 0 ? `, ${result.pictures.retried} from earlier failures` : ''})`
    : '';
  const ok = result.devices.filter((d) => d.error === undefined).length;
  const from = ok === serials.length ? `${ok}` : `${ok} of ${serials.length}`;
  note(ctx, `exported ${result.rows} ${kind} log rows from ${from} device(s)${where}${pics}`);
  const unwritable = safety.finish();
  if (failure) throw failure;
  if (unwritable) throw new ExitWith(3);
}

export const commands = [exportCommand('recog'), exportCommand('operate')];
