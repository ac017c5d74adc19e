/**
 * The documented envelope and statuses every endpoint shares: 403 token (header, query, form), 401
 * allow-ip, 404, 414, POST-only, 400 field errors in Japanese, nochange-response-status, 503 offline
 * (JSON) vs maintenance (empty), the AI camera refusal, exclusive control.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDevice, api, b64, registPerson, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator({ latencyMs: 5 });
  await addDevice(emu, 'S1');
  await addDevice(emu, 'OFF1', { online: false });
  await addDevice(emu, 'CAM1', { kind: 'aicamera' });
});
afterAll(() => emu.close());

describe('token (403)', () => {
  it('accepts the token in the ds-api-token header', async () => {
    expect((await api(emu, '/device/getDevice')).status).toBe(200);
  });

  it('accepts the token as a query parameter and as a form parameter', async () => {
    expect((await api(emu, '/device/getDevice', {}, { tokenIn: 'query' })).status).toBe(200);
    expect((await api(emu, '/device/getDevice', {}, { tokenIn: 'query', method: 'POST' })).status).toBe(200);
  });

  it('answers 403 with the envelope for a missing or wrong token, in either place', async () => {
    for (const r of [
      await api(emu, '/device/getDevice', {}, { token: null }),
      await api(emu, '/device/getDevice', {}, { token: 'wrong' }),
      await api(emu, '/device/getDevice', {}, { token: 'wrong', tokenIn: 'query' }),
    ]) {
      expect(r.status).toBe(403);
      expect(r.body.error).toBe(true);
      expect(r.body.errors[0].name).toBe('ds-api-token');
    }
  });
});

describe('routing', () => {
  it('answers 404 for an unknown path', async () => {
    const r = await api(emu, '/device/nothingHere');
    expect(r.status).toBe(404);
    expect(r.body.error).toBe(true);
    expect((await fetch(`${emu.origin}/elsewhere`)).status).toBe(404);
  });

  it('answers 414 for an over-long GET URI, and the same parameters work by POST', async () => {
    const long = 'x'.repeat(9000);
    const get = await api(emu, '/device/registPushUrl', { serialNo: 'S1', pushUrl: `https://example.com/${long}` });
    expect(get.status).toBe(414);
    const post = await api(
      emu,
      '/device/registPushUrl',
      { serialNo: 'S1', pushUrl: `https://example.com/${long}` },
      { method: 'POST' },
    );
    expect(post.status).toBe(200);
  });

  it('refuses GET on a POST-only endpoint with 400 and the envelope (the document lists no 405)', async () => {
    const r = await api(emu, '/person/checkPersonPicture', { picture: b64('noface-gray.jpg') });
    expect(r.status).toBe(400);
    expect(r.headers.get('allow')).toBe('POST');
    expect(r.body.errors[0]).toEqual({ name: 'method', message: 'このAPIはPOSTで送信して下さい。' });
  });

  it('docs/emulator.md says what it answers to a GET on a POST-only endpoint (400 `method`), never 405', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/emulator.md'), 'utf8').replace(/\s+/g, ' ');
    // Every sentence about a GET on a POST-only endpoint, wherever the line breaks fall.
    const mentions = doc.match(/[^.]*GET on a POST-only endpoint[^.]*/g) ?? [];
    expect(mentions.length).toBeGreaterThanOrEqual(3);
    for (const m of mentions) {
      expect(m).toMatch(/400/);
      expect(m).not.toMatch(/405 for GET|GET[^.]*: 405/);
    }
  });
});

describe('request bodies', () => {
  it('reads form bodies but not JSON ones, as PHP fills $_POST (issue 11 point 4)', async () => {
    const res = await fetch(`${emu.url}/device/registPushUrl`, {
      method: 'POST',
      headers: { 'ds-api-token': emu.token, 'content-type': 'application/json' },
      body: JSON.stringify({ serialNo: 'S1', pushUrl: 'https://example.com/json' }),
    });
    expect(res.status).toBe(400);
    expect((await api(emu, '/device/getPushUrl', { serialNo: 'S1' })).body).not.toEqual({
      push_url: 'https://example.com/json',
    });
    const broken = await fetch(`${emu.url}/device/getDevice`, {
      method: 'POST',
      headers: { 'ds-api-token': emu.token, 'content-type': 'application/json' },
      body: '{not json',
    });
    // Not read at all, so not malformed either: getDevice needs no parameter.
    expect(broken.status).toBe(200);
  });
});

