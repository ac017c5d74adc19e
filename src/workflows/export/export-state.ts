/**
 * The `--state FILE` of incremental exports: a high-water mark per serial, moved forward only after
 * the rows below it are safely written (renamed into place, or flushed to stdout).
 *
 * - Recognition logs: `lastId`, the largest id this export has covered; the next run wants id > lastId.
 *   `recheck` remembers preliminary records (id still null) seen at or after `recheck.from`: the
 *   next run also looks at rows from that time with id ≤ lastId, skipping `recheck.ids` (written
 *   already), so a record that gets a lower id after the fact is still exported exactly once.
 *   `pictureRetry` lists rows exported without their picture: the mark passed them, so they are
 *   fetched again by (time, id) on the next run with `--pictures`.
 * - Operation logs have no id: `lastTime` (wire format, compares as text), `windowFrom` and `keys`,
 *   the rows already written in the overlap window, and `rowsBefore` (see operate-window.ts).
 */
import { constants } from 'node:fs';
import { link, lstat, open, readdir, readFile, realpath, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RuntimeError, UsageError } from '../../core/errors.js';
import { randomBytes } from '../../core/node-crypto.js';
import { checkOutputFile, type ProcessProbe, writeFileAtomic } from '../../core/safe-file.js';

export interface RecogMark {
  lastId: number;
  /** Time of the newest row covered, for people reading the file. */
  lastTime?: string;
  recheck?: { from: string; ids: number[] };
  /** Rows exported whose picture could not be saved: the next run with `--pictures` tries again. */
  pictureRetry?: PictureRetry[];
}

export interface PictureRetry {
  id: number;
  /** The row's time, the only filter that finds it again (getRecogLog has no id filter). */
  time: string;
}

/**
 * Operation logs (no id): see operate-window.ts. An old state (`{lastTime, keys}` with the fields'
 * JSON as keys, the last second only) is read as a window of that second and saved in today's form.
 */
export interface OperateMark {
  /** Newest second written (wire format). */
  lastTime: string;
  /** Keys (`<time>#<hash>`, a multiset) of the rows written in [windowFrom, lastTime]. */
  keys: string[];
  /** Where the next run reads again from: the overlap window's start. Absent in old states (= lastTime). */
  windowFrom?: string;
  /** How many rows the cloud held before `windowFrom` at the last run: more now means rows came too late. */
  rowsBefore?: number;
}

/**
 * An output file written and synced under its temporary name, whose marks move once it is in place
 * (see export-commit.ts). Saved before the rename, removed with the marks applied after it.
 */
export interface PendingCommit {
  /** The target (`--out`), absolute. */
  file: string;
  /** The synced temporary file, absolute. */
  temp: string;
  /** Inode of the temporary file: the target has it once the rename happened. */
  inode: number;
  recog?: Record<string, RecogMark>;
  operate?: Record<string, OperateMark>;
}

export interface ExportState {
  version: 1;
  recog: Record<string, RecogMark>;
  operate: Record<string, OperateMark>;
  /** At most one per kind: recog and operate exports may share a state file. */
  pending?: { recog?: PendingCommit; operate?: PendingCommit };
}

