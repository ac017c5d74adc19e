/**
 * Moving an incremental export's marks (the `--state` file) together with its output, so that no
 * kill at any moment writes a row twice or loses one.
 *
 * With `--out FILE` the order is:
 *   1. rows written to a temporary file beside FILE, fsynced            (fault point `after-sync`)
 *   2. state saved with a *pending* entry: FILE, the temporary name, its inode and the new marks
 *                                                                       (fault point `after-pending`)
 *   3. the temporary file renamed to FILE                               (fault point `after-rename`)
 *   4. state saved with the marks applied and the pending entry removed (fault point `after-state`)
 * A run that finds a pending entry (killed between 2 and 4) settles it before exporting: FILE with the
 * recorded inode means the rename happened; the temporary file still there is renamed now; in both
 * cases the marks are applied and those rows are not exported again. When neither exists (the
 * temporary file was removed by hand) the marks stay where they were and the rows are exported again.
 * A kill before 2 leaves only a temporary file (removed by the next run) and the old marks.
 *
 * To stdout, the marks move only after every byte was handed to the pipe (fault point `after-flush`
 * sits between the two): a kill there repeats that run's rows on the next run. Stdout cannot take
 * part in a commit, so it is at-least-once across a crash; `--out` is exactly-once.
 */
import { lstat, rename } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AtomicFile, ProcessProbe } from '../../core/safe-file.js';
import { type ExportState, loadState, type OperateMark, type RecogMark, saveState } from './export-state.js';

/** Step boundaries where tests stop an export (FACETCTL_FAULT, interpreted by the context's `fault`). */
export type FaultStep = 'after-page' | 'after-sync' | 'after-pending' | 'after-rename' | 'after-flush' | 'after-state';
export type Fault = (step: FaultStep) => void;

export type ExportKind = 'recog' | 'operate';

/** New marks by serial number, for one kind. */
export interface Marks {
  recog?: Record<string, RecogMark>;
  operate?: Record<string, OperateMark>;
}

function applyMarks(state: ExportState, marks: Marks): void {
  Object.assign(state.recog, marks.recog ?? {});
  Object.assign(state.operate, marks.operate ?? {});
}

function dropPending(state: ExportState, kind: ExportKind): void {
  if (!state.pending) return;
  delete state.pending[kind];
  if (!state.pending.recog && !state.pending.operate) delete state.pending;
}

async function inodeOf(path: string): Promise<number | undefined> {
  try {
    return (await lstat(path)).ino;
  } catch {
    return undefined;
  }
}

/**
 * Settles a commit a killed run left pending in the state file (see the module comment). Call it
 * before the state is read for exporting and before any temporary file is cleaned up.
 * Returns what happened, for a status line: 'completed', 'dropped' or undefined (nothing pending).
 */
export async function settlePending(
  owner: ProcessProbe,
  statePath: string,
  kind: ExportKind,
  note: (line: string) => void,
): Promise<'completed' | 'dropped' | undefined> {
  const state = await loadState(statePath);
  const p = state.pending?.[kind];
  if (!p) return undefined;
  let placed = (await inodeOf(p.file)) === p.inode;
  if (!placed && (await inodeOf(p.temp)) === p.inode) {
    try {
      await rename(p.temp, p.file);
      placed = true;
    } catch {
      // The file cannot be put in place: its rows are exported again rather than lost.
    }
  }
  if (placed) {
    applyMarks(state, { recog: p.recog, operate: p.operate });
    note(`the previous run was stopped while saving ${p.file}: completed it (its rows are not exported again)`);
  } else {
    note(`the previous run's output ${p.file} never appeared: its rows are exported again`);
  }
  dropPending(state, kind);
  await saveState(owner, statePath, state);
  return placed ? 'completed' : 'dropped';
}

/**
 * Steps 1–4 of the module comment for an output file; without a state file just sync and rename.
 * The state is re-read before each save, so exports of the other kind sharing it keep their marks.
 */
export async function commitFile(
  owner: ProcessProbe,
  file: AtomicFile,
  state: { path: string; kind: ExportKind; marks: Marks } | undefined,
  fault: Fault | undefined,
): Promise<void> {
  await file.sync();
  fault?.('after-sync');
  if (!state) {
    await file.publish();
    fault?.('after-rename');
    return;
  }
  const before = await loadState(state.path);
  before.pending = {
    ...before.pending,
    [state.kind]: {
      file: resolve(file.target),
      temp: resolve(file.tempPath),
      inode: await file.inode(),
      ...state.marks,
    },
  };
  await saveState(owner, state.path, before);
  fault?.('after-pending');
  await file.publish();
  fault?.('after-rename');
  await commitMarks(owner, state.path, state.kind, state.marks);
  fault?.('after-state');
}

/** Applies marks (after stdout was flushed, or step 4 above), removing this kind's pending entry. */
export async function commitMarks(owner: ProcessProbe, path: string, kind: ExportKind, marks: Marks): Promise<void> {
  const fresh = await loadState(path);
  applyMarks(fresh, marks);
  dropPending(fresh, kind);
  await saveState(owner, path, fresh);
}
