/**
 * The emulator's own refusals outside validateWire word their rule as the message catalogue does
 * (core/params/messages.ts): the required serial, the picture IP, a malformed callback or body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageJa } from '../../src/core/params/index.js';
import { addDevice, startTestEmulator, type TestEmulator } from './util.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
  await addDevice(emu, 'M1');
});
afterAll(() => emu.close());

async function errors(res: Response) {
  expect(res.status).toBe(400);
  return ((await res.json()) as { errors: { name: string; message: string }[] }).errors;
}

describe('catalogue wordings in the emulator', () => {
  it('a missing serialNo: 「シリアルNoは必須です。」', async () => {
    const res = await fetch(`${emu.url}/device/getPushUrl`, { method: 'POST', headers: { 'ds-api-token': emu.token } });
    const expected = [{ name: 'serialNo', message: 'シリアルNoは必須です。' }];
    expect(await errors(res)).toEqual(expected);
    expect(messageJa('required', { label: 'シリアルNo' })).toBe(expected[0].message);
  });

  it('a pictureAllowIp that is not an address', async () => {
    const res = await fetch(`${emu.url}/log/getRecogLog?serialNo=M1&pictureAllowIp=not-an-ip`, {
      headers: { 'ds-api-token': emu.token },
    });
    expect(await errors(res)).toEqual([
      { name: 'pictureAllowIp', message: '画像のアクセス元IPアドレスはIPアドレスの形式で指定して下さい。' },
    ]);
  });

  it('a jsonp callback that is not a function name', async () => {
    const res = await fetch(`${emu.url}/device/getDevice?ds-api-token=${emu.token}&callback=alert(1)//`);
    expect(await errors(res)).toEqual([
      { name: 'callback', message: 'コールバック関数名（callback）の形式が正しくありません。' },
    ]);
  });

  it('a form body that cannot be read', async () => {
    const res = await fetch(`${emu.url}/device/getDevice`, {
      method: 'POST',
      headers: { 'ds-api-token': emu.token, 'content-type': 'multipart/form-data; boundary=b' },
      body: '--b\r\nContent-Disposition: form-data; name="serialNo"\r\n\r\nM1',
    });
    expect(await errors(res)).toEqual([{ name: 'body', message: 'リクエストの形式が正しくありません。' }]);
  });
});
