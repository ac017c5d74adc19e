import { describe, expect, it } from 'vitest';
import { keyTime, migrateOperateKey, OperateWindow, operateKey } from '../../../src/workflows/export/operate-window.js';

const at = (s: number) => `2026/01/01 00:00:${String(s).padStart(2, '0')}`;
const row = (s: number, detail = '') => ({
  operateTime: at(s),
  operateUser: 'admin',
  mainType: '操作',
  subType: 'x',
  detail,
});
// A window of 10 seconds, in wire times of one minute.
const tenSecondsBefore = (t: string) => at(Math.max(0, Number(t.slice(-2)) - 10));

describe('OperateWindow', () => {
  it('keys start with the time and hash the fields; old JSON keys migrate to the same key', () => {
    const r = row(5, 'd');
    const key = operateKey(r);
    expect(keyTime(key)).toBe(at(5));
    const old = JSON.stringify([r.operateTime, r.operateUser, r.mainType, r.subType, r.detail]);
    expect(migrateOperateKey(old)).toBe(key);
    expect(migrateOperateKey(key)).toBe(key);
    expect(migrateOperateKey('garbage')).toBeUndefined();
  });

  it('remembers the rows of the window as a multiset and prunes the rest', () => {
    const w = new OperateWindow(undefined, tenSecondsBefore);
    for (const s of [50, 45, 45, 30]) w.add(at(s), w.needsKey(at(s)) ? operateKey(row(s)) : undefined);
    const mark = w.nextMark(0);
    expect(mark).toMatchObject({ lastTime: at(50), windowFrom: at(40), rowsBefore: 1 });
    expect(mark?.keys).toEqual([operateKey(row(45)), operateKey(row(45)), operateKey(row(50))]);

    // Next run: one copy of 45 is known, a second identical copy arrived late, and 30 is below the floor.
    const next = new OperateWindow(mark, tenSecondsBefore);
    expect(next.floorFrom).toBe(at(40));
    expect(next.isKnown(operateKey(row(50)))).toBe(true);
    expect(next.isKnown(operateKey(row(45)))).toBe(true);
    expect(next.isKnown(operateKey(row(45)))).toBe(true);
    expect(next.isKnown(operateKey(row(45)))).toBe(false);
    next.add(at(45), operateKey(row(45)));
    expect(next.late).toBe(1);
    expect(next.nextMark(1)?.keys).toHaveLength(4);
  });

  it('keeps at most `cap` keys, dropping whole oldest seconds', () => {
    const w = new OperateWindow(undefined, tenSecondsBefore, 3);
    for (const [i, s] of [50, 49, 49, 48, 48].entries()) w.add(at(s), operateKey(row(s, `entry ${i}`)));
    const mark = w.nextMark(0);
    expect(mark?.keys.map(keyTime)).toEqual([at(49), at(49), at(50)]);
    expect(mark?.windowFrom).toBe(at(49));
    expect(mark?.rowsBefore).toBe(2);
    expect(w.capped).toBe(true);
  });
});
