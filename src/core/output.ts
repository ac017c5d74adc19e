/**
 * Output formats. stdout carries data only: table (people at a terminal), json (the API's answer
 * unchanged, 2-space indented), ndjson (one JSON object per line: the rows of a list answer) and
 * csv. Footers and spinners go to stderr. The table and CSV libraries are loaded on first use, so
 * commands that print nothing (or JSON) do not pay for them.
 */
import { createRequire } from 'node:module';
import type { Context } from './context.js';
import { UsageError } from './errors.js';
import { csvCell, isObject, type Row, TABLE_HIDDEN, tableCell, tabulate, unionColumns } from './output-rows.js';
import { spinnerAllowed } from './terminal.js';
import { terminalSafe } from './untrusted-text.js';

export type OutputFormat = 'table' | 'json' | 'ndjson' | 'csv';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json', 'ndjson', 'csv'];

const require = createRequire(import.meta.url);

type TableCtor = typeof import('cli-table3');
type Stringify = typeof import('csv-stringify/sync').stringify;

function loadTable(): TableCtor {
  return require('cli-table3');
}

function loadStringify(): Stringify {
  return require('csv-stringify/sync').stringify;
}

/** A table on a terminal, JSON for scripts and pipes. */
export function defaultFormat(ctx: Context): OutputFormat {
  return ctx.io.stdoutIsTTY ? 'table' : 'json';
}

export function parseFormat(text: string): OutputFormat {
  const f = text.trim().toLowerCase();
  if ((OUTPUT_FORMATS as readonly string[]).includes(f)) return f as OutputFormat;
  throw new UsageError(`unknown output format '${text}': use one of ${OUTPUT_FORMATS.join(', ')}`);
}

/** No row separators: lists of hundreds of rows stay readable. */
const COMPACT_CHARS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

export function renderTable(rows: readonly Row[], columns: readonly string[]): string {
  const Table = loadTable();
  const table = new Table({ head: columns.map(terminalSafe), chars: COMPACT_CHARS, style: { head: [], border: [] } });
  for (const row of rows) table.push(columns.map((c) => tableCell(row[c])));
  return withHeaderRule(table.toString());
}

/** Without row separators the header needs its own rule: the top border redrawn as a divider. */
function withHeaderRule(text: string): string {
  const lines = text.split('\n');
  if (lines.length < 3) return text;
  const rule = lines[0].replace('┌', '├').replace('┐', '┤').replaceAll('┬', '┼');
  return [lines[0], lines[1], rule, ...lines.slice(2)].join('\n');
}

/** One record as key/value pairs, one per line. */
function renderVertical(record: Row, columns?: readonly string[]): string {
  const Table = loadTable();
  const table = new Table({ chars: COMPACT_CHARS, style: { head: [], border: [] } });
  const keys = columns ?? Object.keys(record).filter((k) => !TABLE_HIDDEN.has(k));
  for (const key of keys) table.push({ [terminalSafe(key)]: tableCell(record[key]) });
  return table.toString();
}

/**
 * RFC 4180 CSV of `rows` in `columns`. `escapeFormulas` neutralises cells a spreadsheet would run
 * (core/untrusted-text escapeCsvFormulas; numbers stay numbers, so `-3` is not touched).
 */
export function renderCsv(
  rows: readonly Row[],
  columns: readonly string[],
  header = true,
  escapeFormulas = false,
): string {
  if (!columns.length) return '';
  const stringify = loadStringify();
  const records = rows.map((row) => columns.map((c) => (typeof row[c] === 'number' ? row[c] : csvCell(row[c]))));
  return stringify(records, { header, columns: [...columns], escape_formulas: escapeFormulas });
}

function ndjsonLines(data: unknown): string {
  const t = tabulate(data);
  const items = t.shape === 'list' || t.shape === 'array' ? t.rows : [data];
  return items.map((item) => `${JSON.stringify(item)}\n`).join('');
}

