/** /device/*: the device list, sync of pending logs, APB repair, push URLs and push notifications. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice, api, ok, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
  await addDevice(emu, 'D00001', { description: '1F西側ゲート' });
  await addDevice(emu, 'D00002', { description: '1F東側ゲート', online: false });
});
afterAll(() => emu.close());

describe('getDevice', () => {
  it('lists every device with serialNo, description, lastAccess and lastRecog', async () => {
    await emu.op('POST', '/recognize', { serialNo: 'D00001', time: '2020/08/06 16:00:05' });
    const body = await ok(emu, '/device/getDevice');
    expect(body).toHaveLength(2);
    expect(body[0]).toMatchObject({
      serialNo: 'D00001',
      description: '1F西側ゲート',
      lastRecog: '2020/08/06 16:00:05',
    });
    expect(body[0].lastAccess).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(Object.keys(body[1])).toEqual(['serialNo', 'description', 'lastAccess', 'lastRecog']);
    expect(body[1].lastRecog).toBeNull();
  });
});

describe('getDevice under polling', () => {
  // The list is built once per database state and its JSON text kept (store.ts memoOnDb): every change
  // to a device must still show in the very next answer.
  it('shows every change in the next answer', async () => {
    const local = await startTestEmulator();
    try {
      await addDevice(local, 'P1', { description: 'before' });
      const first = await ok(local, '/device/getDevice');
      expect(await ok(local, '/device/getDevice')).toEqual(first);
      await local.op('PATCH', '/devices/P1', { description: 'after', lastAccess: '2020/01/02 03:04:05' });
      const patched = await ok(local, '/device/getDevice');
      expect(patched).toEqual([
        { serialNo: 'P1', description: 'after', lastAccess: '2020/01/02 03:04:05', lastRecog: null },
      ]);
      // A call that reaches the device is contact: lastAccess moves to now.
      await ok(local, '/device/sync', { serialNo: 'P1' });
      const synced = await ok(local, '/device/getDevice');
      expect(synced[0].lastAccess).not.toBe('2020/01/02 03:04:05');
      await local.op('POST', '/recognize', { serialNo: 'P1', time: '2021/05/06 07:08:09' });
      expect((await ok(local, '/device/getDevice'))[0].lastRecog).toBe('2021/05/06 07:08:09');
      await addDevice(local, 'P2');
      expect((await ok(local, '/device/getDevice')).map((d: { serialNo: string }) => d.serialNo)).toEqual(['P1', 'P2']);
      await local.op('POST', '/reset', {});
      expect(await ok(local, '/device/getDevice')).toEqual([]);
    } finally {
      await local.close();
    }
  });
});

describe('sync', () => {
  it('brings pending logs over, at most 100 recognitions and 500 operations a call', async () => {
    await addDevice(emu, 'SY1');
    await emu.op('POST', '/recognize', { serialNo: 'SY1', count: 130, pending: true });
    for (let i = 0; i < 3; i++) await emu.op('POST', '/operate-logs', { serialNo: 'SY1', pending: true });
    expect((await ok(emu, '/log/getRecogLog', { serialNo: 'SY1' })).rows).toBe(0);
    expect((await ok(emu, '/log/getOperateLog', { serialNo: 'SY1' })).rows).toBe(0);
    const first = await ok(emu, '/device/sync', { serialNo: 'SY1' });
    expect(first).toEqual({ recogLogRegisted: 100, recogPictureRegisted: 100, operateLogRegisted: 3 });
    const second = await ok(emu, '/device/sync', { serialNo: 'SY1' });
    expect(second).toEqual({ recogLogRegisted: 30, recogPictureRegisted: 30, operateLogRegisted: 0 });
    expect((await ok(emu, '/log/getRecogLog', { serialNo: 'SY1' })).rows).toBe(130);
    expect((await ok(emu, '/log/getOperateLog', { serialNo: 'SY1' })).rows).toBe(3);
  });

  it("moves at most 500 pending operation logs a call, only the device's own", async () => {
    await addDevice(emu, 'SY2');
    await addDevice(emu, 'SY3');
    for (let i = 0; i < 502; i++) await emu.op('POST', '/operate-logs', { serialNo: 'SY2', pending: true });
    await emu.op('POST', '/operate-logs', { serialNo: 'SY3', pending: true });
    expect(await ok(emu, '/device/sync', { serialNo: 'SY2' })).toMatchObject({ operateLogRegisted: 500 });
    expect(await ok(emu, '/device/sync', { serialNo: 'SY2' })).toMatchObject({ operateLogRegisted: 2 });
    expect(await ok(emu, '/device/sync', { serialNo: 'SY2' })).toMatchObject({ operateLogRegisted: 0 });
    expect(await ok(emu, '/device/sync', { serialNo: 'SY3' })).toMatchObject({ operateLogRegisted: 1 });
  });

  it('is refused for an offline device (503 JSON)', async () => {
    const r = await api(emu, '/device/sync', { serialNo: 'D00002' });
    expect(r.status).toBe(503);
    expect(r.body.errors[0].message).toBe('デバイス[D00002]はクラウドサーバーに接続されていません。');
  });
});

describe('apbRepaire', () => {
  it('answers per APB device the repaired and failed person codes, and retries failures later', async () => {
    const local = await startTestEmulator();
    try {
      await addDevice(local, 'APB1', { apb: true });
      await addDevice(local, 'APB2', { apb: true });
      await addDevice(local, 'PLAIN');
      await local.op('POST', '/apb-failures', { serialNo: 'APB1', personCode: 'Yamada' });
      await local.op('POST', '/apb-failures', { serialNo: 'APB1', personCode: 'Suzuki' });
      await local.op('POST', '/apb-failures', { serialNo: 'APB2', personCode: 'Sato' });
      await local.op('PATCH', '/devices/APB2', { online: false });
      const first = await ok(local, '/device/apbRepaire');
      expect(first).toEqual({
        APB1: { success: ['Yamada', 'Suzuki'], error: [] },
        APB2: { success: [], error: ['Sato'] },
      });
      await local.op('PATCH', '/devices/APB2', { online: true });
      expect(await ok(local, '/device/apbRepaire')).toEqual({
        APB1: { success: [], error: [] },
        APB2: { success: ['Sato'], error: [] },
      });
    } finally {
      await local.close();
    }
  });

  it('stops trying a person × device after 10 tries', async () => {
    const local = await startTestEmulator();
    try {
      await addDevice(local, 'APB1', { apb: true, online: false });
      await local.op('POST', '/apb-failures', { serialNo: 'APB1', personCode: 'P', tries: 9 });
      expect(await ok(local, '/device/apbRepaire')).toEqual({ APB1: { success: [], error: ['P'] } });
      expect(await ok(local, '/device/apbRepaire')).toEqual({ APB1: { success: [], error: [] } });
    } finally {
      await local.close();
    }
  });

  it('a recognition on an APB device records failures for its offline APB peers', async () => {
    const local = await startTestEmulator();
    try {
      await addDevice(local, 'G1', { apb: true });
      await addDevice(local, 'G2', { apb: true, online: false });
      await local.op('POST', '/recognize', { serialNo: 'G1', personCode: 'F1' });
      expect(await ok(local, '/device/apbRepaire')).toEqual({
        G1: { success: [], error: [] },
        G2: { success: [], error: ['F1'] },
      });
    } finally {
      await local.close();
    }
  });
});

describe('push URL', () => {
  it('registers, reads back and deletes the push URL (no device contact)', async () => {
    expect(await ok(emu, '/device/getPushUrl', { serialNo: 'D00002' })).toEqual({ push_url: '' });
    expect(await ok(emu, '/device/registPushUrl', { serialNo: 'D00002', pushUrl: 'https://test.com/testApi' })).toEqual(
      {
        result: true,
      },
    );
    expect(await ok(emu, '/device/getPushUrl', { serialNo: 'D00002' })).toEqual({
      push_url: 'https://test.com/testApi',
    });
    await ok(emu, '/device/registPushUrl', { serialNo: 'D00002', pushUrl: '' });
    expect(await ok(emu, '/device/getPushUrl', { serialNo: 'D00002' })).toEqual({ push_url: '' });
  });

  it('posts the documented fields form-encoded on a recognition, with a picture URL that works without cookies', async () => {
    const received: Promise<{ type: string; fields: URLSearchParams }> = new Promise((resolve) => {
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          res.end('ok');
          server.close();
          resolve({
            type: req.headers['content-type'] ?? '',
            fields: new URLSearchParams(Buffer.concat(chunks).toString()),
          });
        });
      });
      server.listen(0, '127.0.0.1', async () => {
        const port = (server.address() as AddressInfo).port;
        await ok(emu, '/device/registPushUrl', { serialNo: 'D00001', pushUrl: `http://127.0.0.1:${port}/push` });
        await emu.op('POST', '/device-persons', { serialNo: 'D00001', personCode: 'F00001', personName: '山田 太郎' });
        await emu.op('POST', '/recognize', { serialNo: 'D00001', personCode: 'F00001', mask: 2, temp: 36.5 });
      });
    });
    const { type, fields } = await received;
    expect(type).toBe('application/x-www-form-urlencoded');
    expect(fields.get('serialNo')).toBe('D00001');
    expect(fields.get('personCode')).toBe('F00001');
    expect(fields.get('personName')).toBe('山田 太郎');
    expect(fields.get('time')).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(fields.get('pass')).toBe('1');
    expect(fields.get('mask')).toBe('2');
    expect(fields.get('temp')).toBe('36.5');
    expect(fields.get('accessType')).toBe('Face');
    expect(fields.has('cardNo')).toBe(false);
    const picture = await fetch(fields.get('pictureUrl')!);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/jpeg');
  });
});
