/**
 * `facetctl person import FILE.csv`: the declared command (src/commands/declare.ts) for the bulk import workflow
 * (src/workflows/import/). Progress, the summary and problems go to stderr; stdout carries only
 * the report when `--report -` asks for it there.
 */

import { resolve } from 'node:path';
import { note } from '../core/context.js';
import { CancelledError, PartialError, UsageError } from '../core/errors.js';
import { escapeCsvFormulas } from '../core/untrusted-text.js';
import type { ReportLine } from '../workflows/import/types.js';
import { defineCommand } from './declare.js';
import type { CommandEnv } from './env.js';
import { collect } from './option-parsers.js';
import {
  CLOUD_CONCURRENCY_FLAG,
  CSV_ENCODING_FLAG,
  FIX_PICTURES_FLAG,
  IGNORE_UNKNOWN_COLUMNS_FLAG,
  NO_REMOTE_CHECK_FLAG,
} from './shared-flags.js';

interface ImportFlags {
  template?: boolean;
  serial?: string[];
  encoding?: string;
  ignoreUnknownColumns?: boolean;
  skipInvalid?: boolean;
  fixPictures?: boolean;
  remoteCheck: boolean;
  override?: boolean;
  image: boolean;
  concurrency: number;
  journal?: string;
  fresh?: boolean;
  report?: string;
  dryRun?: boolean;
}

/** `persons.csv` → `persons.csv.facetctl-journal.ndjson`, beside the CSV. */
export function defaultJournalPath(csvPath: string): string {
  return `${csvPath}.facetctl-journal.ndjson`;
}

export const commands = [
  defineCommand<ImportFlags>({
    path: ['person', 'import'],
    summary: 'Register persons in bulk from a CSV: cloud, access times, cards, then each device',
    args: [
      {
        name: '[file]',
        help: 'CSV of persons as Excel saves it (UTF-8, CP932/Shift_JIS, UTF-16 "Unicode text"; comma or tab)',
      },
    ],
    flags: [
      { flags: '--template', help: 'print a header line and one example row, then exit' },
      { flags: '--serial <serial>', help: 'also register every row on this device (repeatable)', parse: collect },
      CSV_ENCODING_FLAG,
      IGNORE_UNKNOWN_COLUMNS_FLAG,
      {
        flags: '--skip-invalid',
        help: 'import the valid rows and report the invalid ones (default: any invalid row stops)',
      },
      FIX_PICTURES_FLAG,
      NO_REMOTE_CHECK_FLAG,
      { flags: '--override', help: 'replace a person already on a device (default)' },
      { flags: '--no-override', help: 'leave a person already on a device as it is (reported as skipped)' },
      { flags: '--no-image', help: 'send to devices without the picture (names and access times only)' },
      CLOUD_CONCURRENCY_FLAG,
      {
        flags: '--journal <file>',
        help: 'journal of completed steps (default: FILE.facetctl-journal.ndjson beside the CSV)',
        completion: 'file',
      },
      { flags: '--fresh', help: 'ignore and restart the journal: send every step again' },
      {
        flags: '--report <file>',
        help: 'write a CSV line per row and device (row, personCode, serialNo, status, step, message); - for stdout',
        completion: 'file',
      },
      { flags: '--dry-run', help: 'validate and check pictures with the cloud; send nothing that changes anything' },
    ],
    helpAfter: [
      '',
      'Columns are the API parameter names: personCode (required), personName, sex, birthday, memo,',
      'personTypeCode, picture (path relative to the CSV), serialNos (separated by ;),',
      'accessFlag_N/accessTimeFrom_N/accessTimeTo_N (N ≤ 10), card_no_N/validityDateFrom_N/validityDateTo_N (N ≤ 3).',
      '',
      'Exit codes: 0 every row succeeded, 2 invalid input (nothing sent), 3 some rows failed or were invalid,',
      '130 interrupted (run the same command again to finish).',
      '',
      'Examples:',
      '  facetctl person import --template > persons.csv',
      '  facetctl person import persons.csv --dry-run',
      '  facetctl person import persons.csv --serial 7L11R010014 --report result.csv',
    ].join('\n'),
    run: (env, flags, call) => runImportCommand(env, call.args[0] as string | undefined, flags),
  }),
];

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

