/**
 * The one way facetctl reads a file the user named (`--picture`, `--logo`, `--ca-cert`, config
 * files, the import CSV and its pictures, `api -f key=@file`). Only a regular, non-empty file is
 * read: a FIFO, a directory, a device or a socket is refused at once (opening a FIFO to read would
 * otherwise wait forever for a writer, deaf to Ctrl-C), and an empty file is called empty instead of
 * turning into a "missing parameter" further on.
 *
 * The file is opened non-blocking and judged by `fstat` on the open handle, so what is checked is
 * what is read (no window between a check and the read).
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { UsageError } from './errors.js';

export type InputFileResult = { ok: true; bytes: Buffer } | { ok: false; reason: string; code: string };

/** O_NONBLOCK where the platform has it (not on Windows, which has no FIFOs to open this way). */
const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function kindProblem(st: Stats): { reason: string; code: string } | undefined {
  if (st.isFile()) return st.size === 0 ? { reason: 'is empty (0 bytes)', code: 'EMPTY' } : undefined;
  if (st.isDirectory()) return { reason: 'is a folder, not a file', code: 'EISDIR' };
  if (st.isFIFO()) return { reason: 'is a named pipe (FIFO), not a file', code: 'FIFO' };
  if (st.isCharacterDevice() || st.isBlockDevice()) return { reason: 'is a device, not a file', code: 'DEVICE' };
  if (st.isSocket()) return { reason: 'is a socket, not a file', code: 'SOCKET' };
  return { reason: 'is not a regular file', code: 'NOTFILE' };
}

function openProblem(err: unknown): { reason: string; code: string } {
  const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
  switch (code) {
    case 'ENOENT':
      return { reason: 'no such file', code };
    case 'EISDIR':
      return { reason: 'is a folder, not a file', code };
    case 'EACCES':
    case 'EPERM':
      return { reason: 'cannot be read (permission denied)', code };
    case 'ENXIO':
      return { reason: 'is a socket or device, not a file', code };
    default:
      return { reason: `cannot be read (${code})`, code };
  }
}

/**
 * node:fs/promises, loaded on the first asynchronous read and kept: every API call loads this module
 * (connection.ts reads --ca-cert synchronously) and most never read a file this way; loading it cost
 * ~5 ms of start-up. Kept as a promise, so an import reading 400 pictures imports it once.
 */
let fsPromises: Promise<typeof import('node:fs/promises')> | undefined;

/**
 * Reads a regular, non-empty file. Never throws for the file's own problems: `{ok: false, reason}`
 * says why in words that follow the path (`is empty (0 bytes)`, `is a named pipe (FIFO), not a
 * file`, `no such file`); `code` is the errno or EMPTY/FIFO/DEVICE/SOCKET/NOTFILE.
 */
export async function tryReadInputFile(path: string): Promise<InputFileResult> {
  fsPromises ??= import('node:fs/promises');
  const { open } = await fsPromises;
  let handle: FileHandle;
  try {
    handle = await open(path, FLAGS);
  } catch (err) {
    return { ok: false, ...openProblem(err) };
  }
  try {
    const problem = kindProblem(await handle.stat());
    if (problem) return { ok: false, ...problem };
    return { ok: true, bytes: await handle.readFile() };
  } catch (err) {
    return { ok: false, ...openProblem(err) };
  } finally {
    await handle.close();
  }
}

/**
 * Reads the file a flag names, or throws a UsageError (exit 2, nothing sent):
 * `--picture: cannot read 'face.jpg': is empty (0 bytes)`. `label` is the flag or setting.
 */
export async function readInputFile(path: string, label: string, shown = path): Promise<Buffer> {
  const got = await tryReadInputFile(path);
  if (!got.ok) throw new UsageError(`${label}: cannot read '${shown}': ${got.reason}`);
  return got.bytes;
}

/** The synchronous form of `tryReadInputFile`, for settings resolved synchronously (`--ca-cert`). */
export function tryReadInputFileSync(path: string): InputFileResult {
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (err) {
    return { ok: false, ...openProblem(err) };
  }
  try {
    const problem = kindProblem(fstatSync(fd));
    if (problem) return { ok: false, ...problem };
    return { ok: true, bytes: readFileSync(fd) };
  } catch (err) {
    return { ok: false, ...openProblem(err) };
  } finally {
    closeSync(fd);
  }
}