/** Writes `data` to stdout in `format`; a paged answer's footer goes to stderr (table only). */
export function renderOutput(
  ctx: Context,
  format: OutputFormat,
  data: unknown,
  opts: { columns?: string[]; escapeFormulas?: boolean } = {},
): void {
  const out = ctx.io.stdout;
  switch (format) {
    case 'json':
      out.write(`${JSON.stringify(data, null, 2)}\n`);
      return;
    case 'ndjson':
      out.write(ndjsonLines(data));
      return;
    case 'csv': {
      const t = tabulate(data);
      out.write(renderCsv(t.rows, opts.columns ?? unionColumns(t.rows), true, opts.escapeFormulas));
      return;
    }
    case 'table': {
      const t = tabulate(data);
      if (t.shape === 'scalar') {
        if (t.rows.length) out.write(`${tableCell(t.rows[0].value)}\n`);
      } else if (t.shape === 'object' && Object.keys(t.rows[0]).length > 0) {
        out.write(`${renderVertical(t.rows[0], opts.columns)}\n`);
      } else if (t.shape === 'object') {
        ctx.io.stderr.write('(empty)\n');
      } else if (t.rows.length === 0) {
        ctx.io.stderr.write('(no rows)\n');
      } else {
        out.write(`${renderTable(t.rows, opts.columns ?? unionColumns(t.rows, TABLE_HIDDEN))}\n`);
      }
      if (t.footer) ctx.io.stderr.write(`${t.footer}\n`);
      return;
    }
  }
}

export interface RowWriter {
  write(row: Row): void;
  /** Flushes (tables are drawn here) and prints the row count to stderr for tables. */
  end(): void;
  readonly count: number;
}

/**
 * Rows as they come (`--all`): ndjson and csv stream; json is one array written incrementally;
 * a table is drawn at the end. CSV columns are `columns` or the first row's keys.
 */
export function createRowWriter(
  ctx: Context,
  format: OutputFormat,
  columns?: string[],
  escapeFormulas = false,
): RowWriter {
  const out = ctx.io.stdout;
  let count = 0;
  let csvColumns = columns;
  const buffered: Row[] = [];
  return {
    get count() {
      return count;
    },
    write(row: Row) {
      const r = isObject(row) ? row : { value: row };
      count++;
      switch (format) {
        case 'ndjson':
          out.write(`${JSON.stringify(r)}\n`);
          return;
        case 'json':
          out.write(`${count === 1 ? '[\n' : ',\n'}${indent(JSON.stringify(r, null, 2))}`);
          return;
        case 'csv':
          csvColumns ??= Object.keys(r);
          out.write(renderCsv([r], csvColumns, count === 1, escapeFormulas));
          return;
        case 'table':
          buffered.push(r);
          return;
      }
    },
    end() {
      if (format === 'json') out.write(count === 0 ? '[]\n' : '\n]\n');
      else if (format === 'csv' && count === 0 && columns?.length)
        out.write(renderCsv([], columns, true, escapeFormulas));
      else if (format === 'table') {
        if (buffered.length) out.write(`${renderTable(buffered, columns ?? unionColumns(buffered, TABLE_HIDDEN))}\n`);
        ctx.io.stderr.write(`${count} row${count === 1 ? '' : 's'}\n`);
      }
    },
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

export interface Spinner {
  /** Settles when the spinner is drawing (at once when there is none). */
  readonly ready: Promise<void>;
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

const NO_SPINNER: Spinner = { ready: Promise.resolve(), update() {}, succeed() {}, fail() {}, stop() {} };

/**
 * An ora spinner on stderr, only when `spinnerAllowed` (a terminal of known width, not TERM=dumb;
 * otherwise nothing, so logs and pipes stay clean). ora loads in the background; calls made before it is ready are applied once it is.
 */
export function startSpinner(ctx: Context, text: string): Spinner {
  if (!spinnerAllowed(ctx)) return NO_SPINNER;
  let current = text;
  let finished: { kind: 'succeed' | 'fail' | 'stop'; text?: string } | undefined;
  let spinner: import('ora').Ora | undefined;
  const apply = () => {
    if (!spinner || !finished) return;
    if (finished.kind === 'stop') spinner.stop();
    else spinner[finished.kind](finished.text);
  };
  const ready = import('ora')
    .then(({ default: ora }) => {
      spinner = ora({ text: current, stream: ctx.io.stderr, discardStdin: false, isEnabled: true });
      if (!finished) spinner.start();
      apply();
    })
    .catch(() => {});
  const finish = (kind: 'succeed' | 'fail' | 'stop', t?: string) => {
    if (finished) return;
    finished = { kind, text: t };
    apply();
  };
  return {
    ready,
    update(t) {
      current = t;
      if (spinner && !finished) spinner.text = t;
    },
    succeed: (t) => finish('succeed', t),
    fail: (t) => finish('fail', t),
    stop: () => finish('stop'),
  };
}
