/** With `db`, the state (token, devices, persons, pictures, logs, settings) survives a restart. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStoredToken } from '../../src/emulator/index.js';
import { tempDir } from '../helpers/temp.js';
import { addDevice, b64, cookieHeader, fixture, ok, registPerson, startTestEmulator } from './util.js';

const dir = tempDir('facetctl-emu-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('persistence', () => {
  it('keeps everything across a restart, including the generated token', async () => {
    const db = join(dir, 'state.sqlite');
    const first = await startTestEmulator({ db });
    const token = first.token;
    expect(token).toMatch(/^[A-Za-z0-9]{64}$/);
    await addDevice(first, 'KEEP1', { description: '残る' });
    await registPerson(first, 'KP1', 'face-astronaut.jpg');
    await ok(first, '/person/toDevice', { serialNo: 'KEEP1', personCode: 'KP1' });
    await ok(first, '/config/setConfig', { serialNo: 'KEEP1', deviceAudioVolume: 33 });
    await first.op('POST', '/recognize', { serialNo: 'KEEP1', count: 123 });
    await first.close();

    expect(await readStoredToken(db)).toBe(token);
    const second = await startTestEmulator({ db });
    try {
      expect(second.token).toBe(token);
      expect((await ok(second, '/device/getDevice'))[0]).toMatchObject({ serialNo: 'KEEP1', description: '残る' });
      expect((await ok(second, '/config/getConfig', { serialNo: 'KEEP1' })).deviceAudioVolume).toBe(33);
      expect((await ok(second, '/log/getRecogLog', { serialNo: 'KEEP1' })).rows).toBe(123);
      const person = await ok(second, '/person/getPerson', { serialNo: 'KEEP1', personCode: 'KP1', includePicture: 1 });
      expect(person.device.picture).toBe(b64('face-astronaut.jpg'));
      const list = await ok(second, '/person/getPersonFromCloud', {});
      const pic = await fetch(list.list[0].pictureUrl, { headers: { cookie: cookieHeader(list.pictureCookie) } });
      expect(Buffer.from(await pic.arrayBuffer()).equals(fixture('face-astronaut.jpg'))).toBe(true);
    } finally {
      await second.close();
    }
  });

  it('an explicit token replaces the stored one', async () => {
    const db = join(dir, 'explicit.sqlite');
    const a = await startTestEmulator({ db });
    await a.close();
    const b = await startTestEmulator({ db, token: 'T'.repeat(64) });
    expect(b.token).toBe('T'.repeat(64));
    await b.close();
    expect(await readStoredToken(db)).toBe('T'.repeat(64));
  });
});

describe('the database file', () => {
  it('is created readable by its owner only, since it holds the token', async () => {
    const { statSync } = await import('node:fs');
    const db = join(dir, 'private.sqlite');
    const emu = await startTestEmulator({ db });
    await emu.close();
    expect(statSync(db).mode & 0o077).toBe(0);
  });

  it('readStoredToken of a missing file answers undefined without creating it', async () => {
    const { existsSync } = await import('node:fs');
    const missing = join(dir, 'missing.sqlite');
    expect(await readStoredToken(missing)).toBeUndefined();
    expect(existsSync(missing)).toBe(false);
  });
});

describe('demo seed into a database', () => {
  it('seeds a new state once, and never on top of existing devices', async () => {
    const db = join(dir, 'demo.sqlite');
    const a = await startTestEmulator({ db, seed: 'demo' });
    const count = (await ok(a, '/device/getDevice')).length;
    await a.close();
    const b = await startTestEmulator({ db, seed: 'demo' });
    expect((await ok(b, '/device/getDevice')).length).toBe(count);
    await b.close();
    const other = join(dir, 'own.sqlite');
    const c = await startTestEmulator({ db: other });
    await addDevice(c, 'MINE');
    await c.close();
    const d = await startTestEmulator({ db: other, seed: 'demo' });
    expect((await ok(d, '/device/getDevice')).map((x: { serialNo: string }) => x.serialNo)).toEqual(['MINE']);
    await d.close();
  });
});