async function runImportCommand(env: CommandEnv, file: string | undefined, flags: ImportFlags): Promise<void> {
  const ctx = env.ctx;
  const err = (line: string) => note(ctx, line);
  if (flags.template) {
    const { templateCsv } = await import('../workflows/import/columns.js');
    ctx.io.stdout.write(templateCsv());
    return;
  }
  if (!file) throw new UsageError('person import: give the CSV file (or --template for an example)');
  const [
    { importPersons, InvalidInputError },
    { parseEncodingName },
    report,
    { checkOutputFile, refuseLink },
    services,
  ] = await Promise.all([
    import('../workflows/import/import-persons.js'),
    import('../workflows/import/csv-decode.js'),
    import('../workflows/import/report.js'),
    import('../core/safe-file.js'),
    import('./services.js'),
  ]);
  const csvPath = resolve(ctx.cwd, file);
  const journalPath = flags.journal ? resolve(ctx.cwd, flags.journal) : defaultJournalPath(csvPath);
  // Output paths are checked before anything is read from the cloud or sent (exit 2).
  if (!flags.dryRun) {
    await refuseLink(journalPath, '--journal');
    await checkOutputFile(journalPath, '--journal');
  }
  if (flags.report && flags.report !== '-')
    await checkOutputFile(resolve(ctx.cwd, flags.report), '--report', { dashIsStdout: true });
  const startedAt = Date.now();
  let progress: ReturnType<CommandEnv['progress']> | undefined;

  const result = await importPersons({
    csvPath,
    encoding: flags.encoding ? parseEncodingName(flags.encoding) : undefined,
    ignoreUnknownColumns: flags.ignoreUnknownColumns === true,
    serials: flags.serial ?? [],
    fixPictures: flags.fixPictures === true,
    skipInvalid: flags.skipInvalid === true,
    dryRun: flags.dryRun === true,
    remoteCheck: flags.remoteCheck !== false,
    override: flags.override !== false,
    noImage: flags.image === false,
    concurrency: flags.concurrency,
    journalPath,
    freshJournal: flags.fresh === true,
    target: () => services.cloudTarget(env),
    now: () => ctx.now(),
    zone: await env.timeZone(),
    signal: ctx.signal,
    client: () => env.client(),
    onValidated: (loaded) => {
      for (const r of loaded.invalid)
        for (const i of r.issues) err(`invalid, not imported: row ${r.row}, ${i.field}: ${i.message}`);
      progress = env.progress(flags.dryRun ? 'checking' : 'importing');
      progress.update(`0/${loaded.rows.length} rows`);
    },
    onProgress: (p) => {
      const elapsed = (Date.now() - startedAt) / 1000;
      const rate = p.rowsDone / Math.max(elapsed, 0.001);
      const eta = rate > 0 ? duration(((p.rowsTotal - p.rowsDone) / rate) * 1000) : '?';
      const failed = p.failed ? `, ${p.failed} failed` : '';
      progress?.update(`${p.rowsDone}/${p.rowsTotal} rows${failed}, ${rate.toFixed(1)} rows/s, ETA ${eta}`);
    },
    onRetry: env.verbose
      ? (row, step, attempt, e, delay) =>
          err(`retry ${attempt}: row ${row.row}, ${step}: ${e.message} (waiting ${delay} ms)`)
      : undefined,
  }).catch(async (e: unknown) => {
    progress?.stop();
    // Scripts read the report: invalid rows are in it even when nothing was sent.
    if (e instanceof InvalidInputError && e.rows.length > 0 && flags.report) {
      await writeReportTo(env, flags.report, report.invalidLines(e.rows));
    }
    throw e;
  });
  progress?.stop();

  if (flags.report) await writeReportTo(env, flags.report, result.lines);

  await printSummary(env, result, flags.dryRun === true);
  if (result.cancelled) {
    throw new CancelledError(
      'the import was interrupted; completed steps are in the journal: run the same command again to finish',
    );
  }
  const counts = report.countStatuses(result.lines);
  if (counts.rows.failed > 0 || counts.rows.invalid > 0) throw new PartialError();
}

async function writeReportTo(env: CommandEnv, target: string, lines: ReportLine[]): Promise<void> {
  const report = await import('../workflows/import/report.js');
  // Plain UTF-8 like `-o csv`: formulas are escaped with --csv-formulas escape.
  const escapeFormulas = escapeCsvFormulas(env.flags().csvFormulas, false);
  if (target === '-') env.ctx.io.stdout.write(await report.reportCsv(lines, escapeFormulas));
  else await report.writeReport(env.ctx.processes, resolve(env.ctx.cwd, target), lines, escapeFormulas);
}

const MAX_PROBLEM_LINES = 20;

async function printSummary(
  env: CommandEnv,
  result: Awaited<ReturnType<typeof import('../workflows/import/import-persons.js').importPersons>>,
  dryRun: boolean,
): Promise<void> {
  const ctx = env.ctx;
  const [{ countStatuses }, { default: Table }, { describeFormat }] = await Promise.all([
    import('../workflows/import/report.js'),
    import('cli-table3'),
    import('../workflows/import/load-rows.js'),
  ]);
  const failed = result.lines.filter((l) => l.status === 'failed');
  for (const l of failed.slice(0, MAX_PROBLEM_LINES)) {
    const where = [`row ${l.row}`, l.personCode, l.serialNo ? `device ${l.serialNo}` : ''].filter(Boolean).join(', ');
    note(ctx, `failed: ${where}, ${l.step}: ${l.message}`);
  }
  if (failed.length > MAX_PROBLEM_LINES) {
    ctx.io.stderr.write(`… and ${failed.length - MAX_PROBLEM_LINES} more failures (see --report)\n`);
  }
  const counts = countStatuses(result.lines);
  const table = new Table({
    head: ['status', 'rows', 'row × device'],
    style: { head: [], border: [], compact: true },
  });
  for (const status of ['ok', 'skipped', 'failed', 'invalid'] as const) {
    table.push([status, String(counts.rows[status]), String(counts.lines[status])]);
  }
  const secs = result.elapsedMs / 1000;
  // The devices the import worked with: not a serial only an invalid row names (it was never used).
  const devices = new Set(
    result.lines
      .filter((l) => l.status !== 'invalid')
      .map((l) => l.serialNo)
      .filter(Boolean),
  ).size;
  const head = dryRun ? 'Dry run' : 'Import';
  ctx.io.stderr.write(
    `${head}: ${result.rows} rows (${describeFormat(result.format)}), ${devices} device(s), ${result.progress.sent} calls sent, ` +
      `${result.progress.skipped} steps already done, ${secs.toFixed(1)} s\n${table.toString()}\n`,
  );
}