describe('parameter errors (400)', () => {
  it('lists one entry per bad field with Japanese messages', async () => {
    const r = await api(emu, '/log/getRecogLog', { recogTimeFrom: 'yesterday', pageNo: 'abc' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe(true);
    const names = r.body.errors.map((e: { name: string }) => e.name).sort();
    expect(names).toEqual(['pageNo', 'recogTimeFrom', 'serialNo']);
    for (const e of r.body.errors) expect(e.message).toMatch(/[ぁ-んァ-ヶ一-龠]/);
  });

  it('names an unknown device', async () => {
    const r = await api(emu, '/log/getRecogLog', { serialNo: 'NOPE' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].name).toBe('serialNo');
  });

  it('nochange-response-status=1 turns error statuses into 200 with the same body', async () => {
    const plain = await api(emu, '/log/getRecogLog', {});
    const same = await api(emu, '/log/getRecogLog', { 'nochange-response-status': 1 });
    expect(plain.status).toBe(400);
    expect(same.status).toBe(200);
    expect(same.body).toEqual(plain.body);
    const forbidden = await api(
      emu,
      '/device/getDevice',
      { 'nochange-response-status': 1 },
      { token: 'bad', tokenIn: 'query' },
    );
    expect(forbidden.status).toBe(200);
    expect(forbidden.body.errors[0].name).toBe('ds-api-token');
  });
});

describe('devices that cannot answer', () => {
  it('an offline device answers 503 with the JSON body', async () => {
    const r = await api(emu, '/config/getConfig', { serialNo: 'OFF1' });
    expect(r.status).toBe(503);
    expect(r.body).toEqual({
      error: true,
      errors: [{ name: 'device', message: 'デバイス[OFF1]はクラウドサーバーに接続されていません。' }],
    });
  });

  it('cloud-only endpoints still work for an offline device', async () => {
    expect((await api(emu, '/log/getRecogLog', { serialNo: 'OFF1' })).status).toBe(200);
  });

  it('an AI camera refuses the device endpoints it does not support, and answers the six it does', async () => {
    const r = await api(emu, '/system/reboot', { serialNo: 'CAM1' });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toEqual({ name: 'device', message: 'デバイス[CAM1]がエラーを返却しています。' });
    expect((await api(emu, '/system/getSystemInfo', { serialNo: 'CAM1' })).status).toBe(200);
    expect((await api(emu, '/person/getPersonFromDevice', { serialNo: 'CAM1' })).status).toBe(200);
    expect((await api(emu, '/log/getRecogLog', { serialNo: 'CAM1' })).status).toBe(200);
  });

  it('maintenance answers 503 with an empty body, globally and per device', async () => {
    await emu.op('POST', '/maintenance', { on: true });
    const r = await api(emu, '/device/getDevice');
    expect(r.status).toBe(503);
    expect(r.bytes.length).toBe(0);
    await emu.op('POST', '/maintenance', { on: false });
    expect((await api(emu, '/device/getDevice')).status).toBe(200);

    await emu.op('PATCH', '/devices/S1', { maintenance: true });
    const d = await api(emu, '/system/getSystemInfo', { serialNo: 'S1' });
    expect(d.status).toBe(503);
    expect(d.bytes.length).toBe(0);
    await emu.op('PATCH', '/devices/S1', { maintenance: false });
    expect((await api(emu, '/system/getSystemInfo', { serialNo: 'S1' })).status).toBe(200);
  });

  it('a device switched offline by the operator answers 503 JSON, and back online 200', async () => {
    await emu.op('PATCH', '/devices/S1', { online: false });
    expect((await api(emu, '/system/getSystemInfo', { serialNo: 'S1' })).status).toBe(503);
    await emu.op('PATCH', '/devices/S1', { online: true });
    expect((await api(emu, '/system/getSystemInfo', { serialNo: 'S1' })).status).toBe(200);
  });
});

describe('exclusive control', () => {
  it('two concurrent toDevice calls on one serial: exactly one exclusion error', async () => {
    await registPerson(emu, 'EX1', 'face-astronaut.jpg');
    await registPerson(emu, 'EX2', 'face-cameraman.jpg');
    await emu.op('PATCH', '/devices/S1', { latencyMs: 800 });
    const [a, b] = await Promise.all([
      api(emu, '/person/toDevice', { serialNo: 'S1', personCode: 'EX1' }),
      api(emu, '/person/toDevice', { serialNo: 'S1', personCode: 'EX2' }),
    ]);
    await emu.op('PATCH', '/devices/S1', { latencyMs: null });
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 400]);
    const refused = a.status === 400 ? a : b;
    expect(refused.body).toEqual({
      error: true,
      errors: [{ name: 'exclusion', message: '他のリクエストを処理中です。' }],
    });
  });

  it('non-exclusive endpoints and other serials are not blocked', async () => {
    await addDevice(emu, 'S2');
    await emu.op('PATCH', '/devices/S1', { latencyMs: 800 });
    const [a, b, c] = await Promise.all([
      api(emu, '/system/reboot', { serialNo: 'S1' }),
      api(emu, '/system/reboot', { serialNo: 'S2' }),
      api(emu, '/system/getSystemInfo', { serialNo: 'S1' }),
    ]);
    await emu.op('PATCH', '/devices/S1', { latencyMs: null });
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
  });
});

describe('allow-ip (401)', () => {
  it('answers 401 to a caller outside the allowed ranges, and 200 inside', async () => {
    const closed = await startTestEmulator({ allowIp: ['10.0.0.0/8'] });
    const open = await startTestEmulator({ allowIp: ['10.0.0.0/8', '127.0.0.0/8'] });
    try {
      const r = await api(closed, '/device/getDevice');
      expect(r.status).toBe(401);
      expect(r.body.error).toBe(true);
      expect((await api(open, '/device/getDevice')).status).toBe(200);
    } finally {
      await closed.close();
      await open.close();
    }
  });
});
