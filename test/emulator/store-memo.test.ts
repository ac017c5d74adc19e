/** memoOnDb: a value built once per database state, never stale (it backs getDevice under polling). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, memoOnDb, openDb, stmt } from '../../src/emulator/store.js';

let db: Db;

beforeAll(async () => {
  db = await openDb();
});
afterAll(() => db.close());

describe('memoOnDb', () => {
  it('computes once while nothing changes, again after any insert, update, delete or rollback', () => {
    let computed = 0;
    const value = () =>
      memoOnDb(db, 'test.meta', () => {
        computed++;
        return { n: computed, keys: stmt(db, 'SELECT key FROM meta ORDER BY key').pluck().all() as string[] };
      });
    const first = value();
    expect(value()).toBe(first);
    expect(computed).toBe(1);

    stmt(db, 'INSERT INTO meta (key, value) VALUES (?, ?)').run('k1', 'v');
    expect(value().keys).toEqual(['k1']);
    stmt(db, 'UPDATE meta SET value = ? WHERE key = ?').run('w', 'k1');
    value();
    stmt(db, 'DELETE FROM meta WHERE key = ?').run('k1');
    expect(value().keys).toEqual([]);
    expect(computed).toBe(4);

    expect(() =>
      db.transaction(() => {
        stmt(db, 'INSERT INTO meta (key, value) VALUES (?, ?)').run('k2', 'v');
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(value().keys).toEqual([]);
    expect(computed).toBe(5);
  });

  it('keeps values apart by key and hands out frozen values', () => {
    const a = memoOnDb(db, 'test.a', () => ({ list: [{ x: 1 }] }));
    const b = memoOnDb(db, 'test.b', () => ({ list: [{ x: 2 }] }));
    expect(a.list[0].x).toBe(1);
    expect(b.list[0].x).toBe(2);
    expect(Object.isFrozen(a) && Object.isFrozen(a.list) && Object.isFrozen(a.list[0])).toBe(true);
  });
});