export function emptyState(): ExportState {
  return { version: 1, recog: {}, operate: {} };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPictureRetryList(v: unknown): v is PictureRetry[] {
  return Array.isArray(v) && v.every((e) => isRecord(e) && typeof e.id === 'number' && typeof e.time === 'string');
}

/** A missing file is a first run; a damaged one stops the export (guessing could duplicate or lose rows). */
export async function loadState(path: string): Promise<ExportState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new RuntimeError(`cannot read state file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RuntimeError(
      `state file ${path} is not valid JSON; fix or remove it (removing exports everything again)`,
    );
  }
  if (!isRecord(parsed) || parsed.version !== 1) {
    throw new RuntimeError(`state file ${path} is not a facetctl export state (version 1)`);
  }
  const state = emptyState();
  if (isRecord(parsed.recog)) {
    for (const [serial, m] of Object.entries(parsed.recog)) {
      if (!isRecord(m) || typeof m.lastId !== 'number' || !Number.isFinite(m.lastId)) {
        throw new RuntimeError(`state file ${path}: recog mark of ${serial} has no numeric lastId`);
      }
      if (m.pictureRetry !== undefined && !isPictureRetryList(m.pictureRetry)) {
        throw new RuntimeError(`state file ${path}: pictureRetry of ${serial} must be a list of {id, time}`);
      }
      state.recog[serial] = m as unknown as RecogMark;
    }
  }
  if (isRecord(parsed.operate)) {
    for (const [serial, m] of Object.entries(parsed.operate)) {
      if (!isRecord(m) || typeof m.lastTime !== 'string' || !Array.isArray(m.keys)) {
        throw new RuntimeError(`state file ${path}: operate mark of ${serial} needs lastTime and keys`);
      }
      if (
        !m.keys.every((k) => typeof k === 'string') ||
        (m.windowFrom !== undefined && typeof m.windowFrom !== 'string') ||
        (m.rowsBefore !== undefined && (typeof m.rowsBefore !== 'number' || !(m.rowsBefore >= 0)))
      ) {
        throw new RuntimeError(
          `state file ${path}: operate mark of ${serial} needs string keys, a string windowFrom and a count rowsBefore`,
        );
      }
      state.operate[serial] = m as unknown as OperateMark;
    }
  }
  if (isRecord(parsed.pending)) {
    for (const [kind, p] of Object.entries(parsed.pending)) {
      if (kind !== 'recog' && kind !== 'operate') continue;
      if (!isRecord(p) || typeof p.file !== 'string' || typeof p.temp !== 'string' || typeof p.inode !== 'number') {
        throw new RuntimeError(`state file ${path}: pending ${kind} commit needs file, temp and inode`);
      }
      state.pending = { ...state.pending, [kind]: p as unknown as PendingCommit };
    }
  }
  return state;
}

/**
 * Checked before exporting (exit 2, nothing sent): a state that cannot be saved after the output is
 * written would make the next run write the same rows again.
 */
export async function assertStateWritable(path: string): Promise<void> {
  await checkOutputFile(path, '--state');
}

/** Written atomically (core/safe-file.ts); `owner` is the writing process from the Context. */
export async function saveState(owner: ProcessProbe, path: string, state: ExportState): Promise<void> {
  await writeFileAtomic(owner, path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

/**
 * The lock's own temporaries (`PATH.lock.PID-RANDOM`, `PATH.lock.stale-PID-RANDOM`) left by a run
 * killed between creating and removing one (microseconds), removed by the next holder of the lock
 * when their PID no longer runs. Best effort: a file that cannot be listed or removed stays.
 */
async function removeDeadLockTemps(owner: ProcessProbe, lockPath: string): Promise<void> {
  const prefix = `${basename(lockPath)}.`;
  const names = await readdir(dirname(lockPath)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(?:stale-)?(\d+)-[0-9a-f]{12}$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === owner.pid || owner.isRunning(pid)) continue;
    await unlink(join(dirname(lockPath), name)).catch(() => {});
  }
}

/**
 * Holds `PATH.lock` (mode 0600, the holder's PID inside) while a run uses `path` (an export's or a tail's state
 * file, or the file `--append` adds to), so that a run started while another is still going (a slow
 * cron run overtaken by the next) does not export the same rows again or lose them: it stops before
 * its first page with a RuntimeError (exit 1) naming the other PID. `what` names the use in that
 * message. A lock whose PID no longer runs (a killed run) is taken over.
 *
 * The lock appears whole or not at all: the PID is written to a private temporary file first and
 * hard-linked to `PATH.lock` (fails if one is there). A stale lock is taken over by renaming it aside
 * (one process wins the rename) and checking that what was renamed is the stale one; a live lock
 * renamed by mistake is linked back. Resolves to the release, which removes the lock.
 */
export async function lockFile(
  owner: ProcessProbe,
  path: string,
  flag: string,
  what: string,
): Promise<() => Promise<void>> {
  // A state file reached through a link is locked where it lives: two runs naming it by two paths
  // (the file and a link to it) must meet at one lock.
  const linked = await lstat(path).then(
    (st) => st.isSymbolicLink(),
    () => false,
  );
  const lockPath = `${linked ? await realpath(path).catch(() => path) : path}.lock`;
  // The longest name beside it: `NAME.lock.stale-PID-RANDOM` (32 bytes more), within 255 bytes.
  if (Buffer.byteLength(basename(path), 'utf8') > 223) {
    throw new UsageError(`${flag} ${path}: the file name is too long to hold a lock beside it (at most 223 bytes)`);
  }
  const mine = `${lockPath}.${owner.pid}-${randomBytes(6).toString('hex')}`;
  const fh = await open(mine, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await fh.writeFile(`${owner.pid}\n`);
  } finally {
    await fh.close();
  }
  const holderOf = async (file: string): Promise<number | undefined> => {
    const n = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const busy = (pid: number) =>
    new RuntimeError(
      `${flag} ${path}: another facetctl (pid ${pid}) is ${what}; this run stops before reading any log (a later run takes what this one would have). Remove ${lockPath} if that process is not facetctl.`,
    );
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(mine, lockPath);
        await removeDeadLockTemps(owner, lockPath);
        return async () => {
          await unlink(lockPath).catch(() => {});
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new UsageError(`${flag} ${path}: cannot lock it (${lockPath}): ${(err as Error).message}`);
        }
      }
      const st = await lstat(lockPath).catch(() => undefined);
      if (st && !st.isFile()) throw new UsageError(`${flag} ${path}: ${lockPath} is not a lock file; remove it`);
      const held = await holderOf(lockPath);
      if (held !== undefined && held !== owner.pid && owner.isRunning(held)) throw busy(held);
      // Left by a killed run: rename it aside (atomic: one run wins), then make sure it was that one.
      const aside = `${lockPath}.stale-${owner.pid}-${randomBytes(6).toString('hex')}`;
      try {
        await rename(lockPath, aside);
      } catch {
        continue; // another run took it over first: try again
      }
      const was = await holderOf(aside);
      if (was !== undefined && was !== held && owner.isRunning(was)) {
        // A live run's fresh lock: put it back (unless yet another run is in already) and give way.
        await link(aside, lockPath).catch(() => {});
        await unlink(aside).catch(() => {});
        throw busy(was);
      }
      await unlink(aside).catch(() => {});
    }
    throw new RuntimeError(`${flag} ${path}: cannot lock it (${lockPath}): other runs keep taking it`);
  } finally {
    await unlink(mine).catch(() => {});
  }
}
