/**
 * `facetctl person import` without commander: validate the whole file, then (unless it is invalid)
 * send what the journal does not hold yet, and account for every row. The command module turns the
 * result into stderr lines, a report file and an exit code.
 */
import { ValidationError } from '../../core/errors.js';
import type { CsvEncoding } from './csv-decode.js';
import { importEndpoints } from './endpoints.js';
import { type JournalView, openJournal, readJournal } from './journal.js';
import {
  type CsvFormat,
  describeFormat,
  type LoadedRows,
  loadRows,
  serialsNamed,
  withDeviceList,
} from './load-rows.js';
import { KeptPictures, preparePicture } from './picture.js';
import { invalidLines } from './report.js';
import { hashForTarget } from './row-validate.js';
import { type ImportProgress, type RunImportOptions, runImport } from './run-import.js';
import { formatIssue, type ImportClient, type InvalidRow, type PersonRow, type ReportLine } from './types.js';

export interface ImportOptions {
  /** Absolute path of the CSV. */
  csvPath: string;
  encoding?: CsvEncoding;
  ignoreUnknownColumns: boolean;
  /** --serial, for every row. */
  serials: readonly string[];
  fixPictures: boolean;
  skipInvalid: boolean;
  dryRun: boolean;
  remoteCheck: boolean;
  override: boolean;
  noImage: boolean;
  concurrency: number;
  journalPath: string;
  /** Start the journal over. */
  freshJournal: boolean;
  /** The cloud's base URL, asked once the file is valid: a journal written against another cloud does not count. */
  target: () => Promise<string>;
  now: () => Date;
  /** The cloud's IANA zone that date cells are read in (default Asia/Tokyo). */
  zone?: string;
  signal: AbortSignal;
  /** Created only once the file is known to be valid, so a bad file needs no connection. */
  client: () => Promise<ImportClient>;
  /** Told once the file is validated, before anything is sent. */
  onValidated?: (loaded: LoadedRows) => void;
  onProgress?: (p: ImportProgress) => void;
  onRetry?: RunImportOptions['onRetry'];
  /** Retry tuning (tests use short waits). */
  retry?: RunImportOptions['retry'];
  /** Bytes of validated pictures kept for sending (default KEPT_PICTURES_BUDGET; 0 reads every one again). */
  keptPicturesBytes?: number;
}

export interface ImportResult {
  encoding: CsvEncoding;
  /** How the file was read (encoding, how it was decided, delimiter), for the summary. */
  format: CsvFormat;
  rows: number;
  invalid: InvalidRow[];
  lines: ReportLine[];
  cancelled: boolean;
  progress: ImportProgress;
  elapsedMs: number;
}

/** Invalid input, nothing sent (exit 2). Carries the rows so the command can still write its report. */
export class InvalidInputError extends ValidationError {
  constructor(
    fields: ConstructorParameters<typeof ValidationError>[0],
    message: string,
    readonly rows: readonly InvalidRow[],
    headline?: string,
  ) {
    super(fields, message, headline);
  }
}

/** The invalid-input error: every issue of every row, each naming its row and field. */
export function invalidInputError(
  invalid: readonly InvalidRow[],
  headerOnly = false,
  format?: CsvFormat,
  /** The headline's `--skip-invalid` hint (import has the flag, sync does not). */
  skipInvalidHint = true,
): InvalidInputError {
  const fields = invalid.flatMap((r) =>
    r.issues.map((i) => ({ name: `row ${r.row}, ${i.field}`, message: i.message })),
  );
  const lines = invalid.flatMap((r) => r.issues.map((i) => formatIssue(r.row, i)));
  const rows = new Set(invalid.map((r) => r.row)).size;
  const read = format ? ` (read as ${describeFormat(format)})` : '';
  const head = headerOnly
    ? `the CSV header is invalid${read}; nothing was sent`
    : `${rows} invalid row${rows === 1 ? '' : 's'}${read}; nothing was sent${skipInvalidHint ? ' (--skip-invalid imports the valid ones)' : ''}`;
  return new InvalidInputError(fields, [head, ...lines].join('\n'), headerOnly ? [] : invalid, head);
}

