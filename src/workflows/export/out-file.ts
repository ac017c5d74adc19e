/**
 * What an export's `--out FILE` already holds: kept (`--append`), replaced (`--overwrite`, or a
 * plain export), or refused. With `--state` each run writes only the rows since the last one, so a
 * FILE that is there holds rows no later run writes again: replacing it by default would lose them
 * (a cron line with a fixed `--out logs.csv` kept only its last run's rows). It is refused unless the
 * user chose (exit 2, before the first request).
 *
 * `--append` keeps the commit of export-commit.ts whole: the temporary file starts as a copy of FILE,
 * the new rows follow, and the rename puts both in place at once. A kill at any moment leaves FILE as
 * it was or with every row of the run, never half of them. The copy costs one read of FILE per run.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';
import { type AtomicFile, openAtomicFile, type ProcessProbe } from '../../core/safe-file.js';
import { csvHeaderLine, type ExportFormat } from './row-writer.js';

export interface OutTarget {
  /** Absolute path of `--out`. */
  out: string;
  format: ExportFormat;
  columns: readonly string[];
  /** CSV formula escaping changes nothing in the header, but the header is built as the writer builds it. */
  escapeFormulas?: boolean;
  append?: boolean;
  overwrite?: boolean;
  /** `--state` was given. */
  incremental: boolean;
  /** CSV: the bytes the rows are written in (`--encoding`). */
  encoding?: 'utf8' | 'cp932';
}

/** Whether `bytes` are UTF-8, a character cut at the very end (the probe's edge) allowed. */
function isUtf8(bytes: Uint8Array): boolean {
  for (let cut = 0; cut < 4 && cut <= bytes.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
      return true;
    } catch {
      // try without the last bytes
    }
  }
  return false;
}

/**
 * Why rows of this run cannot follow the file's first bytes (`probe`), or undefined: another
 * layout (ndjson onto CSV and back), or another encoding (CP932 rows onto UTF-8 text and back).
 */
function mismatch(t: OutTarget, probe: Buffer): string | undefined {
  const body = probe.subarray(0, 3).equals(UTF8_BOM) ? probe.subarray(3) : probe;
  if (t.format === 'ndjson') {
    return body[0] === 0x7b ? undefined : 'its first line is not a JSON object, so it is not an ndjson file';
  }
  const nonAscii = body.some((b) => b >= 0x80);
  if (t.encoding === 'cp932') {
    if (body !== probe) return 'it is UTF-8 (it starts with a byte order mark): leave out --encoding cp932';
    if (nonAscii && isUtf8(body)) return 'its text is UTF-8: leave out --encoding cp932';
  } else if (nonAscii && !isUtf8(body)) {
    return 'it holds bytes that are not UTF-8 (a CP932 file?): give --encoding cp932';
  }
  return undefined;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Bytes read to find the header line of a CSV `--append` adds to. */
const HEADER_PROBE_BYTES = 64 * 1024;

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** FILE opened for reading without following a link; undefined when it does not exist. UsageError otherwise. */
async function openExisting(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (code(err) === 'ENOENT') return undefined;
    if (code(err) === 'ELOOP')
      throw new UsageError(`--out ${path}: is a symbolic link; --append adds only to a regular file`);
    throw new UsageError(`--out ${path}: cannot read it to append: ${(err as Error).message}`);
  }
}

/**
 * Checks `--out` against what is there (UsageError naming the flag, exit 2; nothing sent): with
 * `--append`, FILE when present is a regular file and, for CSV, starts with this run's header; with
 * `--state` and neither `--append` nor `--overwrite`, FILE must not exist.
 */
