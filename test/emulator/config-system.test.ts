/** /config/* and /system/*: settings, logo, information, modes, messages, schedules, files, firmware. */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configKeys } from '../../src/registry/index.js';
import { addDevice, api, b64, ok, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
  await addDevice(emu, 'C1', { model: 'TACX1250' });
  await addDevice(emu, 'CAM', { kind: 'aicamera' });
});
afterAll(() => emu.close());

describe('getConfig / setConfig', () => {
  it('answers every documented key in order, numbers as numbers', async () => {
    const body = await ok(emu, '/config/getConfig', { serialNo: 'C1' });
    expect(Object.keys(body)).toEqual(configKeys.map((k) => k.name));
    expect(typeof body.deviceAudioVolume).toBe('number');
    expect(typeof body.deviceMachineName).toBe('string');
    expect(body.netDefaultNetCard).toBe('eth0');
  });

  it('lists only the keys that changed, and keeps them', async () => {
    const before = await ok(emu, '/config/getConfig', { serialNo: 'C1' });
    const r = await ok(emu, '/config/setConfig', {
      serialNo: 'C1',
      deviceAudioVolume: before.deviceAudioVolume === 98 ? 97 : 98,
      deviceScreenBrightness: before.deviceScreenBrightness,
      tipsType: 'Custom',
      recogWorkstateTime: 1.5,
    });
    expect(r.errored).toEqual([]);
    expect(r.updated.sort()).toEqual(['deviceAudioVolume', 'recogWorkstateTime', 'tipsType']);
    const after = await ok(emu, '/config/getConfig', { serialNo: 'C1' });
    expect(after.tipsType).toBe('Custom');
    expect(after.recogWorkstateTime).toBe(1.5);
    expect(await ok(emu, '/config/setConfig', { serialNo: 'C1', tipsType: 'Custom' })).toEqual({
      updated: [],
      errored: [],
    });
  });

  it('refuses out-of-range values with one Japanese entry per field (400), changing nothing', async () => {
    const r = await api(emu, '/config/setConfig', {
      serialNo: 'C1',
      deviceAudioVolume: 101,
      tipsBackgroundColor: 'Pink',
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { name: string }) => e.name).sort()).toEqual([
      'deviceAudioVolume',
      'tipsBackgroundColor',
    ]);
    expect((await ok(emu, '/config/getConfig', { serialNo: 'C1' })).deviceAudioVolume).not.toBe(101);
  });

  it("checks body-temperature ranges against the device's unit when the call does not change it", async () => {
    const f = await api(emu, '/config/setConfig', { serialNo: 'C1', tempValueRangeFrom: 98.6 });
    expect(f.status).toBe(400);
    expect(f.body.errors[0].name).toBe('tempValueRangeFrom');
    const switched = await ok(emu, '/config/setConfig', { serialNo: 'C1', tempUnit: 1 });
    expect(switched.updated).toEqual(['tempUnit']);
    const cfg = await ok(emu, '/config/getConfig', { serialNo: 'C1' });
    expect(cfg.tempValueRangeFrom).toBeGreaterThan(90);
    expect((await ok(emu, '/config/setConfig', { serialNo: 'C1', tempValueRangeFrom: 96.8 })).updated).toEqual([
      'tempValueRangeFrom',
    ]);
    expect((await api(emu, '/config/setConfig', { serialNo: 'C1', tempValueRangeFrom: 36 })).status).toBe(400);
  });

  it('lists the keys it could not apply in errored when the device is lost mid-way', async () => {
    await emu.op('PATCH', '/devices/C1', { failAfter: 1 });
    const r = await ok(emu, '/config/setConfig', { serialNo: 'C1', deviceLedBrightness: 11, deviceStandbyTime: 77 });
    expect(r).toEqual({ updated: ['deviceLedBrightness'], errored: ['deviceStandbyTime'] });
  });

  it('is refused by an AI camera', async () => {
    expect((await api(emu, '/config/getConfig', { serialNo: 'CAM' })).status).toBe(400);
  });
});

describe('logo', () => {
  it('answers a PNG, and the one set with setLogo (POST only)', async () => {
    const first = await api(emu, '/config/getLogo', { serialNo: 'C1' });
    expect(first.contentType).toBe('image/png');
    expect(first.bytes.subarray(1, 4).toString()).toBe('PNG');
    const png = b64('face-astronaut.png');
    expect((await api(emu, '/config/setLogo', { serialNo: 'C1', data: 'x' })).status).toBe(400);
    expect((await api(emu, '/config/setLogo', { serialNo: 'C1', data: png }, { method: 'POST' })).body).toEqual({
      result: true,
    });
    const again = await api(emu, '/config/getLogo', { serialNo: 'C1' });
    expect(again.bytes.toString('base64')).toBe(png);
    const jpeg = await api(
      emu,
      '/config/setLogo',
      { serialNo: 'C1', data: b64('face-astronaut.jpg') },
      { method: 'POST' },
    );
    expect(jpeg.status).toBe(400);
  });
});

