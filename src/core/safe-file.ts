/**
 * Every file facetctl writes goes through this module (exports, their state files, binary answers,
 * pictures, config backups, the import journal and report).
 *
 * - Checked before the first request: `checkOutputFile` / `checkOutputFolder` refuse a missing
 *   folder, a directory given as a file, an unwritable folder or a symbolic link where an
 *   append-only file goes, as a UsageError (exit 2, nothing sent).
 * - Whole or not at all: `openAtomicFile` writes to an unpredictable temporary name in the target's
 *   own folder (`.NAME.facetctl-tmp-PID-RANDOM`), created with O_CREAT|O_EXCL|O_NOFOLLOW so a link
 *   planted at that name is never followed, fsynced, then renamed over the target; the folder is
 *   fsynced so the rename survives a power cut.
 * - Left-overs: temporary files of runs that were killed (their PID no longer runs) are removed by
 *   the next run that writes into the same folder.
 * - Append-only files (the import journal) are opened O_APPEND|O_NOFOLLOW: a link is refused.
 */

import { constants, type Stats } from 'node:fs';
import { access, type FileHandle, lstat, mkdir, open, readdir, readlink, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { RuntimeError, UsageError } from './errors.js';
import { randomBytes } from './node-crypto.js';

/**
 * The writing process, as the Context gives it (`ctx.processes`; only src/cli.ts reads `process`):
 * its id, written into temporary names, and whether another id still runs (on Unix `kill(pid, 0)`,
 * EPERM counting as running). Tests inject their own.
 */
export interface ProcessProbe {
  /** This process's id. */
  readonly pid: number;
  /** Whether the process `pid` still runs: a temporary file it left is then not stale. */
  isRunning(pid: number): boolean;
}

/** Infix of every temporary file; the PID after it tells whether its writer still runs. */
export const TEMP_INFIX = '.facetctl-tmp-';
const TEMP_NAME = /^\..*\.facetctl-tmp-(\d+)-[0-9a-f]+$/;

const { O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_APPEND } = constants;
/** Absent on Windows, where links need privileges to create; 0 keeps the flags valid there. */
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;

export interface AtomicFile {
  /** Where the bytes go until `publish` (absolute when the target was). */
  readonly tempPath: string;
  readonly target: string;
  write(chunk: Buffer | string): Promise<void>;
  /** fsync and close: the bytes are on disk under the temporary name. */
  sync(): Promise<void>;
  /** Inode of the temporary file, which the target has once renamed (see export-commit.ts). */
  inode(): Promise<number>;
  /** Rename over the target and fsync the folder (after `sync`). */
  publish(): Promise<void>;
  /** sync + publish. */
  commit(): Promise<void>;
  /** Close and delete the temporary file; the target is untouched. */
  abort(): Promise<void>;
}

/** Folders this process already cleaned of stale temporaries. */
const cleaned = new Set<string>();

/** Longest file name most file systems take (ext4, XFS, APFS, NTFS: 255 bytes or UTF-16 units). */
const NAME_MAX_BYTES = 255;

/** The longest start of `text` that is at most `bytes` bytes of UTF-8, cut between characters. */
function utf8Prefix(text: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of text) {
    used += Buffer.byteLength(ch, 'utf8');
    if (used > bytes) break;
    out += ch;
  }
  return out;
}

/**
 * `.NAME.facetctl-tmp-PID-RANDOM` beside the target: same file system, so the rename is atomic. A
 * name too long for that (a long Japanese file name: 3 bytes a character) is cut to fit; the random
 * part keeps temporaries apart.
 */
export function tempPathFor(owner: ProcessProbe, target: string): string {
  const suffix = `${TEMP_INFIX}${owner.pid}-${randomBytes(8).toString('hex')}`;
  const room = NAME_MAX_BYTES - 1 - Buffer.byteLength(suffix, 'utf8');
  return join(dirname(target), `.${utf8Prefix(basename(target), room)}${suffix}`);
}

/** Where the system keeps devices and process files, not data. */
const SYSTEM_DIRS = ['/dev/', '/proc/', '/sys/'];

/**
 * `path`, or the first hop of the link chain at `path` (at most 8), that lies in a system folder
 * (/dev, /proc, /sys); undefined when none does.
 */
async function systemPath(path: string): Promise<string | undefined> {
  let at = resolve(path);
  for (let hop = 0; hop < 8; hop++) {
    if (SYSTEM_DIRS.some((d) => at.startsWith(d))) return at;
    let target: string;
    try {
      target = await readlink(at);
    } catch {
      return undefined; // not a link (or not there): nothing further to follow
    }
    at = resolve(dirname(at), target);
  }
  return undefined;
}

/** What a path that is not a regular file is, for messages. */
function kindOf(st: Awaited<ReturnType<typeof lstat>>): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Removes the temporary files that killed runs left in `dir` (writer PID no longer running).
 * Returns how many were removed. Never fails: an unreadable folder is reported by the write itself.
 */
