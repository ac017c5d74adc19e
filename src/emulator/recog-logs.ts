/**
 * Recognition logs: one row per recognition, ids increasing. Pages are found with an index-only
 * sub-select (ids first, rows after), so even deep pages never read a million full rows, seeking from
 * a row remembered from recent pages (page-memo.ts). Every writer of recog_logs / recog_pending calls
 * `bumpLogVersion(db, 'recog', serial)` so that no remembered row outlives a change.
 */
import { touchByRecognition } from './activity.js';
import { type PageStart, pageMemo } from './page-memo.js';
import {
  addPersonCount,
  addRecogCount,
  bumpLogVersion,
  type Db,
  logVersion,
  noteRecogTimes,
  personCount,
  recogCount,
  recogOrdered,
  stmt,
} from './store.js';

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

/** The columns of a recognition row, in the order of the tables' definitions (store.ts). */
export const RECOG_COLUMNS = [
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

/** The columns a page reads, id first then RECOG_COLUMNS: read as arrays (`raw`), see recogRowOf. */
const ROW_SELECT = ['id', ...RECOG_COLUMNS].join(', ');
const AT = Object.fromEntries(RECOG_COLUMNS.map((c, i) => [c, i + 1])) as Record<
  (typeof RECOG_COLUMNS)[number],
  number
>;

/**
 * A row read as an array (ROW_SELECT's order) as a RecogRow. A page builds 100 of them: object
 * literals of one shape cost ~40 % less than better-sqlite3's row objects, and read faster after.
 */
function recogRowOf(a: unknown[]): RecogRow {
  return {
    id: a[0] as number,
    serial: a[AT.serial] as string,
    time: a[AT.time] as number,
    person_code: a[AT.person_code] as string | null,
    person_name: a[AT.person_name] as string | null,
    picture_id: a[AT.picture_id] as number | null,
    mask: a[AT.mask] as number,
    temp: a[AT.temp] as number | null,
    pass: a[AT.pass] as number,
    score: a[AT.score] as number | null,
    pass_flag_name: a[AT.pass_flag_name] as string | null,
    access_type: a[AT.access_type] as string,
    card_no: a[AT.card_no] as string | null,
    card_type: a[AT.card_type] as string | null,
    card_bind_code: a[AT.card_bind_code] as string | null,
    card_bind_name: a[AT.card_bind_name] as string | null,
    person_type_code: a[AT.person_type_code] as number | null,
  };
}

function insertSql(table: string): string {
  return `INSERT INTO ${table} (${RECOG_COLUMNS.join(', ')}) VALUES (${RECOG_COLUMNS.map((c) => `@${c}`).join(', ')})`;
}

export function insertRecog(db: Db, row: NewRecog, pending = false): number {
  bumpLogVersion(db, 'recog', row.serial);
  const id = Number(stmt(db, insertSql(pending ? 'recog_pending' : 'recog_logs')).run(row).lastInsertRowid);
  if (!pending) {
    noteRecogTimes(db, row.serial, row.time, row.time);
    addRecogCount(db, row.serial, 1);
    addPersonCount(db, row.serial, row.person_code, 1);
    stmt(db, 'UPDATE devices SET last_recog = MAX(COALESCE(last_recog, 0), ?) WHERE serial = ?').run(
      row.time,
      row.serial,
    );
    touchByRecognition(db, row.serial);
  }
  return id;
}

/** Many rows in one transaction with one prepared statement: a million in a few seconds. */
export function insertRecogBulk(
  db: Db,
  serial: string,
  count: number,
  make: (i: number) => NewRecog,
  pending = false,
): void {
  const insert = stmt(db, insertSql(pending ? 'recog_pending' : 'recog_logs'));
  bumpLogVersion(db, 'recog', serial);
  db.transaction(() => {
    let last = 0;
    let first = 0;
    let inOrder = true;
    const perPerson = new Map<string, number>();
    for (let i = 0; i < count; i++) {
      const row = make(i);
      insert.run(row);
      if (i === 0) first = row.time;
      else if (row.time < last) inOrder = false;
      if (row.time > last) last = row.time;
      if (row.person_code !== null) perPerson.set(row.person_code, (perPerson.get(row.person_code) ?? 0) + 1);
    }
    if (!pending) {
      if (count > 0) noteRecogTimes(db, serial, first, last, inOrder);
      for (const [code, n] of perPerson) addPersonCount(db, serial, code, n);
      addRecogCount(db, serial, count);
      stmt(db, 'UPDATE devices SET last_recog = MAX(COALESCE(last_recog, 0), ?) WHERE serial = ?').run(last, serial);
      touchByRecognition(db, serial);
    }
  })();
}

export interface GeneratedRecogs {
  serial: string;
  count: number;
  /** Epoch seconds of the first and the span the times are spread over (ids grow with time). */
  start: number;
  span: number;
  pictureId: number;
  /** Recognised persons in turn; every fifth recognition is a stranger. Empty: all strangers. */
  people: { code: string; name: string | null }[];
  pending?: boolean;
}

/**
 * A million synthetic recognitions in one INSERT … SELECT generated inside SQLite (no per-row
 * round trip to JavaScript): about two seconds on a small machine.
 */
export function insertRecogGenerated(db: Db, g: GeneratedRecogs): void {
  const table = g.pending ? 'recog_pending' : 'recog_logs';
  bumpLogVersion(db, 'recog', g.serial);
  db.transaction(() => {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS bulk_people (k INTEGER PRIMARY KEY, code TEXT, name TEXT)');
    db.exec('DELETE FROM temp.bulk_people');
    const before = (stmt(db, 'SELECT COALESCE(MAX(id), 0) AS id FROM recog_logs').get() as { id: number }).id;
    const put = stmt(db, 'INSERT INTO temp.bulk_people (k, code, name) VALUES (?, ?, ?)');
    g.people.forEach((p, k) => {
      put.run(k, p.code, p.name);
    });
    stmt(
      db,
      `INSERT INTO ${table} (serial, time, person_code, person_name, picture_id, mask, temp, pass, score, access_type)
       WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < @count - 1)
       SELECT @serial, CAST(@start + (i * @span) / @count AS INTEGER), p.code, p.name, @picture, i % 3,
              36 + (i % 10) / 10.0, p.code IS NOT NULL,
              CASE WHEN p.code IS NULL THEN 40 ELSE 90 END + (i % 100) / 10.0, 'Face'
       FROM c LEFT JOIN temp.bulk_people p ON i % 5 <> 4 AND p.k = i % @people`,
    ).run({
      count: g.count,
      serial: g.serial,
      start: g.start,
      span: g.span,
      picture: g.pictureId,
      people: Math.max(1, g.people.length),
    });
    db.exec('DELETE FROM temp.bulk_people');
    if (!g.pending) {
      noteRecogTimes(db, g.serial, g.start, g.start + g.span);
      addRecogCount(db, g.serial, g.count);
      stmt(
        db,
        `INSERT INTO recog_person_counts (serial, person_code, n)
         SELECT serial, person_code, COUNT(*) FROM recog_logs WHERE id > ? AND person_code IS NOT NULL
         GROUP BY serial, person_code
         ON CONFLICT(serial, person_code) DO UPDATE SET n = n + excluded.n`,
      ).run(before);
      stmt(db, 'UPDATE devices SET last_recog = MAX(COALESCE(last_recog, 0), ?) WHERE serial = ?').run(
        g.start + g.span,
        g.serial,
      );
      touchByRecognition(db, g.serial);
    }
  })();
}

export interface RecogFilter {
  serial: string;
  from?: number;
  to?: number;
  personCode?: string;
}

/** The WHERE clause of a recognition filter, for the stored and the preliminary tables alike. */
export function recogWhere(f: RecogFilter): { sql: string; args: (string | number)[]; filtered: boolean } {
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

/**
 * Counts without scanning: kept counters for the device and for a person; a time window counts
 * whichever is smaller, the window or what lies outside it.
 */
export function countRecog(db: Db, filter: RecogFilter): number {
  const f = clampWindow(db, filter);
  if (f.from !== undefined && f.to !== undefined && f.from > f.to) return 0;
  const w = recogWhere(f);
  if (!w.filtered) return recogCount(db, f.serial);
  if (f.from === undefined && f.to === undefined) return personCount(db, f.serial, f.personCode!);
  if (f.personCode !== undefined) {
    return (
      stmt(db, `SELECT COUNT(*) AS n FROM recog_logs INDEXED BY recog_serial_person WHERE ${w.sql}`).get(...w.args) as {
        n: number;
      }
    ).n;
  }
  const count = (sql: string, ...args: (string | number)[]) =>
    (
      stmt(db, `SELECT COUNT(*) AS n FROM recog_logs INDEXED BY recog_serial_time WHERE ${sql}`).get(...args) as {
        n: number;
      }
    ).n;
  const lo = timeEdge(db, f.serial, 'ASC') ?? 0;
  const hi = timeEdge(db, f.serial, 'DESC') ?? 0;
  const from = f.from ?? lo;
  const to = f.to ?? hi;
  // Estimate the window's share from the time span; count the smaller side exactly.
  const share = (Math.min(to, hi) - Math.max(from, lo)) / Math.max(1, hi - lo);
  if (share <= 0.5) return count('serial = ? AND time >= ? AND time <= ?', f.serial, from, to);
  const total = recogCount(db, f.serial);
  return total - count('serial = ? AND time < ?', f.serial, from) - count('serial = ? AND time > ?', f.serial, to);
}

/**
 * The index for the id walk: by person when a person is named; by time when the window is small
 * compared with the device's logs (a range and a small sort); otherwise by id, stopping early.
 */
function indexFor(f: RecogFilter, matching: number, total: number): string {
  if (f.personCode !== undefined) return 'recog_serial_person';
  if ((f.from !== undefined || f.to !== undefined) && matching * 8 < total) return 'recog_serial_time';
  return 'recog_serial_id';
}

function timeEdge(db: Db, serial: string, dir: 'ASC' | 'DESC'): number | undefined {
  const row = stmt(
    db,
    `SELECT time FROM recog_logs INDEXED BY recog_serial_time WHERE serial = ? ORDER BY time ${dir} LIMIT 1`,
  ).get(serial) as { time: number } | undefined;
  return row?.time;
}

/** Drops window edges that lie beyond the device's oldest or newest log: they select nothing out. */
export function clampWindow(db: Db, f: RecogFilter): RecogFilter {
  if (f.from === undefined && f.to === undefined) return f;
  const out = { ...f };
  if (out.from !== undefined) {
    const lo = timeEdge(db, f.serial, 'ASC');
    if (lo !== undefined && out.from <= lo) out.from = undefined;
  }
  if (out.to !== undefined) {
    const hi = timeEdge(db, f.serial, 'DESC');
    if (hi !== undefined && out.to >= hi) out.to = undefined;
  }
  return out;
}

/**
 * One page, newest id first: rows `[offset, offset + limit)` of the logs matching `filter` ordered by
 * id descending, `matching` being their count (countRecog). Answers exactly what
 * `… ORDER BY id DESC LIMIT limit OFFSET offset` answers, but reads from the nearest known row: the
 * first or the last of the list (so the deepest page costs what the first one does), or a row the page
 * memo (page-memo.ts) remembers from recent pages of the same filter, with a keyset seek (`id <= B`
 * downwards, `id >= B` upwards) and a short OFFSET from there. Paging through a million logs in order,
 * or 8 pages in flight out of order, costs O(log n) a page instead of O(offset). `observe` (tests)
 * is told where the page was read from.
 */
export function pageRecog(
  db: Db,
  filter: RecogFilter,
  offset: number,
  limit: number,
  matching: number,
  observe?: (start: PageStart<number>) => void,
): RecogRow[] {
  const take = Math.min(limit, matching - offset);
  if (take <= 0 || offset < 0) return [];
  const f = clampWindow(db, filter);
  const memo = pageMemo<number>(db, 'recog');
  const shape = `${f.serial}\u0000${f.from ?? ''}\u0000${f.to ?? ''}\u0000${f.personCode ?? ''}`;
  const version = logVersion(db, 'recog', f.serial);
  const start: PageStart<number> = memo
    ? memo.start(shape, version, matching, offset, take)
    : offset + take > matching / 2
      ? { from: 'last', skip: matching - offset - take }
      : { from: 'first', skip: offset };
  observe?.(start);
  const down = start.from === 'first' || start.from === 'below';
  const order = down ? 'DESC' : 'ASC';
  const bound = start.from === 'below' ? ' AND id <= ?' : start.from === 'above' ? ' AND id >= ?' : '';
  const boundArgs = start.from === 'below' || start.from === 'above' ? [start.key] : [];
  const range = f.personCode === undefined ? idRange(db, f) : undefined;
  let ids: string;
  let args: (string | number)[];
  if (range) {
    ids = `SELECT id FROM recog_logs INDEXED BY recog_serial_id WHERE serial = ? AND id BETWEEN ? AND ?${bound} ORDER BY id ${order} LIMIT ? OFFSET ?`;
    args = [f.serial, range.lo, range.hi, ...boundArgs, take, start.skip];
  } else {
    const w = recogWhere(f);
    const index = indexFor(f, matching, recogCount(db, f.serial));
    ids = `SELECT id FROM recog_logs INDEXED BY ${index} WHERE ${w.sql}${bound} ORDER BY id ${order} LIMIT ? OFFSET ?`;
    args = [...w.args, ...boundArgs, take, start.skip];
  }
  const found = stmt(db, `SELECT ${ROW_SELECT} FROM recog_logs WHERE id IN (${ids}) ORDER BY id DESC`, true).all(
    ...args,
  ) as unknown[][];
  const rows = found.map(recogRowOf);
  if (memo && rows.length === take) {
    memo.note(shape, version, matching, offset, rows[0].id);
    memo.note(shape, version, matching, offset + take - 1, rows[take - 1].id);
  }
  return rows;
}

/**
 * When a device's ids and times grow together, a time window is exactly the ids between the first
 * log at or after `from` and the last log at or before `to`: two index seeks instead of a filter.
 */
function idRange(db: Db, f: RecogFilter): { lo: number; hi: number } | undefined {
  if (f.from === undefined && f.to === undefined) return undefined;
  if (!recogOrdered(db, f.serial)) return undefined;
  const seek = (cond: string, dir: 'ASC' | 'DESC', value: number) =>
    (
      stmt(
        db,
        `SELECT id FROM recog_logs INDEXED BY recog_serial_time WHERE serial = ? AND ${cond} ORDER BY time ${dir}, id ${dir} LIMIT 1`,
      ).get(f.serial, value) as { id: number } | undefined
    )?.id;
  const lo = f.from === undefined ? 0 : seek('time >= ?', 'ASC', f.from);
  const hi = f.to === undefined ? Number.MAX_SAFE_INTEGER : seek('time <= ?', 'DESC', f.to);
  if (lo === undefined || hi === undefined) return { lo: 1, hi: 0 };
  return { lo, hi };
}

export function latestRecog(db: Db, serial: string): RecogRow | undefined {
  return stmt(db, 'SELECT * FROM recog_logs WHERE serial = ? ORDER BY id DESC LIMIT 1').get(serial) as
    | RecogRow
    | undefined;
}

export function getRecog(db: Db, serial: string, id: number): RecogRow | undefined {
  return stmt(db, 'SELECT * FROM recog_logs WHERE serial = ? AND id = ?').get(serial, id) as RecogRow | undefined;
}

/** How many logs match (filter AND the given ids), and the oldest `limit` of them. */
export function matchingIds(
  db: Db,
  f: RecogFilter,
  ids: number[] | undefined,
  limit: number,
): { total: number; batch: number[] } {
  const w = recogWhere(f);
  if (!ids) {
    const batch = stmt(db, `SELECT id FROM recog_logs WHERE ${w.sql} ORDER BY id LIMIT ?`).all(...w.args, limit) as {
      id: number;
    }[];
    return { total: countRecog(db, f), batch: batch.map((r) => r.id) };
  }
  const sql = `SELECT id FROM recog_logs WHERE ${w.sql} AND id IN (${ids.map(() => '?').join(',')}) ORDER BY id`;
  const all = (stmt(db, sql).all(...w.args, ...ids) as { id: number }[]).map((r) => r.id);
  return { total: all.length, batch: all.slice(0, limit) };
}

export function deleteRecogIds(db: Db, serial: string, ids: number[]): void {
  if (ids.length === 0) return;
  bumpLogVersion(db, 'recog', serial);
  db.transaction(() => {
    const find = stmt(db, 'SELECT person_code FROM recog_logs WHERE id = ? AND serial = ?');
    const del = stmt(db, 'DELETE FROM recog_logs WHERE id = ? AND serial = ?');
    let n = 0;
    for (const id of ids) {
      const row = find.get(id, serial) as { person_code: string | null } | undefined;
      if (!row) continue;
      n += del.run(id, serial).changes;
      addPersonCount(db, serial, row.person_code, -1);
    }
    addRecogCount(db, serial, -n);
  })();
}

/**
 * /device/sync: up to `limit` pending recognitions become cloud logs (new ids, oldest first).
 * Nothing pending (the usual answer) costs one indexed probe, no transaction. The limit is written
 * into the SQL text, not bound: a bound `LIMIT ?` made SQLite's statement cost ~20× that of the probe.
 */
export function syncPending(db: Db, serial: string, limit: number): { logs: number; pictures: number } {
  if (!stmt(db, 'SELECT 1 FROM recog_pending WHERE serial = ? LIMIT 1').get(serial)) return { logs: 0, pictures: 0 };
  bumpLogVersion(db, 'recog', serial);
  return db.transaction(() => {
    const rows = stmt(db, `SELECT * FROM recog_pending WHERE serial = ? ORDER BY id LIMIT ${Math.trunc(limit)}`).all(
      serial,
    ) as RecogRow[];
    let pictures = 0;
    for (const r of rows) {
      const { id, ...rest } = r;
      insertRecog(db, rest);
      stmt(db, 'DELETE FROM recog_pending WHERE id = ?').run(id);
      if (r.picture_id !== null) pictures++;
    }
    return { logs: rows.length, pictures };
  })();
}
