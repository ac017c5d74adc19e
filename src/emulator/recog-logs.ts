/**
 * Recognition logs: one row per recognition, ids increasing. Pages are found with an index-only
 * sub-select (ids first, rows after), so even deep pages never read a million full rows.
 */
import { addRecogCount, type Db, recogCount } from './store.js';

export interface RecogRow {
  id: number;
  serial: string;
  time: number;
  person_code: string | null;
  person_name: string | null;
  picture_id: number | null;
  mask: number;
  temp: number | null;
  pass: number;
  score: number | null;
  pass_flag_name: string | null;
  access_type: string;
  card_no: string | null;
  card_type: string | null;
  card_bind_code: string | null;
  card_bind_name: string | null;
  person_type_code: number | null;
}

export type NewRecog = Omit<RecogRow, 'id'>;

const COLUMNS = [
  'serial',
  'time',
  'person_code',
  'person_name',
  'picture_id',
  'mask',
  'temp',
  'pass',
  'score',
  'pass_flag_name',
  'access_type',
  'card_no',
  'card_type',
  'card_bind_code',
  'card_bind_name',
  'person_type_code',
] as const;

function insertSql(table: string): string {
  return `INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`;
}

export function insertRecog(db: Db, row: NewRecog, pending = false): number {
  const id = Number(db.prepare(insertSql(pending ? 'recog_pending' : 'recog_logs')).run(row).lastInsertRowid);
  if (!pending) {
    addRecogCount(db, row.serial, 1);
    db.prepare('UPDATE devices SET last_recog = MAX(COALESCE(last_recog, 0), ?) WHERE serial = ?').run(row.time, row.serial);
  }
  return id;
}

/** Many rows in one transaction with one prepared statement: a million in a few seconds. */
export function insertRecogBulk(db: Db, serial: string, count: number, make: (i: number) => NewRecog, pending = false): void {
  const stmt = db.prepare(insertSql(pending ? 'recog_pending' : 'recog_logs'));
  db.transaction(() => {
    let last = 0;
    for (let i = 0; i < count; i++) {
      const row = make(i);
      stmt.run(row);
      if (row.time > last) last = row.time;
    }
    if (!pending) {
      addRecogCount(db, serial, count);
      db.prepare('UPDATE devices SET last_recog = MAX(COALESCE(last_recog, 0), ?) WHERE serial = ?').run(last, serial);
    }
  })();
}

export interface RecogFilter {
  serial: string;
  from?: number;
  to?: number;
  personCode?: string;
}

function where(f: RecogFilter): { sql: string; args: (string | number)[]; filtered: boolean } {
  const parts = ['serial = ?'];
  const args: (string | number)[] = [f.serial];
  if (f.personCode !== undefined) {
    parts.push('person_code = ?');
    args.push(f.personCode);
  }
  if (f.from !== undefined) {
    parts.push('time >= ?');
    args.push(f.from);
  }
  if (f.to !== undefined) {
    parts.push('time <= ?');
    args.push(f.to);
  }
  return { sql: parts.join(' AND '), args, filtered: parts.length > 1 };
}

export function countRecog(db: Db, f: RecogFilter): number {
  const w = where(f);
  if (!w.filtered) return recogCount(db, f.serial);
  return (db.prepare(`SELECT COUNT(*) AS n FROM recog_logs WHERE ${w.sql}`).get(...w.args) as { n: number }).n;
}

/**
 * The index for the id walk: by person when a person is named; by time when the window is small
 * compared with the device's logs (a range and a small sort); otherwise by id, stopping early.
 */
function indexFor(f: RecogFilter, matching: number, total: number): string {
  if (f.personCode !== undefined) return 'recog_serial_person';
  if ((f.from !== undefined || f.to !== undefined) && matching * 8 < total) return 'recog_serial_time';
  return 'recog_serial';
}

export function pageRecog(db: Db, f: RecogFilter, offset: number, limit: number, matching: number): RecogRow[] {
  const w = where(f);
  const index = indexFor(f, matching, recogCount(db, f.serial));
  const ids = `SELECT id FROM recog_logs INDEXED BY ${index} WHERE ${w.sql} ORDER BY id DESC LIMIT ? OFFSET ?`;
  return db
    .prepare(`SELECT * FROM recog_logs WHERE id IN (${ids}) ORDER BY id DESC`)
    .all(...w.args, limit, offset) as RecogRow[];
}

export function latestRecog(db: Db, serial: string): RecogRow | undefined {
  return db.prepare('SELECT * FROM recog_logs WHERE serial = ? ORDER BY id DESC LIMIT 1').get(serial) as
    | RecogRow
    | undefined;
}

export function getRecog(db: Db, serial: string, id: number): RecogRow | undefined {
  return db.prepare('SELECT * FROM recog_logs WHERE serial = ? AND id = ?').get(serial, id) as RecogRow | undefined;
}

/** Ids matching the filter (and the given ids, when any), oldest first. */
export function matchingIds(db: Db, f: RecogFilter, ids: number[] | undefined): number[] {
  const w = where(f);
  let sql = `SELECT id FROM recog_logs WHERE ${w.sql}`;
  const args = [...w.args];
  if (ids) {
    sql += ` AND id IN (${ids.map(() => '?').join(',')})`;
    args.push(...ids);
  }
  return (db.prepare(`${sql} ORDER BY id`).all(...args) as { id: number }[]).map((r) => r.id);
}

export function deleteRecogIds(db: Db, serial: string, ids: number[]): void {
  if (ids.length === 0) return;
  db.transaction(() => {
    const stmt = db.prepare('DELETE FROM recog_logs WHERE id = ? AND serial = ?');
    let n = 0;
    for (const id of ids) n += stmt.run(id, serial).changes;
    addRecogCount(db, serial, -n);
  })();
}

/** /device/sync: up to `limit` pending recognitions become cloud logs (new ids, oldest first). */
export function syncPending(db: Db, serial: string, limit: number): { logs: number; pictures: number } {
  return db.transaction(() => {
    const rows = db.prepare('SELECT * FROM recog_pending WHERE serial = ? ORDER BY id LIMIT ?').all(serial, limit) as RecogRow[];
    let pictures = 0;
    for (const r of rows) {
      const { id, ...rest } = r;
      insertRecog(db, rest);
      db.prepare('DELETE FROM recog_pending WHERE id = ?').run(id);
      if (r.picture_id !== null) pictures++;
    }
    return { logs: rows.length, pictures };
  })();
}