export async function cleanStaleTemps(owner: ProcessProbe, dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    const pid = Number(m?.[1]);
    if (!m || pid === owner.pid || owner.isRunning(pid)) continue;
    try {
      await unlink(join(dir, name));
      removed++;
    } catch {
      // Gone already (another run cleaned it) or not ours to remove.
    }
  }
  return removed;
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a folder; the rename is still atomic there.
  } finally {
    await fh?.close().catch(() => {});
  }
}

/**
 * A read-only file says "keep me": the rename would replace it all the same (its folder is writable),
 * so it is refused as cp and curl -o refuse it. `label` names it in the message (`--out FILE`, FILE).
 * @throws UsageError (exit 2) when `path` is a file this process may not write (root may write any)
 */
async function refuseReadOnly(path: string, label: string): Promise<void> {
  const writable = await access(path, constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable) {
    throw new UsageError(
      `${label}: the file is read-only, so it is not replaced; make it writable (chmod u+w) or name another file`,
    );
  }
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/**
 * A file to be written at `path` (given as `flag`, e.g. `--out`): its folder must exist and be
 * writable, and the path must not be a folder, a system path, a device or pipe, or a read-only file.
 * Throws UsageError (exit 2) before anything is sent. `dashIsStdout`: the flag takes `-` for stdout
 * (`--out -`, `--report -`), which the refusal of a device or pipe then suggests.
 */
export async function checkOutputFile(
  path: string,
  flag: string,
  opts: { dashIsStdout?: boolean } = {},
): Promise<void> {
  const instead = opts.dashIsStdout
    ? `Give ${flag} - to write to stdout (and redirect it), or name a regular file`
    : 'Name a regular file';
  const dir = dirname(path);
  if (Buffer.byteLength(basename(path), 'utf8') > NAME_MAX_BYTES) {
    throw new UsageError(`${flag} ${path}: the file name is longer than ${NAME_MAX_BYTES} bytes; give a shorter one`);
  }
  // The system's own files (/dev/stdout, /dev/fd/1, /proc/self/fd/1) and links to them: the rename
  // would replace the link itself (as root, the system's /dev/stdout), whatever it points to now.
  const system = await systemPath(path);
  if (system) {
    throw new UsageError(
      `${flag} ${path}: is ${system === path ? 'a system path' : `a link to ${system}`}, not a regular file; ${flag} is written as a new file renamed over the path, which would replace it. ${instead}`,
    );
  }
  try {
    const target = await stat(path);
    if (target.isDirectory()) {
      throw new UsageError(`${flag} ${path}: is a folder; give a file name (e.g. ${join(path, 'out.csv')})`);
    }
    // The file is written whole under another name and renamed over the path: a device, a pipe
    // (/dev/null, /dev/stdout) or a link to one would be replaced by a regular file.
    if (!target.isFile()) {
      const link = (await lstat(path)).isSymbolicLink() ? 'a link to ' : '';
      throw new UsageError(
        `${flag} ${path}: is ${link}${kindOf(target)}, not a regular file; ${flag} is written as a new file renamed over the path, which would replace it. ${instead}`,
      );
    }
    await refuseReadOnly(path, `${flag} ${path}`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // ENOENT is the usual case (a new file, or a link to nothing); anything else is reported by the
    // folder checks below.
  }
  let folder: Awaited<ReturnType<typeof stat>>;
  try {
    folder = await stat(dir);
  } catch (err) {
    if (errCode(err) === 'ENOENT') throw new UsageError(`${flag} ${path}: the folder ${dir} does not exist`);
    throw new UsageError(`${flag} ${path}: cannot use the folder ${dir}: ${(err as Error).message}`);
  }
  if (!folder.isDirectory()) throw new UsageError(`${flag} ${path}: ${dir} is not a folder`);
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${path}: the folder ${dir} is not writable`);
  }
}

/**
 * A folder that files will be written into (`--pictures DIR`, `config export --dir`): created when
 * missing (with its parents), refused when it is a file or not writable. UsageError, exit 2.
 */
export async function checkOutputFolder(dir: string, flag: string): Promise<void> {
  try {
    await ensureDir(dir);
  } catch (err) {
    throw new UsageError(`${flag} ${dir}: ${(err as Error).message}`);
  }
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${dir}: the folder is not writable`);
  }
}

/**
 * Opens a temporary file beside `target` (see the module comment). Stale temporaries of killed runs
 * in the same folder are removed first (`owner`: this process's id and the liveness probe, from the
 * Context). Errors: the OS error, wrapped as RuntimeError naming target.
 */