async function listDevices(client: ImportClient): Promise<Set<string>> {
  const answer = await client.call(importEndpoints().devices, {});
  const body = answer.kind === 'json' ? answer.body : undefined;
  const list: unknown[] = Array.isArray(body) ? body : [];
  return new Set(list.map((d) => String((d as { serialNo?: unknown }).serialNo ?? '')));
}

/** Bytes of validated pictures kept for sending (see KeptPictures): about 1,300 photos of 50 KB. */
export const KEPT_PICTURES_BUDGET = 64 * 1024 * 1024;

/**
 * The picture to send for a row: the bytes kept from validation when there are some, else the file
 * read again (and fixed again with `fix`), refused when it is not the file that was validated.
 */
export function pictureLoader(fix: boolean, kept?: KeptPictures): (row: PersonRow) => Promise<Buffer> {
  const maxBase64 = importEndpoints().regist.params.picture?.maxBytes ?? Number.POSITIVE_INFINITY;
  return async (row) => {
    const ref = row.picture;
    if (!ref) throw new Error('the row has no picture');
    const held = kept?.take(ref);
    if (held) return held;
    const got = await preparePicture(ref.path, ref.written, { fix, maxBase64, expectSha256: ref.sha256 });
    if (!got.ok) throw new Error(got.message);
    return got.picture.bytes;
  };
}

export async function importPersons(opts: ImportOptions): Promise<ImportResult> {
  const started = Date.now();
  const kept = new KeptPictures(opts.keptPicturesBytes ?? KEPT_PICTURES_BUDGET);
  let loaded = await loadRows({
    csvPath: opts.csvPath,
    encoding: opts.encoding,
    ignoreUnknownColumns: opts.ignoreUnknownColumns,
    extraSerials: opts.serials,
    fixPictures: opts.fixPictures,
    // Without the cloud's checkPersonPicture, nothing else would find a garbled picture before toDevice.
    alwaysDecode: !opts.remoteCheck,
    now: opts.now(),
    zone: opts.zone,
    signal: opts.signal,
    keepPicture: (ref, bytes) => kept.keep(ref, bytes),
  });
  if (loaded.headerIssues.length > 0) {
    throw invalidInputError([{ row: 1, serials: [], issues: loaded.headerIssues }], true, loaded.format);
  }
  // The device list joins the file's own problems; a file with problems is reported even when the
  // list cannot be read (a bad token, no network): those problems need no cloud.
  let connected: ImportClient | undefined;
  if (serialsNamed(loaded).size > 0) {
    const read = async () => {
      connected = await opts.client();
      return listDevices(connected);
    };
    const invalid = opts.skipInvalid ? undefined : (l: LoadedRows) => invalidInputError(l.invalid, false, l.format);
    loaded = (await withDeviceList(loaded, read, invalid)).loaded;
  }
  if (loaded.invalid.length > 0 && !opts.skipInvalid) throw invalidInputError(loaded.invalid, false, loaded.format);
  const client = connected ?? (await opts.client());
  opts.onValidated?.(loaded);
  const target = await opts.target();
  const rows = loaded.rows.map((r) => ({ ...r, rowHash: hashForTarget(r.rowHash, target) }));

  let journal: JournalView;
  const writable = opts.dryRun ? undefined : await openJournal(opts.journalPath, { fresh: opts.freshJournal });
  if (writable) journal = writable;
  else journal = opts.freshJournal ? { loaded: 0, isDone: () => false } : await readJournal(opts.journalPath);
  try {
    const run = await runImport({
      client,
      rows,
      journal,
      concurrency: opts.concurrency,
      remoteCheck: opts.remoteCheck,
      override: opts.override,
      noImage: opts.noImage,
      dryRun: opts.dryRun,
      signal: opts.signal,
      now: opts.now,
      loadPicture: pictureLoader(opts.fixPictures, kept),
      retry: opts.retry,
      onProgress: opts.onProgress,
      onRetry: opts.onRetry,
    });
    return {
      encoding: loaded.encoding,
      format: loaded.format,
      rows: loaded.rows.length + loaded.invalid.length,
      invalid: loaded.invalid,
      lines: [...invalidLines(loaded.invalid), ...run.lines].sort((a, b) => a.row - b.row),
      cancelled: run.cancelled,
      progress: run.progress,
      elapsedMs: Date.now() - started,
    };
  } finally {
    await writable?.close();
  }
}
