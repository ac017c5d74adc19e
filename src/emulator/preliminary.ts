/**
 * Preliminary recognitions (速報データ): the document says getRecogLog may answer `id: null` for a
 * recognition the device has not finished analysing, and that the id arrives a few seconds later.
 * Such rows wait in `recog_preliminary` (listed with a null id, as the newest logs) until they are
 * finalised: moved into `recog_logs`, where they get the next id (ids grow with arrival) and keep
 * their time. Finalisation happens when due (checked before every request and by a timer) or at
 * once through the operator API. The push notification carries no id, so it goes out at recognition.
 */
import type { Emu } from './emu.js';
import {
  insertRecog,
  type NewRecog,
  RECOG_COLUMNS,
  type RecogFilter,
  type RecogRow,
  recogWhere,
} from './recog-logs.js';
import { type Db, stmt } from './store.js';

/** How long a device takes to finish analysing a preliminary recognition, by default. */
export const DEFAULT_FINALIZE_AFTER_MS = 3000;

/** A recognition as a list shows it while its id is still null. */
export type PreliminaryRow = NewRecog & { id: null };

interface State {
  /** Epoch ms of the earliest finalisation due; undefined when none waits. */
  nextDue: number | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const states = new WeakMap<Emu, State>();

function stateOf(emu: Emu): State {
  let s = states.get(emu);
  if (!s) {
    s = { nextDue: undefined, timer: undefined };
    states.set(emu, s);
  }
  return s;
}

/** Reads when the next finalisation is due (rows kept in a database file survive restarts) and arms the timer. */
export function schedulePreliminary(emu: Emu): void {
  const s = stateOf(emu);
  const row = stmt(emu.db, 'SELECT MIN(finalize_at) AS due FROM recog_preliminary').get() as { due: number | null };
  s.nextDue = row.due ?? undefined;
  if (s.timer) clearTimeout(s.timer);
  s.timer = undefined;
  if (s.nextDue === undefined) return;
  // Without requests the rows would wait; a timer keeps the ids arriving "a few seconds later".
  s.timer = setTimeout(() => finalizeDue(emu), Math.max(0, s.nextDue - Date.now()));
  s.timer.unref();
}

export function stopPreliminary(emu: Emu): void {
  const s = states.get(emu);
  if (s?.timer) clearTimeout(s.timer);
  states.delete(emu);
}

export function addPreliminary(emu: Emu, row: NewRecog, finalizeAfterMs: number): void {
  stmt(
    emu.db,
    `INSERT INTO recog_preliminary (finalize_at, ${RECOG_COLUMNS.join(', ')})
     VALUES (@finalize_at, ${RECOG_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  ).run({ ...row, finalize_at: Date.now() + finalizeAfterMs });
  schedulePreliminary(emu);
}

/** Finalises what is due; costs a comparison when nothing is. */
export function finalizeDue(emu: Emu, now = Date.now()): void {
  const due = states.get(emu)?.nextDue;
  if (due === undefined || due > now) return;
  finalizePreliminary(emu, { dueBy: now });
}

export interface FinalizedLog {
  serialNo: string;
  id: number;
  time: number;
}

/** Gives waiting rows (of one device, or all; due ones, or all) their ids, in arrival order. */
export function finalizePreliminary(emu: Emu, opts: { serial?: string; dueBy?: number } = {}): FinalizedLog[] {
  const { db } = emu;
  const parts = ['1 = 1'];
  const args: (string | number)[] = [];
  if (opts.serial !== undefined) {
    parts.push('serial = ?');
    args.push(opts.serial);
  }
  if (opts.dueBy !== undefined) {
    parts.push('finalize_at <= ?');
    args.push(opts.dueBy);
  }
  const waiting = stmt(db, `SELECT * FROM recog_preliminary WHERE ${parts.join(' AND ')} ORDER BY seq`).all(
    ...args,
  ) as (NewRecog & { seq: number; finalize_at: number })[];
  const done: RecogRow[] = [];
  db.transaction(() => {
    for (const w of waiting) {
      const { seq, finalize_at: _due, ...row } = w;
      done.push({ ...row, id: insertRecog(db, row) });
      stmt(db, 'DELETE FROM recog_preliminary WHERE seq = ?').run(seq);
    }
  })();
  schedulePreliminary(emu);
  return done.map((r) => ({ serialNo: r.serial, id: r.id, time: r.time }));
}

export function countPreliminary(db: Db, f: RecogFilter): number {
  const w = recogWhere(f);
  return (stmt(db, `SELECT COUNT(*) AS n FROM recog_preliminary WHERE ${w.sql}`).get(...w.args) as { n: number }).n;
}

/** Waiting rows, the last to arrive first: they will get the largest ids, so they lead an id-descending list. */
export function pagePreliminary(db: Db, f: RecogFilter, offset: number, limit: number): PreliminaryRow[] {
  const w = recogWhere(f);
  const rows = stmt(
    db,
    `SELECT ${RECOG_COLUMNS.join(', ')} FROM recog_preliminary WHERE ${w.sql} ORDER BY seq DESC LIMIT ? OFFSET ?`,
  ).all(...w.args, limit, offset) as NewRecog[];
  return rows.map((r) => ({ ...r, id: null }));
}

export function latestPreliminary(db: Db, serial: string): PreliminaryRow | undefined {
  return pagePreliminary(db, { serial }, 0, 1)[0];
}
