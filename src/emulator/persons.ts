/**
 * Persons as the cloud keeps them and as each device keeps them, apart: the cloud's row (with its
 * access windows per serial and its cards) and a device's copy (a snapshot taken by toDevice, or
 * registered on the device directly). Moving data between the two is the handlers' business.
 */
import type { Db } from './store.js';
import { stmt } from './store.js';

export interface PersonRow {
  code: string;
  seq: number;
  name: string | null;
  sex: string | null;
  birthday: string | null;
  memo: string | null;
  type_code: number | null;
  picture_id: number | null;
}

export interface DevicePersonRow {
  serial: string;
  code: string;
  seq: number;
  name: string | null;
  sex: string | null;
  birthday: string | null;
  picture_id: number | null;
  access_times: string;
  cards: string;
}

export interface AccessTime {
  accessFlag: number;
  accessTimeFrom: string;
  accessTimeTo: string;
}

export interface Card {
  card_no: string;
  validityDateFrom: string;
  validityDateTo: string;
}

export function getPerson(db: Db, code: string): PersonRow | undefined {
  return stmt(db, 'SELECT * FROM persons WHERE code = ?').get(code) as PersonRow | undefined;
}

export function getDevicePerson(db: Db, serial: string, code: string): DevicePersonRow | undefined {
  return stmt(db, 'SELECT * FROM device_persons WHERE serial = ? AND code = ?').get(serial, code) as
    | DevicePersonRow
    | undefined;
}

export function accessTimesFor(db: Db, code: string, serial: string): AccessTime[] {
  return (
    stmt(db, 'SELECT flag, from_t, to_t FROM access_times WHERE person_code = ? AND serial = ? ORDER BY n').all(
      code,
      serial,
    ) as { flag: number; from_t: string; to_t: string }[]
  ).map((r) => ({ accessFlag: r.flag, accessTimeFrom: r.from_t, accessTimeTo: r.to_t }));
}

export function cardsOf(db: Db, code: string): Card[] {
  return (
    stmt(db, 'SELECT card_no, valid_from, valid_to FROM cards WHERE person_code = ? ORDER BY n').all(code) as {
      card_no: string;
      valid_from: string;
      valid_to: string;
    }[]
  ).map((r) => ({ card_no: r.card_no, validityDateFrom: r.valid_from, validityDateTo: r.valid_to }));
}

export function setAccessTimes(db: Db, code: string, serial: string, list: AccessTime[]): void {
  db.transaction(() => {
    stmt(db, 'DELETE FROM access_times WHERE person_code = ? AND serial = ?').run(code, serial);
    const ins = stmt(
      db,
      'INSERT INTO access_times (person_code, serial, n, flag, from_t, to_t) VALUES (?, ?, ?, ?, ?, ?)',
    );
    list.forEach((a, i) => {
      ins.run(code, serial, i + 1, a.accessFlag, a.accessTimeFrom, a.accessTimeTo);
    });
  })();
}

export function setCards(db: Db, code: string, list: Card[]): void {
  db.transaction(() => {
    stmt(db, 'DELETE FROM cards WHERE person_code = ?').run(code);
    const ins = stmt(db, 'INSERT INTO cards (person_code, n, card_no, valid_from, valid_to) VALUES (?, ?, ?, ?, ?)');
    list.forEach((c, i) => {
      ins.run(code, i + 1, c.card_no, c.validityDateFrom, c.validityDateTo);
    });
  })();
}

export function associate(db: Db, code: string, serial: string): void {
  stmt(db, 'INSERT OR IGNORE INTO associations (person_code, serial) VALUES (?, ?)').run(code, serial);
}

export function dissociate(db: Db, code: string, serial?: string): number {
  if (serial === undefined) return stmt(db, 'DELETE FROM associations WHERE person_code = ?').run(code).changes;
  return stmt(db, 'DELETE FROM associations WHERE person_code = ? AND serial = ?').run(code, serial).changes;
}

export function serialNosOf(db: Db, code: string): string[] {
  return (
    stmt(db, 'SELECT serial FROM associations WHERE person_code = ? ORDER BY serial').all(code) as {
      serial: string;
    }[]
  ).map((r) => r.serial);
}

export interface UpsertPerson {
  code: string;
  name?: string | null;
  sex?: string | null;
  birthday?: string | null;
  memo?: string | null;
  type_code?: number | null;
  picture_id?: number | null;
}

/** Insert, or update only the fields given; the registration order (`seq`) never changes. */
export function upsertPerson(db: Db, p: UpsertPerson): void {
  const existing = getPerson(db, p.code);
  if (!existing) {
    const seq = (stmt(db, 'SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM persons').get() as { n: number }).n;
    stmt(
      db,
      'INSERT INTO persons (code, seq, name, sex, birthday, memo, type_code, picture_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      p.code,
      seq,
      p.name ?? null,
      p.sex ?? null,
      p.birthday ?? null,
      p.memo ?? null,
      p.type_code ?? null,
      p.picture_id ?? null,
    );
    return;
  }
  const fields = ['name', 'sex', 'birthday', 'memo', 'type_code', 'picture_id'] as const;
  const sets: string[] = [];
  const args: unknown[] = [];
  for (const f of fields) {
    if (p[f] !== undefined) {
      sets.push(`${f} = ?`);
      args.push(p[f]);
    }
  }
  if (sets.length) stmt(db, `UPDATE persons SET ${sets.join(', ')} WHERE code = ?`).run(...args, p.code);
}

export function nextDeviceSeq(db: Db, serial: string): number {
  return (
    stmt(db, 'SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM device_persons WHERE serial = ?').get(serial) as {
      n: number;
    }
  ).n;
}

export function parseJsonList<T>(text: string): T[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

/** LIKE pattern for "contains", with LIKE's own wildcards escaped. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * getPersonFromCloud's `*` (personCode, personName; facetcloud-api-v4.0 L1812–1826: 「アスタリスク記号の
 * 利用により、前方一致検索と後方一致検索がサポートされます」): one `*` as the last character is a prefix
 * search (`F0*`), one `*` as the first a suffix search (`*01`). Anything else is matched exactly, each
 * `*` a literal character: a `*` inside the text (`F*1`), several, or one at each end (`*0000*`, a
 * contains search, which the document does not list). `*` alone is a prefix search for nothing: every
 * person. Returns the SQL operator and its operand (LIKE's own `%`, `_`, `\` escaped with `\`).
 */
export function likeFromStar(text: string): { op: '=' | 'LIKE'; value: string } {
  const first = text.indexOf('*');
  if (first < 0 || first !== text.lastIndexOf('*')) return { op: '=', value: text };
  if (first !== 0 && first !== text.length - 1) return { op: '=', value: text };
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`).replace('*', '%');
  return { op: 'LIKE', value: escaped };
}
