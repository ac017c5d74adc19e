/**
 * Issue 11 point 9 and issue 15 §4: lastAccess is the device's last contact with the cloud. The
 * document (getDevice): 「顔が認識されていなくても死活監視のために一定時間ごとに通信が行われます。」 Online
 * devices check in on a clock the tests drive (`POST /_emulator/tick`), recognitions move it, offline
 * and silenced devices stop; recognitions can be generated at a steady rate.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiDateTime } from '../../src/core/dates.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

/** A wire time is the cloud's wall clock (Asia/Tokyo), whatever the host's TZ. */
function parseWire(t: string): number {
  return parseApiDateTime(t)!.getTime();
}

async function devices(): Promise<Record<string, { lastAccess: string | null; lastRecog: string | null }>> {
  const res = await fetch(`${emu.url}/device/getDevice`, { headers: { 'ds-api-token': emu.token } });
  const list = (await res.json()) as { serialNo: string; lastAccess: string | null; lastRecog: string | null }[];
  return Object.fromEntries(list.map((d) => [d.serialNo, d]));
}

const ageSeconds = (wire: string | null) => (Date.now() - parseWire(wire as string)) / 1000;

describe('device check-ins (lastAccess)', () => {
  it('online devices check in on tick; offline and silenced ones age; a recognition is contact', async () => {
    for (const serialNo of ['CK-ON', 'CK-SILENT', 'CK-OFF']) {
      expect((await emu.op('POST', '/devices', { serialNo })).status).toBe(201);
    }
    expect((await emu.op('PATCH', '/devices/CK-SILENT', { checkIns: false })).body.checkIns).toBe(false);
    expect((await emu.op('PATCH', '/devices/CK-OFF', { online: false })).status).toBe(200);

    const ticked = await emu.op('POST', '/tick', { seconds: 900 });
    expect(ticked.status).toBe(200);
    const d = await devices();
    expect(ageSeconds(d['CK-ON'].lastAccess)).toBeLessThan(60);
    expect(ageSeconds(d['CK-SILENT'].lastAccess)).toBeGreaterThanOrEqual(899);
    expect(ageSeconds(d['CK-OFF'].lastAccess)).toBeGreaterThanOrEqual(899);

    // A recognition reaching the cloud is contact; an offline device's recognitions do not move it.
    expect((await emu.op('POST', '/recognize', { serialNo: 'CK-SILENT' })).status).toBe(200);
    expect((await emu.op('POST', '/recognize', { serialNo: 'CK-OFF' })).status).toBe(200);
    const after = await devices();
    expect(ageSeconds(after['CK-SILENT'].lastAccess)).toBeLessThan(60);
    expect(ageSeconds(after['CK-OFF'].lastAccess)).toBeGreaterThanOrEqual(899);
    expect(after['CK-SILENT'].lastRecog).not.toBeNull();

    // Back online and checking in: the next round brings it back.
    await emu.op('PATCH', '/devices/CK-OFF', { online: true });
    await emu.op('POST', '/tick', {});
    expect(ageSeconds((await devices())['CK-OFF'].lastAccess)).toBeLessThan(60);
  });

  it('refuses a malformed tick', async () => {
    expect((await emu.op('POST', '/tick', { seconds: -1 })).status).toBe(400);
    expect((await emu.op('POST', '/tick', { seconds: 'x' })).status).toBe(400);
  });

  it('generates recognitions at a steady rate, preliminary ones included, and stops after count', async () => {
    expect((await emu.op('POST', '/devices', { serialNo: 'GEN1' })).status).toBe(201);
    const started = await emu.op('POST', '/generate', {
      serialNo: 'GEN1',
      everyMs: 20,
      count: 6,
      preliminaryEvery: 3,
      finalizeAfterMs: 0,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    for (;;) {
      const g = await emu.op('GET', '/generate');
      if (g.body.generators.length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await emu.op('POST', '/finalize', { serialNo: 'GEN1' });
    const res = await fetch(`${emu.url}/log/getRecogLog?serialNo=GEN1&pageNo=1`, {
      headers: { 'ds-api-token': emu.token },
    });
    const body = (await res.json()) as { rows: number; list: { id: string | null }[] };
    expect(body.rows).toBe(6);
    expect(body.list.every((r) => r.id !== null)).toBe(true);
    expect((await emu.op('POST', '/generate', { serialNo: 'GEN1', everyMs: 1 })).status).toBe(400);
  });
});