describe('system', () => {
  it('getSystemInfo answers the model, serial and firmware; updateFirmware changes the version', async () => {
    expect(await ok(emu, '/system/getSystemInfo', { serialNo: 'C1' })).toEqual({
      deviceType: 'TACX1250',
      serialNumber: 'C1',
      softwareVersion: '1.396.11.10.T',
      softwareBuildDate: '2020-08-19',
    });
    expect(await ok(emu, '/system/updateFirmware', { serialNo: 'C1', version: '1.400.0.0.T' })).toEqual({
      request: true,
    });
    const info = await ok(emu, '/system/getSystemInfo', { serialNo: 'C1' });
    expect(info.softwareVersion).toBe('1.400.0.0.T');
    expect(info.softwareBuildDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('reboot answers {request: true}; openOnce {result: true}', async () => {
    expect(await ok(emu, '/system/reboot', { serialNo: 'C1' })).toEqual({ request: true });
    expect(await ok(emu, '/system/openOnce', { serialNo: 'C1' })).toEqual({ result: true });
  });

  it('hibernates and resumes, and getCurrentMode tells which', async () => {
    expect(await ok(emu, '/system/getCurrentMode', { serialNo: 'C1' })).toEqual({ result: true, state: 0 });
    expect(await ok(emu, '/system/setHibernateMode', { serialNo: 'C1' })).toEqual({ result: true });
    expect(await ok(emu, '/system/getCurrentMode', { serialNo: 'C1' })).toEqual({ result: true, state: 1 });
    expect(await ok(emu, '/system/setOperationMode', { serialNo: 'C1' })).toEqual({ result: true });
    expect(await ok(emu, '/system/getCurrentMode', { serialNo: 'C1' })).toEqual({ result: true, state: 0 });
  });

  it('displayMessage needs all four fields, within limits except the colours (documented fallback)', async () => {
    const good = {
      serialNo: 'C1',
      Customtip: 'ようこそ',
      Tipstime: 3000,
      BorderColor: '0,0,0,255',
      BackgroundColor: '255,255,255,128',
    };
    expect(await ok(emu, '/system/displayMessage', good)).toEqual({ result: true });
    const bad = await api(emu, '/system/displayMessage', {
      ...good,
      Customtip: 'あ'.repeat(26),
      BorderColor: '256,0,0,0',
    });
    expect(bad.status).toBe(400);
    // 「正しく入力ができていない場合は、文字色は黒字、背景色は透明となります」: a bad colour is not refused.
    expect(bad.body.errors.map((e: { name: string }) => e.name).sort()).toEqual(['Customtip']);
  });

  it('reboot schedule: read, update the changed fields only, refuse out-of-range', async () => {
    expect(await ok(emu, '/system/getRebootSchedule', { serialNo: 'C1' })).toEqual({
      rebootScheduleEnable: 0,
      rebootScheduleDayWeek: 0,
      rebootScheduleHours: 5,
    });
    expect(
      await ok(emu, '/system/setRebootSchedule', {
        serialNo: 'C1',
        rebootScheduleEnable: 0,
        rebootScheduleDayWeek: 3,
        rebootScheduleHours: 4,
      }),
    ).toEqual({ updated: ['rebootScheduleDayWeek', 'rebootScheduleHours'], errored: [] });
    expect((await ok(emu, '/system/getRebootSchedule', { serialNo: 'C1' })).rebootScheduleDayWeek).toBe(3);
    expect((await api(emu, '/system/setRebootSchedule', { serialNo: 'C1', rebootScheduleHours: 24 })).status).toBe(400);
  });

  it('exportConfig answers a binary settings file; importConfig is documented as unavailable', async () => {
    const r = await api(emu, '/system/exportConfig', { serialNo: 'C1' });
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('application/octet-stream');
    expect(JSON.parse(gunzipSync(r.bytes).toString()).serialNo).toBe('C1');
    const imp = await api(
      emu,
      '/system/importConfig',
      { serialNo: 'C1', data: r.bytes.toString('base64') },
      { method: 'POST' },
    );
    expect(imp.status).toBe(400);
    expect(imp.body.errors[0].message).toBe('この機能は現在ご利用いただけません。');
  });

  it('an AI camera answers getSystemInfo but refuses the other system calls', async () => {
    expect((await api(emu, '/system/getSystemInfo', { serialNo: 'CAM' })).status).toBe(200);
    for (const path of ['/system/openOnce', '/system/getCurrentMode', '/system/getRebootSchedule']) {
      expect((await api(emu, path, { serialNo: 'CAM' })).body.errors[0].message).toBe(
        'デバイス[CAM]がエラーを返却しています。',
      );
    }
  });
});
