/**
 * The emulator's state in one SQLite database (better-sqlite3, synchronous, loaded lazily so the CLI
 * stays fast). `:memory:` without a file; WAL with a file so a restart keeps everything.
 *
 * The recognition-log indexes are chosen for a million rows per device: `(serial, id, time)` and
 * `(serial, person_code, id, time)` let every list ordered by id descending walk an index, never a
 * sort, and check a time window inside the index without reading rows; `(serial, time)` serves narrow
 * windows and counts. Unfiltered and per-person counts are kept in counter tables.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';

export type Db = BetterSqlite3.Database;

/** The fields of a recognition, shared by stored, pending (not yet synchronised) and preliminary rows. */
const RECOG_FIELDS = `  serial TEXT NOT NULL,
  time INTEGER NOT NULL,
  person_code TEXT,
  person_name TEXT,
  picture_id INTEGER,
  mask INTEGER NOT NULL DEFAULT 0,
  temp REAL,
  pass INTEGER NOT NULL DEFAULT 1,
  score REAL,
  pass_flag_name TEXT,
  access_type TEXT NOT NULL DEFAULT 'Face',
  card_no TEXT,
  card_type TEXT,
  card_bind_code TEXT,
  card_bind_name TEXT,
  person_type_code INTEGER`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
  serial TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,
  model TEXT NOT NULL,
  firmware TEXT NOT NULL,
  build_date TEXT NOT NULL,
  online INTEGER NOT NULL DEFAULT 1,
  latency_ms INTEGER,
  maintenance INTEGER NOT NULL DEFAULT 0,
  last_access INTEGER,
  last_recog INTEGER,
  mode INTEGER NOT NULL DEFAULT 0,
  push_url TEXT NOT NULL DEFAULT '',
  apb INTEGER NOT NULL DEFAULT 0,
  logo BLOB,
  reboot_enable INTEGER NOT NULL DEFAULT 0,
  reboot_day INTEGER NOT NULL DEFAULT 0,
  reboot_hours INTEGER NOT NULL DEFAULT 5,
  config TEXT NOT NULL DEFAULT '{}',
  camera_picture INTEGER,
  message TEXT
);
CREATE TABLE IF NOT EXISTS pictures (id INTEGER PRIMARY KEY, sha TEXT NOT NULL UNIQUE, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
  code TEXT PRIMARY KEY,
  seq INTEGER NOT NULL UNIQUE,
  name TEXT,
  sex TEXT,
  birthday TEXT,
  memo TEXT,
  type_code INTEGER,
  picture_id INTEGER
);
CREATE TABLE IF NOT EXISTS access_times (
  person_code TEXT NOT NULL, serial TEXT NOT NULL, n INTEGER NOT NULL,
  flag INTEGER NOT NULL, from_t TEXT NOT NULL, to_t TEXT NOT NULL,
  PRIMARY KEY (person_code, serial, n)
);
CREATE TABLE IF NOT EXISTS cards (
  person_code TEXT NOT NULL, n INTEGER NOT NULL, card_no TEXT NOT NULL,
  valid_from TEXT NOT NULL, valid_to TEXT NOT NULL,
  PRIMARY KEY (person_code, n)
);
CREATE TABLE IF NOT EXISTS person_types (code INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS device_persons (
  serial TEXT NOT NULL, code TEXT NOT NULL, seq INTEGER NOT NULL,
  name TEXT, sex TEXT, birthday TEXT, picture_id INTEGER,
  access_times TEXT NOT NULL DEFAULT '[]', cards TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (serial, code)
);
CREATE INDEX IF NOT EXISTS device_persons_seq ON device_persons (serial, seq);
/* toDevice's duplicate-face check: another person on the device with the same picture. */
CREATE INDEX IF NOT EXISTS device_persons_picture ON device_persons (serial, picture_id);
CREATE TABLE IF NOT EXISTS associations (person_code TEXT NOT NULL, serial TEXT NOT NULL, PRIMARY KEY (person_code, serial));
CREATE INDEX IF NOT EXISTS associations_serial ON associations (serial);
CREATE TABLE IF NOT EXISTS recog_logs (
  id INTEGER PRIMARY KEY,
${RECOG_FIELDS}
);
CREATE INDEX IF NOT EXISTS recog_serial_id ON recog_logs (serial, id, time);
CREATE INDEX IF NOT EXISTS recog_serial_time ON recog_logs (serial, time);
CREATE INDEX IF NOT EXISTS recog_serial_person ON recog_logs (serial, person_code, id, time);
/* Recognitions still on the device only (not yet synchronised): /device/sync moves them over. */
CREATE TABLE IF NOT EXISTS recog_pending (
  id INTEGER PRIMARY KEY,
${RECOG_FIELDS}
);
CREATE INDEX IF NOT EXISTS recog_pending_serial ON recog_pending (serial);
/* Preliminary recognitions (速報データ): listed with a null id until finalize_at (epoch ms), then moved
   to recog_logs with the next id. seq keeps their arrival order. */
CREATE TABLE IF NOT EXISTS recog_preliminary (
  seq INTEGER PRIMARY KEY,
  finalize_at INTEGER NOT NULL,
${RECOG_FIELDS}
);
CREATE INDEX IF NOT EXISTS recog_preliminary_serial ON recog_preliminary (serial, seq);
/* n: logs on the device; max_time: the newest time ever stored; ordered: every log was stored with a
   time not older than all before it, so ids and times grow together (time windows become id ranges). */
CREATE TABLE IF NOT EXISTS recog_counts (
  serial TEXT PRIMARY KEY, n INTEGER NOT NULL, max_time INTEGER, ordered INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS recog_person_counts (
  serial TEXT NOT NULL, person_code TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (serial, person_code)
);
CREATE TABLE IF NOT EXISTS operate_logs (
  id INTEGER PRIMARY KEY,
  serial TEXT NOT NULL,
  time INTEGER NOT NULL,
  user TEXT NOT NULL,
  main_type TEXT NOT NULL,
  sub_type TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  pending INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS operate_serial_time ON operate_logs (serial, time);
/* /device/sync's pending operation logs (few, usually none) without reading a device's whole log. */
CREATE INDEX IF NOT EXISTS operate_pending ON operate_logs (serial, id) WHERE pending = 1;
CREATE TABLE IF NOT EXISTS apb_failures (
  serial TEXT NOT NULL, person_code TEXT NOT NULL, tries INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (serial, person_code)
);
CREATE TABLE IF NOT EXISTS senselink_images (id TEXT PRIMARY KEY, picture_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS senselink_records (
  id INTEGER PRIMARY KEY,
  sn TEXT NOT NULL,
  image_id TEXT NOT NULL,
  user_id INTEGER,
  verify_score REAL,
  device_timestamp INTEGER NOT NULL,
  timezone TEXT,
  create_at INTEGER NOT NULL,
  extend TEXT
);
CREATE INDEX IF NOT EXISTS senselink_records_created ON senselink_records (create_at);
`;

/** Tables emptied by `POST /_emulator/reset` (meta keeps the token and the signing secret). */
const STATE_TABLES = [
  'devices',
  'pictures',
  'persons',
  'access_times',
  'cards',
  'person_types',
  'device_persons',
  'associations',
  'recog_logs',
  'recog_counts',
  'recog_person_counts',
  'recog_pending',
  'recog_preliminary',
  'operate_logs',
  'apb_failures',
  'senselink_images',
  'senselink_records',
];

/** Prepared statements per database, by SQL text: preparing costs more than most of our queries. */
const STATEMENT_LIMIT = 500;
const statements = new WeakMap<Db, Map<string, BetterSqlite3.Statement>>();

/** `stmt(db, sql)`, prepared once per database and kept (the SQL texts we build are a bounded set). */
export function stmt(db: Db, sql: string, raw = false): BetterSqlite3.Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  // `raw`: rows as arrays of the selected columns (better-sqlite3's raw mode), cached apart.
  const key = raw ? `raw\u0000${sql}` : sql;
  let prepared = cache.get(key);
  if (!prepared) {
    // Texts with a placeholder per item (deleteRecogLog's ids) vary: keep the cache bounded.
    if (cache.size >= STATEMENT_LIMIT) cache.delete(cache.keys().next().value as string);
    prepared = db.prepare(sql);
    if (raw) prepared.raw(true);
    cache.set(key, prepared);
  }
  return prepared;
}

const memos = new WeakMap<Db, Map<string, { changes: number; value: unknown }>>();

/**
 * `compute()`, or what it returned last time under `key` if the database has not changed since:
 * SQLite's `total_changes()` (rows inserted, updated or deleted through this connection, any table)
 * is the same. For answers that depend on the stored state only and are asked often (`getDevice`
 * polled by many clients). The emulator is its database's only writer (one server per file), so
 * this connection's count sees every change; a rolled-back change moves it too (recomputed, never
 * stale). The value is shared by every caller: it is deep-frozen here and must not be mutated.
 */
export function memoOnDb<T>(db: Db, key: string, compute: () => T): T {
  let cache = memos.get(db);
  if (!cache) {
    cache = new Map();
    memos.set(db, cache);
  }
  const changes = stmt(db, 'SELECT total_changes()').pluck().get() as number;
  const hit = cache.get(key);
  if (hit && hit.changes === changes) return hit.value as T;
  const value = deepFreeze(compute());
  cache.set(key, { changes, value });
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export async function openDb(file?: string): Promise<Db> {
  const mod = await import('better-sqlite3');
  const Database = mod.default;
  // The database holds the API token: create it readable by its owner only (SQLite gives the -wal
  // and -shm files the same permissions).
  if (file && !existsSync(file)) closeSync(openSync(file, 'wx', 0o600));
  const db = new Database(file ?? ':memory:');
  if (file) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return db;
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = stmt(db, 'SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  stmt(db, 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
}

export function resetState(db: Db): void {
  db.transaction(() => {
    for (const t of STATE_TABLES) db.exec(`DELETE FROM ${t}`);
  })();
  bumpLogVersion(db);
}

/** The log families whose pages are memoised (page-memo.ts): recognition logs and operation logs. */
export type LogFamily = 'recog' | 'operate';

const logVersions = new WeakMap<Db, { tick: number; all: number; per: Map<string, number> }>();

function versionsOf(db: Db) {
  let v = logVersions.get(db);
  if (!v) {
    v = { tick: 0, all: 0, per: new Map() };
    logVersions.set(db, v);
  }
  return v;
}

/**
 * Notes a write to a device's logs of one family (`recog`: recog_logs and recog_pending; `operate`:
 * operate_logs), or, without a family, to every log of every device (a reset, an UPDATE across
 * devices). Every writer of those tables calls it, in or after its transaction: a write that is rolled
 * back still moves the version (a memo is then dropped for nothing, never kept stale).
 */
export function bumpLogVersion(db: Db, family?: LogFamily, serial?: string): void {
  const v = versionsOf(db);
  v.tick++;
  if (family === undefined || serial === undefined) v.all = v.tick;
  else v.per.set(`${family}\u0000${serial}`, v.tick);
}

/** A number that changes whenever the device's logs of that family may have changed (see bumpLogVersion). */
export function logVersion(db: Db, family: LogFamily, serial: string): number {
  const v = versionsOf(db);
  return Math.max(v.all, v.per.get(`${family}\u0000${serial}`) ?? 0);
}

/** Pictures are content-addressed, so a million logs of one face share one blob. */
export function putPicture(db: Db, data: Buffer): number {
  const sha = createHash('sha256').update(data).digest('hex');
  const found = stmt(db, 'SELECT id FROM pictures WHERE sha = ?').get(sha) as { id: number } | undefined;
  if (found) return found.id;
  return Number(stmt(db, 'INSERT INTO pictures (sha, data) VALUES (?, ?)').run(sha, data).lastInsertRowid);
}

export function getPicture(db: Db, id: number | null | undefined): Buffer | undefined {
  if (id === null || id === undefined) return undefined;
  const row = stmt(db, 'SELECT data FROM pictures WHERE id = ?').get(id) as { data: Buffer } | undefined;
  return row?.data;
}

export function nextSeq(db: Db, table: 'persons' | 'devices'): number {
  const row = stmt(db, `SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM ${table}`).get() as { n: number };
  return row.n;
}

/** Notes the times of logs just stored (oldest and newest of the batch, in id order). */
export function noteRecogTimes(db: Db, serial: string, first: number, last: number, inOrder = true): void {
  stmt(
    db,
    `INSERT INTO recog_counts (serial, n, max_time, ordered) VALUES (@serial, 0, @last, @inOrder)
     ON CONFLICT(serial) DO UPDATE SET
       ordered = ordered AND @inOrder AND (max_time IS NULL OR @first >= max_time),
       max_time = MAX(COALESCE(max_time, @last), @last)`,
  ).run({ serial, first, last, inOrder: inOrder ? 1 : 0 });
}

export function recogOrdered(db: Db, serial: string): boolean {
  const row = stmt(db, 'SELECT ordered FROM recog_counts WHERE serial = ?').get(serial) as
    | { ordered: number }
    | undefined;
  return row === undefined || row.ordered === 1;
}

export function addRecogCount(db: Db, serial: string, delta: number): void {
  stmt(
    db,
    'INSERT INTO recog_counts (serial, n) VALUES (?, ?) ON CONFLICT(serial) DO UPDATE SET n = n + excluded.n',
  ).run(serial, delta);
}

export function addPersonCount(db: Db, serial: string, personCode: string | null, delta: number): void {
  if (personCode === null) return;
  stmt(
    db,
    `INSERT INTO recog_person_counts (serial, person_code, n) VALUES (?, ?, ?)
     ON CONFLICT(serial, person_code) DO UPDATE SET n = n + excluded.n`,
  ).run(serial, personCode, delta);
}

export function personCount(db: Db, serial: string, personCode: string): number {
  const row = stmt(db, 'SELECT n FROM recog_person_counts WHERE serial = ? AND person_code = ?').get(
    serial,
    personCode,
  ) as { n: number } | undefined;
  return row?.n ?? 0;
}

export function recogCount(db: Db, serial: string): number {
  const row = stmt(db, 'SELECT n FROM recog_counts WHERE serial = ?').get(serial) as { n: number } | undefined;
  return row?.n ?? 0;
}
