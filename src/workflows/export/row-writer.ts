/**
 * One writer for all devices of an export: rows are formatted a page at a time and written whole,
 * so rows of different devices may interleave by page but never inside a row. Output is pushed with
 * back-pressure, so a slow disk or pipe slows the page loops instead of filling memory.
 */
import { encodeCp932 } from '../../core/cp932.js';
import { jsonPageFormatter, orderRow } from './columns.js';

export type ExportFormat = 'csv' | 'ndjson' | 'json';
export type CsvEncoding = 'utf8' | 'cp932';

/** Where formatted bytes go: an atomic file or stdout. */
export interface ByteSink {
  write(chunk: Buffer): Promise<void>;
  /** UTF-8 text, encoded straight into the sink's own buffer (no Buffer per page); else `write`. */
  writeText?(text: string): Promise<void>;
  /** Hand on anything held back; called by the writer's end(). */
  flush?(): Promise<void>;
}

export interface RowWriterOptions {
  format: ExportFormat;
  columns: readonly string[];
  /** CSV only: UTF-8 byte order mark, so Excel detects UTF-8. */
  bom?: boolean;
  /** CSV only. JSON is always UTF-8. */
  encoding?: CsvEncoding;
  /** CSV only: neutralise cells a spreadsheet would run (core/untrusted-text escapeCsvFormulas). */
  escapeFormulas?: boolean;
  /** CP932 only: written for characters CP932 cannot hold (default `?`). */
  replacement?: string;
  /** CP932 only: a row held characters CP932 cannot hold; `label` names it (rowLabel, else `row N`). */
  onUnmappable?: (label: string, chars: string[]) => void;
  /** How onUnmappable names a row, e.g. `7L11R010014 log 1052`. */
  rowLabel?: (row: Record<string, unknown>) => string;
  /**
   * The sink already holds rows of this layout (`--append`): no byte order mark, CSV header or JSON
   * opening bracket; only rows. Not for `json` (an array cannot be added to).
   */
  continuing?: boolean;
  /** How each row's line ends (default LF); `--append` follows the file's own (out-file.ts). */
  lineEnd?: '\n' | '\r\n';
}

/** What an export command decides about CSV safety, handed through the workflow to the writer. */
export type CsvSafetyOptions = Pick<RowWriterOptions, 'escapeFormulas' | 'replacement' | 'onUnmappable'>;

export interface RowWriter {
  /**
   * Format and write rows as the API answered them: documented columns first, in order, then any
   * field a newer API adds (columns.ts orderRow); `serialNo`, when given, is the serialNo column.
   * Resolves when the sink accepted them.
   */
  writeRows(rows: readonly Record<string, unknown>[], serialNo?: string): Promise<void>;
  /** Header (CSV) or brackets (JSON) for an empty export, and the closing bracket. */
  end(): Promise<void>;
  readonly rowsWritten: number;
}

type StringifySync = (input: unknown[], opts: Record<string, unknown>) => string;

function csvOptionsOf(opts: Pick<RowWriterOptions, 'columns' | 'format' | 'escapeFormulas' | 'lineEnd'>) {
  return {
    columns: [...opts.columns],
    record_delimiter: opts.lineEnd === '\r\n' ? 'windows' : 'unix',
    cast: { boolean: (v: boolean) => (v ? 'true' : 'false') },
    escape_formulas: opts.format === 'csv' && opts.escapeFormulas === true,
  };
}

/**
 * The CSV header line a writer with these options starts with, without its line end (ASCII: the
 * columns are the documents' field names), for checking a file `--append` adds to.
 */
export async function csvHeaderLine(opts: Pick<RowWriterOptions, 'columns' | 'escapeFormulas'>): Promise<string> {
  const stringify = await loadStringify();
  return stringify([], { ...csvOptionsOf({ ...opts, format: 'csv' }), header: true }).replace(/\r?\n$/, '');
}