export async function checkOutTarget(t: OutTarget): Promise<void> {
  if (t.append && t.overwrite) throw new UsageError('--append and --overwrite cannot be combined');
  if (t.append && t.format === 'json') {
    throw new UsageError('--append cannot add rows to a JSON array (-o json): use -o ndjson or -o csv');
  }
  if (!t.append) {
    if (!t.incremental || t.overwrite) return;
    const fh = await openExisting(t.out).catch(() => undefined);
    if (!fh) return;
    await fh.close();
    throw new UsageError(
      `--out ${t.out}: the file is there, and with --state each run writes only the rows since the last one, so replacing it would lose the rows it holds. ` +
        'Add the new rows to it with --append, replace it with --overwrite, or give each run its own file (e.g. --out "logs-$(date +%F-%H%M).csv").',
    );
  }
  const fh = await openExisting(t.out);
  if (!fh) return;
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new UsageError(`--out ${t.out}: not a regular file; --append adds only to one`);
    if (st.size === 0) return;
    const probe = Buffer.alloc(Math.min(HEADER_PROBE_BYTES, st.size));
    const { bytesRead } = await fh.read(probe, 0, probe.length, 0);
    const why = mismatch(t, probe.subarray(0, bytesRead));
    if (why) throw new UsageError(`--out ${t.out}: ${why}; rows of this export cannot be added to it`);
    if (t.format !== 'csv') return;
    let head = probe.subarray(0, bytesRead);
    if (head.subarray(0, 3).equals(UTF8_BOM)) head = head.subarray(3);
    const end = head.indexOf(0x0a);
    const firstLine = head.subarray(0, end < 0 ? head.length : end);
    const line = firstLine.toString('latin1').replace(/\r$/, '');
    // Shown as text (UTF-8 when it is; CP932 bytes as they are, replaced): not byte by byte.
    const shown = new TextDecoder('utf-8').decode(firstLine).replace(/\r$/, '');
    const expected = await csvHeaderLine({ columns: t.columns, escapeFormulas: t.escapeFormulas });
    if (line !== expected) {
      throw new UsageError(
        `--out ${t.out}: its first line is not this export's CSV header, so rows cannot be added to it.\n` +
          `  the file: ${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}\n` +
          `  expected: ${expected}`,
      );
    }
  } finally {
    await fh.close();
  }
}

/** How the lines of a file end. */
export type LineEnd = '\n' | '\r\n';

/**
 * The atomic file an export writes: empty, or with `--append` a copy of FILE's bytes (ending with a
 * line end), so the writer adds rows only (`continuing`), ending them as FILE's first line ends
 * (`lineEnd`: CR LF for a file saved on Windows, else LF). The new file keeps FILE's permission bits.
 * Errors: RuntimeError from openAtomicFile; UsageError when FILE changed into something else since
 * the check.
 */
export async function openOutFile(
  owner: ProcessProbe,
  t: Pick<OutTarget, 'out' | 'append'>,
): Promise<{ file: AtomicFile; continuing: boolean; lineEnd: LineEnd }> {
  const fh = t.append ? await openExisting(t.out) : undefined;
  if (!fh) return { file: await openAtomicFile(owner, t.out), continuing: false, lineEnd: '\n' };
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new UsageError(`--out ${t.out}: not a regular file; --append adds only to one`);
    const file = await openAtomicFile(owner, t.out, st.mode & 0o777);
    if (st.size === 0) return { file, continuing: false, lineEnd: '\n' };
    try {
      const chunk = Buffer.allocUnsafe(1024 * 1024);
      let last = -1;
      let lineEnd: LineEnd | undefined;
      let beforeEnd = -1;
      for (;;) {
        const { bytesRead } = await fh.read(chunk, 0, chunk.length, null);
        if (bytesRead === 0) break;
        if (lineEnd === undefined) {
          const nl = chunk.subarray(0, bytesRead).indexOf(0x0a);
          if (nl >= 0) lineEnd = (nl > 0 ? chunk[nl - 1] : beforeEnd) === 0x0d ? '\r\n' : '\n';
        }
        await file.write(chunk.subarray(0, bytesRead));
        last = chunk[bytesRead - 1];
        beforeEnd = last;
      }
      // A file saved on Windows (or by Excel) ends its lines with CR LF: the new rows do the same.
      const ends = lineEnd ?? '\n';
      if (last !== -1 && last !== 0x0a) await file.write(Buffer.from(ends));
      return { file, continuing: last !== -1, lineEnd: ends };
    } catch (err) {
      await file.abort();
      throw err;
    }
  } finally {
    await fh.close();
  }
}
