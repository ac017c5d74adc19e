/**
 * The whole input, validated before anything is sent: decode the file, read the table, check the
 * header, validate every row (pictures included) and find duplicate personCodes. Every problem is
 * collected, so the user fixes the file once instead of once per error.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RuntimeError, UsageError } from '../../core/errors.js';
import { mapColumns, SERIALS_COLUMN } from './columns.js';
import { type CsvEncoding, decodeCsv } from './csv-decode.js';
import { isBlankRecord, readCsvTable } from './csv-records.js';
import { runLimited } from './limit.js';
import { validateRecord } from './row-validate.js';
import type { InvalidRow, PersonRow, RowIssue } from './types.js';

export interface LoadOptions {
  csvPath: string;
  encoding?: CsvEncoding;
  ignoreUnknownColumns: boolean;
  extraSerials: readonly string[];
  fixPictures: boolean;
  now: Date;
  /** The cloud's IANA zone that date cells are read in (default Asia/Tokyo). */
  zone?: string;
  /** Pictures checked at once (reading and decoding). */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface LoadedRows {
  encoding: CsvEncoding;
  /** Problems with the header: nothing can be imported. */
  headerIssues: RowIssue[];
  rows: PersonRow[];
  invalid: InvalidRow[];
}

async function readCsvFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`CSV file not found: ${path}`);
    throw new RuntimeError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

export async function loadRows(opts: LoadOptions): Promise<LoadedRows> {
  const bytes = await readCsvFile(opts.csvPath);
  const { text, encoding } = await decodeCsv(bytes, opts.encoding);
  const table = await readCsvTable(text);
  const columns = mapColumns(table.header, { ignoreUnknown: opts.ignoreUnknownColumns });
  if (columns.issues.length > 0) return { encoding, headerIssues: columns.issues, rows: [], invalid: [] };

  const records = table.records.filter((r) => !isBlankRecord(r.fields));
  const rowOpts = {
    baseDir: dirname(opts.csvPath),
    extraSerials: opts.extraSerials,
    fixPictures: opts.fixPictures,
    now: opts.now,
    zone: opts.zone,
  };
  const results = await runLimited(
    records,
    opts.concurrency ?? 8,
    async (record) => {
      const v = await validateRecord(record, columns, rowOpts);
      const extra =
        record.fields.length > columns.names.length &&
        record.fields.slice(columns.names.length).some((f) => f.trim() !== '');
      if (!extra) return v;
      const issue = {
        field: 'row',
        message: `has ${record.fields.length} fields but the header has ${columns.names.length}`,
      };
      return v.ok
        ? { ok: false as const, personCode: v.row.personCode, serials: v.row.serials, issues: [issue] }
        : { ...v, issues: [...v.issues, issue] };
    },
    opts.signal,
  );

  const rows: PersonRow[] = [];
  const invalid: InvalidRow[] = [];
  const firstRowOf = new Map<string, number>();
  results.forEach((v, i) => {
    const row = records[i].row;
    if (!v.ok) {
      // Every problem at once: a row that is invalid and also repeats a personCode says both.
      const code = v.personCode;
      const first = code ? firstRowOf.get(code) : undefined;
      const issues = code && first !== undefined ? [...v.issues, duplicateIssue(code, first)] : v.issues;
      invalid.push({ row, personCode: code, serials: v.serials, issues });
      if (code && first === undefined) firstRowOf.set(code, row);
      return;
    }
    const first = firstRowOf.get(v.row.personCode);
    if (first !== undefined) {
      invalid.push({
        row,
        personCode: v.row.personCode,
        serials: v.row.serials,
        issues: [duplicateIssue(v.row.personCode, first)],
      });
      return;
    }
    firstRowOf.set(v.row.personCode, row);
    rows.push(v.row);
  });
  return { encoding, headerIssues: [], rows, invalid };
}

/** Every serial the rows name, valid or not. */
export function serialsNamed(loaded: LoadedRows): Set<string> {
  const out = new Set<string>();
  for (const r of loaded.rows) for (const s of r.serials) out.add(s);
  for (const r of loaded.invalid) for (const s of r.serials) out.add(s);
  return out;
}

/**
 * Rows naming a device the cloud does not list become invalid (toDevice would fail for each of them
 * one by one otherwise). Run after the local checks, so a file with local errors sends no request.
 */
export function applyDeviceList(loaded: LoadedRows, known: ReadonlySet<string>): LoadedRows {
  const unknownIssues = (serials: readonly string[]): RowIssue[] =>
    serials
      .filter((s) => !known.has(s))
      .map((s) => ({ field: SERIALS_COLUMN, message: `device '${s}' is not in the cloud's device list` }));
  const invalid: InvalidRow[] = loaded.invalid.map((r) => ({
    ...r,
    issues: [...r.issues, ...unknownIssues(r.serials)],
  }));
  const rows: PersonRow[] = [];
  for (const r of loaded.rows) {
    const issues = unknownIssues(r.serials);
    if (issues.length === 0) rows.push(r);
    else invalid.push({ row: r.row, personCode: r.personCode, serials: r.serials, issues });
  }
  invalid.sort((a, b) => a.row - b.row);
  return { ...loaded, rows, invalid };
}

function duplicateIssue(personCode: string, firstRow: number): RowIssue {
  return { field: 'personCode', message: `'${personCode}' is already on row ${firstRow}` };
}
