/** /log/*: recognition logs (shape, order, paging, latest, filters, delete) and operation logs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice, api, ok, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
  await addDevice(emu, 'L1');
  await addDevice(emu, 'L2');
  await emu.op('POST', '/device-persons', { serialNo: 'L1', personCode: 'P1', personName: '山田 太郎' });
  await emu.op('POST', '/device-persons', { serialNo: 'L1', personCode: 'P2', personName: '山田 次郎' });
  const bulk = await emu.op('POST', '/recognize', { serialNo: 'L1', count: 250, days: 5 });
  expect(bulk.status).toBe(200);
});
afterAll(() => emu.close());

const TIME = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/;

describe('getRecogLog', () => {
  it('answers rows, pages, pictureCookie and list with every documented field', async () => {
    const body = await ok(emu, '/log/getRecogLog', { serialNo: 'L1' });
    expect(body.rows).toBe(250);
    expect(body.pages).toBe(3);
    expect(Object.keys(body.pictureCookie).sort()).toEqual([
      'CloudFront-Key-Pair-Id',
      'CloudFront-Policy',
      'CloudFront-Signature',
    ]);
    expect(body.list).toHaveLength(100);
    const item = body.list[0];
    expect(Object.keys(item)).toEqual([
      'id',
      'time',
      'personCode',
      'personName',
      'pictureUrl',
      'mask',
      'temp',
      'pass',
      'searchScore',
      'passFlagName',
      'accessType',
      'cardNo',
      'cardType',
      'cardBindPersonCode',
      'cardBindPersonName',
    ]);
    expect(typeof item.id).toBe('string');
    expect(item.time).toMatch(TIME);
    expect(typeof item.pass).toBe('boolean');
    expect([0, 1, 2]).toContain(item.mask);
    expect(item.pictureUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pictures\/.+\.jpg$/);
  });

  it('lists ids in descending order across pages, 100 a page, and an empty list beyond the last', async () => {
    const pages = [1, 2, 3, 4].map((pageNo) => ok(emu, '/log/getRecogLog', { serialNo: 'L1', pageNo }));
    const [p1, p2, p3, p4] = await Promise.all(pages);
    expect([p1.list.length, p2.list.length, p3.list.length, p4.list.length]).toEqual([100, 100, 50, 0]);
    expect(p4.rows).toBe(250);
    expect(p4.pages).toBe(3);
    const ids = [...p1.list, ...p2.list, ...p3.list].map((x: { id: string }) => Number(x.id));
    expect(new Set(ids).size).toBe(250);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('latest=1 answers only the newest row, without rows and pages, ignoring the filters', async () => {
    const all = await ok(emu, '/log/getRecogLog', { serialNo: 'L1' });
    const latest = await ok(emu, '/log/getRecogLog', { serialNo: 'L1', latest: 1, personCode: 'nobody', pageNo: 3 });
    expect(latest.rows).toBeUndefined();
    expect(latest.pages).toBeUndefined();
    expect(latest.list).toHaveLength(1);
    expect(latest.list[0].id).toBe(all.list[0].id);
  });

  it('filters by person code and time window', async () => {
    const p1 = await ok(emu, '/log/getRecogLog', { serialNo: 'L1', personCode: 'P1' });
    expect(p1.rows).toBeGreaterThan(0);
    expect(p1.list.every((x: { personCode: string }) => x.personCode === 'P1')).toBe(true);
    expect(p1.list[0].personName).toBe('山田 太郎');
    const all = await ok(emu, '/log/getRecogLog', { serialNo: 'L1', pageNo: 2 });
    const pivot = all.list[50].time;
    const newer = await ok(emu, '/log/getRecogLog', { serialNo: 'L1', recogTimeFrom: pivot });
    const older = await ok(emu, '/log/getRecogLog', { serialNo: 'L1', recogTimeTo: pivot });
    const at = await ok(emu, '/log/getRecogLog', { serialNo: 'L1', recogTimeFrom: pivot, recogTimeTo: pivot });
    expect(newer.rows + older.rows - at.rows).toBe(250);
    expect(newer.list.every((x: { time: string }) => x.time >= pivot)).toBe(true);
    const none = await ok(emu, '/log/getRecogLog', { serialNo: 'L1', recogTimeFrom: '2099/01/01 00:00:00' });
    expect(none).toMatchObject({ rows: 0, pages: 0, list: [] });
  });

  it('filters time windows correctly when logs arrived out of time order', async () => {
    await addDevice(emu, 'OOO');
    const ids: Record<string, number> = {};
    for (const t of ['2024/03/03 00:00:00', '2024/03/01 00:00:00', '2024/03/02 00:00:00', '2024/03/04 00:00:00']) {
      ids[t] = (await emu.op('POST', '/recognize', { serialNo: 'OOO', time: t })).body.id;
    }
    const w = await ok(emu, '/log/getRecogLog', {
      serialNo: 'OOO',
      recogTimeFrom: '2024/03/01 12:00:00',
      recogTimeTo: '2024/03/03 12:00:00',
    });
    expect(w.rows).toBe(2);
    expect(w.list.map((x: { id: string }) => Number(x.id))).toEqual(
      [ids['2024/03/03 00:00:00'], ids['2024/03/02 00:00:00']].sort((a, b) => b - a),
    );
    const early = await ok(emu, '/log/getRecogLog', { serialNo: 'OOO', recogTimeTo: '2024/03/01 23:59:59' });
    expect(early.list.map((x: { time: string }) => x.time)).toEqual(['2024/03/01 00:00:00']);
  });

  it("keeps Japan's wall clock whatever the host zone, and refuses impossible dates (issue 8 §5)", async () => {
    await addDevice(emu, 'JST1');
    // 2023/02/30 used to be stored as March 2nd.
    const bad = await emu.op('POST', '/recognize', { serialNo: 'JST1', time: '2023/02/30 10:00:00' });
    expect(bad.status).toBe(400);
    const made = await emu.op('POST', '/recognize', { serialNo: 'JST1', time: '2023/02/28 10:00:00' });
    expect(made.status).toBe(200);
    const all = await ok(emu, '/log/getRecogLog', { serialNo: 'JST1' });
    expect(all.list.map((x: { time: string }) => x.time)).toEqual(['2023/02/28 10:00:00']);
    // A recognition made now carries Japan's wall clock, not the test host's.
    const before = Date.now();
    await emu.op('POST', '/recognize', { serialNo: 'JST1' });
    const after = Date.now();
    const { formatApiDateTime } = await import('../../src/core/dates.js');
    const latest = await ok(emu, '/log/getRecogLog', { serialNo: 'JST1', latest: '1' });
    const japan = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', dateStyle: 'short', timeStyle: 'medium' });
    const expected = [before, after].map((t) => japan.format(t).replaceAll('-', '/'));
    expect(expected).toContain(latest.list[0].time);
    expect(expected[0]).toBe(formatApiDateTime(new Date(before)));
  });

  it('keeps devices apart', async () => {
    const other = await ok(emu, '/log/getRecogLog', { serialNo: 'L2' });
    expect(other).toMatchObject({ rows: 0, pages: 0, list: [] });
  });

  it('a single simulated recognition carries the documented values', async () => {
    const r = await emu.op('POST', '/recognize', {
      serialNo: 'L2',
      personCode: 'P9',
      time: '2024/05/01 10:00:00',
      mask: 1,
      temp: 36.2,
      cardNo: '0123ABCD',
    });
    expect(r.status).toBe(200);
    const body = await ok(emu, '/log/getRecogLog', { serialNo: 'L2', latest: 1 });
    expect(body.list[0]).toMatchObject({
      id: String(r.body.id),
      time: '2024/05/01 10:00:00',
      personCode: 'P9',
      personName: null,
      mask: 1,
      temp: 36.2,
      pass: true,
      cardNo: '0123ABCD',
      cardType: '1',
    });
    await emu.op('POST', '/recognize', { serialNo: 'L2', time: '2024/05/01 10:00:01' });
    expect((await ok(emu, '/log/getRecogLog', { serialNo: 'L2', latest: 1 })).list[0]).toMatchObject({
      personCode: null,
      pass: false,
    });
    await emu.op('POST', '/recognize', { serialNo: 'L2', time: '2024/05/01 10:00:02', pass: true });
    expect((await ok(emu, '/log/getRecogLog', { serialNo: 'L2', latest: 1 })).list[0].pass).toBe(true);
  });
});

describe('deleteRecogLog', () => {
  it('needs one of the △ conditions', async () => {
    const r = await api(emu, '/log/deleteRecogLog', { serialNo: 'L1' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe(true);
  });

  it('deletes at most 100 a call and reports total and deleted', async () => {
    await addDevice(emu, 'D1');
    await emu.op('POST', '/recognize', { serialNo: 'D1', count: 150 });
    const first = await ok(emu, '/log/deleteRecogLog', { serialNo: 'D1', recogTimeTo: '2099/12/31 23:59:59' });
    expect(first).toEqual({ result: true, total: 150, deleted: 100 });
    const second = await ok(emu, '/log/deleteRecogLog', { serialNo: 'D1', recogTimeTo: '2099/12/31 23:59:59' });
    expect(second).toEqual({ result: true, total: 50, deleted: 50 });
    expect((await ok(emu, '/log/getRecogLog', { serialNo: 'D1' })).rows).toBe(0);
  });

  it('deletes by ids, and ANDs the conditions', async () => {
    await addDevice(emu, 'D2');
    await emu.op('POST', '/recognize', { serialNo: 'D2', count: 10 });
    const page = await ok(emu, '/log/getRecogLog', { serialNo: 'D2' });
    const ids = page.list.slice(0, 3).map((x: { id: string }) => x.id);
    const none = await ok(emu, '/log/deleteRecogLog', { serialNo: 'D2', ids: ids.join(','), personCode: 'nobody' });
    expect(none).toEqual({ result: true, total: 0, deleted: 0 });
    const done = await ok(emu, '/log/deleteRecogLog', { serialNo: 'D2', ids: ids.join(',') });
    expect(done).toEqual({ result: true, total: 3, deleted: 3 });
    expect((await ok(emu, '/log/getRecogLog', { serialNo: 'D2' })).rows).toBe(7);
  });

  it('answers the documented partial failure when the device is lost mid-way', async () => {
    await addDevice(emu, 'D3');
    await emu.op('POST', '/recognize', { serialNo: 'D3', count: 20 });
    await emu.op('PATCH', '/devices/D3', { failAfter: 5 });
    const r = await ok(emu, '/log/deleteRecogLog', { serialNo: 'D3', recogTimeTo: '2099/12/31 23:59:59' });
    expect(r.result).toBe(false);
    expect(r.total).toBe(20);
    expect(r.deleted).toBe(5);
    expect(r.message).toMatch(/^ログ ID\[\d+\]について、デバイスとの通信異常により削除に失敗し、処理を中断しました。$/);
    expect((await ok(emu, '/log/getRecogLog', { serialNo: 'D3' })).rows).toBe(15);
  });

  it('is refused for an offline device with 503 JSON', async () => {
    await addDevice(emu, 'D4', { online: false });
    const r = await api(emu, '/log/deleteRecogLog', { serialNo: 'D4', personCode: 'x' });
    expect(r.status).toBe(503);
    expect(r.body.errors[0].name).toBe('device');
  });
});

describe('getOperateLog', () => {
  it('answers rows, pages and list newest first with the documented fields, and filters', async () => {
    await addDevice(emu, 'O1');
    for (const [time, user, sub] of [
      ['2024/01/01 10:00:00', 'admin', 'ユーザーログイン'],
      ['2024/01/02 10:00:00', 'System', '起動'],
      ['2024/01/03 10:00:00', 'admin', 'ユーザーログアウト'],
    ]) {
      await emu.op('POST', '/operate-logs', { serialNo: 'O1', time, operateUser: user, subType: sub, detail: 'd' });
    }
    const body = await ok(emu, '/log/getOperateLog', { serialNo: 'O1' });
    expect(body.rows).toBe(3);
    expect(body.pages).toBe(1);
    expect(body.list[0]).toEqual({
      operateTime: '2024/01/03 10:00:00',
      operateUser: 'admin',
      mainType: '操作',
      subType: 'ユーザーログアウト',
      detail: 'd',
    });
    expect(body.list.map((x: { operateTime: string }) => x.operateTime)).toEqual([
      '2024/01/03 10:00:00',
      '2024/01/02 10:00:00',
      '2024/01/01 10:00:00',
    ]);
    const admin = await ok(emu, '/log/getOperateLog', {
      serialNo: 'O1',
      operateUser: 'admin',
      operateTimeFrom: '2024/01/02 00:00:00',
    });
    expect(admin.rows).toBe(1);
    const sub = await ok(emu, '/log/getOperateLog', { serialNo: 'O1', mainType: '操作', subType: '起動' });
    expect(sub.list).toHaveLength(1);
  });

  it('records actions done through the API on the device; the cloud has them after /device/sync or its periodic sync (30 min), as the document says', async () => {
    await addDevice(emu, 'O2');
    await ok(emu, '/system/reboot', { serialNo: 'O2' });
    await ok(emu, '/system/openOnce', { serialNo: 'O2' });
    // 「操作ログは 30 分程度に一度、定時処理により自動同期されます」: not in the cloud yet.
    expect((await ok(emu, '/log/getOperateLog', { serialNo: 'O2' })).rows).toBe(0);
    // An entry the device made 31 minutes ago has been through the periodic sync.
    const old = new Date(Date.now() + 9 * 3600_000 - 31 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
    await emu.op('POST', '/operate-logs', {
      serialNo: 'O2',
      time: old.replaceAll('-', '/'),
      subType: '設定変更',
      pending: true,
    });
    expect(
      (await ok(emu, '/log/getOperateLog', { serialNo: 'O2' })).list.map((x: { subType: string }) => x.subType),
    ).toEqual(['設定変更']);
    const synced = await ok(emu, '/device/sync', { serialNo: 'O2' });
    expect(synced.operateLogRegisted).toBe(2);
    const body = await ok(emu, '/log/getOperateLog', { serialNo: 'O2' });
    const subs = body.list.map((x: { subType: string }) => x.subType);
    expect(subs).toContain('再起動');
    expect(subs).toContain('ドア開錠');
  });
});