/** Loaded lazily: only exports need csv-stringify. */
async function loadStringify(): Promise<StringifySync> {
  const mod = await import('csv-stringify/sync');
  return mod.stringify as unknown as StringifySync;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A piece of output: bytes, or UTF-8 text the sink encodes itself (ByteSink.writeText). */
type Chunk = Buffer | string;

export async function createRowWriter(sink: ByteSink, opts: RowWriterOptions): Promise<RowWriter> {
  const stringify = opts.format === 'csv' ? await loadStringify() : undefined;
  const cp932 = opts.format === 'csv' && opts.encoding === 'cp932';
  const encode = (text: string): Chunk => (cp932 ? encodeCp932(text, opts.replacement).bytes : text);
  const put = (chunk: Chunk): Promise<void> => {
    if (typeof chunk !== 'string') return sink.write(chunk);
    return sink.writeText ? sink.writeText(chunk) : sink.write(Buffer.from(chunk, 'utf8'));
  };
  const jsonPage = jsonPageFormatter(opts.columns);
  const lineEnd = opts.lineEnd ?? '\n';
  const csvOptions = csvOptionsOf(opts);
  const csvText = (rows: readonly Record<string, unknown>[]): string =>
    stringify?.([...rows], { ...csvOptions, header: false }) ?? '';
  /** CP932: the page's bytes; when some characters were missing, find and name the rows that held them. */
  const encodeRows = (text: string, rows: readonly Record<string, unknown>[], first: number): Chunk => {
    if (!cp932) return text;
    const done = encodeCp932(text, opts.replacement);
    if (done.unmappable.length === 0 || !opts.onUnmappable) return done.bytes;
    rows.forEach((row, i) => {
      const missing = encodeCp932(csvText([row]), opts.replacement).unmappable;
      if (missing.length) opts.onUnmappable?.(opts.rowLabel?.(row) ?? `row ${first + i + 1}`, missing);
    });
    return done.bytes;
  };
  if (opts.continuing && opts.format === 'json') throw new Error('a JSON array cannot be continued');
  let started = opts.continuing === true;
  let count = 0;
  // One chain of writes so concurrent page loops cannot interleave bytes of two pages.
  let queue: Promise<void> = Promise.resolve();

  const preamble = (): string => {
    if (opts.format === 'csv') return stringify?.([], { ...csvOptions, header: true }) ?? '';
    if (opts.format === 'json') return '[';
    return '';
  };

  /** JSON lines of a page (rows as answered), built without a reordered copy of any row (columns.ts). */
  const jsonText = (rows: readonly Record<string, unknown>[], serialNo: string | undefined): string => {
    if (opts.format === 'ndjson') return `${jsonPage(rows, serialNo, lineEnd)}${lineEnd}`;
    return `${count === 0 ? '\n' : ',\n'}${jsonPage(rows, serialNo, ',\n')}`;
  };

  const enqueue = (make: () => Chunk[]): Promise<void> => {
    const next = queue.then(async () => {
      for (const chunk of make()) await put(chunk);
    });
    queue = next.catch(() => {});
    return next;
  };

  const start = (): Chunk[] => {
    if (started) return [];
    started = true;
    const chunks: Chunk[] = [];
    if (opts.format === 'csv' && opts.bom) chunks.push(UTF8_BOM);
    const head = preamble();
    if (head) chunks.push(encode(head));
    return chunks;
  };

  return {
    get rowsWritten() {
      return count;
    },
    writeRows(rows, serialNo) {
      if (rows.length === 0) return Promise.resolve();
      return enqueue(() => {
        const chunks = start();
        if (opts.format === 'csv') {
          const ordered = rows.map((r) => orderRow(opts.columns, r, serialNo));
          chunks.push(encodeRows(csvText(ordered), ordered, count));
        } else chunks.push(jsonText(rows, serialNo));
        count += rows.length;
        return chunks;
      });
    },
    async end() {
      await enqueue(() => {
        const chunks = start();
        if (opts.format === 'json') chunks.push(count === 0 ? ']\n' : '\n]\n');
        return chunks;
      });
      await sink.flush?.();
    },
  };
}
