/**
 * The whole input, validated before anything is sent: decode the file, read the table, check the
 * header, validate every row (pictures included) and find duplicate personCodes. Every problem is
 * collected, so the user fixes the file once instead of once per error.
 */
import { dirname } from 'node:path';
import { RuntimeError, UsageError } from '../../core/errors.js';
import { tryReadInputFile } from '../../core/input-file.js';
import { mapLimited } from '../../core/pool.js';
import { mapColumns, SERIALS_COLUMN } from './columns.js';
import {
  bomOf,
  type CsvEncoding,
  type DecodedCsv,
  decodeCsv,
  describeBytes,
  detectDelimiter,
  type EncodingSource,
  encodingLabel,
} from './csv-decode.js';
import { type CsvTable, findReplacementChar, isBlankRecord, readCsvTable } from './csv-records.js';
import { createPictureResolver } from './picture-path.js';
import { type RowValidationOptions, validateRecord } from './row-validate.js';
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
  /** Told the picture bytes of each valid row, to keep them for sending (see KeptPictures). */
  keepPicture?: RowValidationOptions['keepPicture'];
  /** Pictures checked at once (reading and decoding). */
  concurrency?: number;
  /** false: no picture is decoded, only read, hashed and checked cheaply (person sync). Default true. */
  decodePictures?: boolean;
  /** true: decode every picture, even one whose markers show it whole (no cloud check follows). */
  alwaysDecode?: boolean;
  signal?: AbortSignal;
}

/** How the file was read, for the summary: `UTF-16LE (BOM), tab-separated`. */
export interface CsvFormat {
  encoding: CsvEncoding;
  source: EncodingSource;
  bom: boolean;
  delimiter: ',' | '\t';
}

/** `UTF-8 (BOM), comma-separated` / `CP932 (Shift_JIS) (detected), tab-separated`. */
export function describeFormat(f: CsvFormat): string {
  const how = f.bom ? 'BOM' : f.source;
  return `${encodingLabel(f.encoding)} (${how}), ${f.delimiter === '\t' ? 'tab' : 'comma'}-separated`;
}

export interface LoadedRows {
  encoding: CsvEncoding;
  format: CsvFormat;
  /** Problems with the header: nothing can be imported. */
  headerIssues: RowIssue[];
  rows: PersonRow[];
  invalid: InvalidRow[];
}

const NOT_A_CSV = new Set(['EMPTY', 'FIFO', 'DEVICE', 'SOCKET', 'NOTFILE', 'EISDIR', 'ENXIO']);

async function readCsvFile(path: string): Promise<Buffer> {
  const got = await tryReadInputFile(path);
  if (got.ok) return got.bytes;
  if (got.code === 'ENOENT') throw new UsageError(`CSV file not found: ${path}`);
  // Empty, a FIFO, a folder, a device: the argument is wrong (exit 2), not the machine (exit 1).
  if (NOT_A_CSV.has(got.code)) throw new UsageError(`the CSV ${path} ${got.reason}`);
  throw new RuntimeError(`cannot read ${path}: ${got.reason}`);
}

/**
 * The refusal of a file that is not valid in its encoding: the row and column holding the bad byte
 * (found by its U+FFFD in the lossily decoded table), the byte and its offset, and what to do.
 */
function undecodableError(decoded: DecodedCsv, table: CsvTable | undefined): UsageError {
  const bad = decoded.invalid;
  if (!bad) throw new Error('undecodableError: the file decoded');
  const at = table ? findReplacementChar(table) : undefined;
  const name = at ? (at.row === 1 ? '' : (table?.header[at.column] ?? '').trim()) : '';
  const where = at ? `row ${at.row}, column ${at.column + 1}${name ? ` (${name})` : ''}` : 'the CSV';
  const how =
    decoded.source === 'forced' ? '--encoding' : decoded.source === 'bom' ? 'its byte order mark' : 'its content';
  const hint =
    bad.bytes[0] === 0
      ? 'NUL bytes mean UTF-16 text without a byte order mark: try --encoding utf16le'
      : decoded.encoding === 'cp932'
        ? 'save the sheet again from Excel (CSV UTF-8 is safest), or give --encoding if the file is in another encoding'
        : 'fix that cell and save the sheet again, or give --encoding if the file is in another encoding';
  return new UsageError(
    `${where}: byte ${describeBytes(bad.bytes)} (offset ${bad.offset} in the file) is not valid ` +
      `${encodingLabel(decoded.encoding)}, the encoding chosen from ${how}; the file was refused so that ` +
      `nothing is stored garbled and nothing was sent. ${hint}`,
  );
}

export async function loadRows(opts: LoadOptions): Promise<LoadedRows> {
  const bytes = await readCsvFile(opts.csvPath);
  const decoded = await decodeCsv(bytes, opts.encoding);
  const { text, encoding } = decoded;
  const delimiter = detectDelimiter(text);
  const format: CsvFormat = { encoding, source: decoded.source, bom: bomOf(bytes)?.encoding === encoding, delimiter };
  if (decoded.invalid) {
    const table = await readCsvTable(text, { delimiter }).catch(() => undefined);
    throw undecodableError(decoded, table);
  }
  const table = await readCsvTable(text, { delimiter });
  const firstDataRow = (i: number) => table.records.find((r) => (r.fields[i] ?? '').trim() !== '')?.row;
  const columns = mapColumns(table.header, { ignoreUnknown: opts.ignoreUnknownColumns, firstDataRow });
  if (columns.issues.length > 0) return { encoding, format, headerIssues: columns.issues, rows: [], invalid: [] };

  const records = table.records.filter((r) => !isBlankRecord(r.fields));
  const rowOpts = {
    baseDir: dirname(opts.csvPath),
    extraSerials: opts.extraSerials,
    fixPictures: opts.fixPictures,
    now: opts.now,
    zone: opts.zone,
    resolvePicture: createPictureResolver(),
    decodePictures: opts.decodePictures,
    alwaysDecode: opts.alwaysDecode,
    keepPicture: opts.keepPicture,
  };
  const results = await mapLimited(
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
  return { encoding, format, headerIssues: [], rows, invalid };
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
/**
 * `loaded` checked against the cloud's device list, read by `read` (import and sync alike). The
 * file's own problems need no cloud: when the list cannot be read (a refused token, no network) and
 * the file has problems, `invalid(loaded)` is thrown (exit 2, every problem named) instead of the
 * read's error; without problems, or without `invalid` (import --skip-invalid), the read's error.
 */
export async function withDeviceList(
  loaded: LoadedRows,
  read: () => Promise<ReadonlySet<string>>,
  invalid: ((loaded: LoadedRows) => Error) | undefined,
): Promise<{ loaded: LoadedRows; known: ReadonlySet<string> }> {
  let known: ReadonlySet<string>;
  try {
    known = await read();
  } catch (err) {
    if (invalid && loaded.invalid.length > 0) throw invalid(loaded);
    throw err;
  }
  return { loaded: applyDeviceList(loaded, known), known };
}

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