export async function openAtomicFile(owner: ProcessProbe, target: string, mode = 0o644): Promise<AtomicFile> {
  const dir = dirname(target);
  // A file replaced keeps its permissions when they are tighter than `mode` (an export of personal
  // data someone made 0600 stays 0600); a new file gets `mode` as the umask allows.
  let kept: number | undefined;
  let group: number | undefined;
  let existing: Stats | undefined;
  try {
    existing = await lstat(target);
  } catch {
    // No file there yet.
  }
  if (existing?.isFile()) {
    // Checked here too, for the files no flag names beforehand (config export's per-device files).
    await refuseReadOnly(target, target);
    kept = existing.mode & 0o777 & mode;
    group = existing.gid;
  }
  // Once per folder and process: an export saving 100,000 pictures must not list its folder each time.
  if (!cleaned.has(dir)) {
    cleaned.add(dir);
    await cleanStaleTemps(owner, dir);
  }
  const tempPath = tempPathFor(owner, target);
  let fh: FileHandle;
  try {
    // Never wider than the file it replaces, not even for a moment.
    fh = await open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, kept ?? mode);
  } catch (err) {
    throw new RuntimeError(`cannot create ${target}: ${(err as Error).message}`);
  }
  if (kept !== undefined) {
    // Its group too where we may set it (its owner's group, or any as root); else the folder's default.
    if (group !== undefined) await fh.chown(-1, group).catch(() => {});
    try {
      await fh.chmod(kept);
    } catch (err) {
      await fh.close().catch(() => {});
      await unlink(tempPath).catch(() => {});
      throw new RuntimeError(`cannot create ${target}: ${(err as Error).message}`);
    }
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  const file: AtomicFile = {
    tempPath,
    target,
    async write(chunk) {
      await fh.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    },
    async sync() {
      if (closed) return;
      await fh.sync();
      await close();
    },
    async inode() {
      return (await lstat(tempPath)).ino;
    },
    async publish() {
      await rename(tempPath, target);
      await fsyncDir(dirname(target));
    },
    async commit() {
      await file.sync();
      await file.publish();
    },
    async abort() {
      await close().catch(() => {});
      await unlink(tempPath).catch(() => {});
    },
  };
  return file;
}

/**
 * A Writable over an atomic file, for code that streams (the HTTP client's binary answers).
 * `end()` it and wait for 'finish' before `commit()`.
 */
export function atomicWritable(file: AtomicFile): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      file.write(chunk).then(() => callback(), callback);
    },
  });
}

/** Ends `stream` and resolves once every chunk reached the file (rejects with its error). */
export function endWritable(stream: Writable, last?: Buffer): Promise<void> {
  return new Promise<void>((res, rej) => {
    stream.once('error', rej);
    stream.end(last ?? Buffer.alloc(0), () => res());
  });
}

/** Replace `target` with `data` atomically (state files, pictures, config backups, reports); `owner` as openAtomicFile. */
export async function writeFileAtomic(
  owner: ProcessProbe,
  target: string,
  data: Buffer | string,
  mode = 0o644,
): Promise<void> {
  const file = await openAtomicFile(owner, target, mode);
  try {
    await file.write(data);
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  }
}

/**
 * O_DSYNC where the platform has it (Linux, macOS; not Windows): each write returns once its data is
 * on disk, as `write` then `fdatasync` would, in one system call and one trip through libuv's thread
 * pool instead of two.
 */
const O_DSYNC = constants.O_DSYNC ?? 0;

/**
 * Opens `path` for appending (and reading), creating it with `mode`; a symbolic link at `path` is
 * refused (UsageError), never followed. Used by the import journal. With `dsync`, the file is opened
 * O_DSYNC where the platform supports it. Answers the handle and `dsync`: true when every write is
 * durable when it returns, false when the caller must still `datasync()` after writing.
 */
export async function openAppendOnly(
  path: string,
  flag: string,
  mode = 0o600,
  opts: { dsync?: boolean } = {},
): Promise<{ fh: FileHandle; dsync: boolean }> {
  const dsync = opts.dsync === true && O_DSYNC !== 0;
  try {
    const fh = await open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | (dsync ? O_DSYNC : 0), mode);
    return { fh, dsync };
  } catch (err) {
    if (errCode(err) === 'ELOOP') throw new UsageError(`${flag} ${path}: is a symbolic link; refusing to follow it`);
    throw new RuntimeError(`cannot open ${path}: ${(err as Error).message}`);
  }
}

/** Refuses a symbolic link at `path` (the append-only files), before anything is sent. */
export async function refuseLink(path: string, flag: string): Promise<void> {
  try {
    if ((await lstat(path)).isSymbolicLink()) {
      throw new UsageError(`${flag} ${path}: is a symbolic link; refusing to follow it`);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
}

function cannotCreate(path: string, err: unknown): RuntimeError {
  return new RuntimeError(`cannot create the folder ${path}: ${(err as Error).message}`);
}

/**
 * `mkdir -p` without `fs.mkdir({ recursive: true })`: on Node 20 that call spins forever under some
 * virtual file systems (e.g. `/proc/nope`), and a cron job must fail, not hang.
 */
export async function ensureDir(path: string): Promise<void> {
  try {
    await mkdir(path);
    return;
  } catch (err) {
    const code = errCode(err);
    if (code === 'EEXIST') {
      if ((await stat(path)).isDirectory()) return;
      throw new RuntimeError(`${path} exists and is not a folder`);
    }
    if (code !== 'ENOENT' || dirname(path) === path) throw cannotCreate(path, err);
  }
  await ensureDir(dirname(path));
  try {
    await mkdir(path);
  } catch (err) {
    if (errCode(err) !== 'EEXIST') throw cannotCreate(path, err);
  }
}
