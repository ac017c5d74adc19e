/**
 * Crash safety of `person sync`: a sync (creations, renames, new pictures, moves, access windows,
 * cards, prunes from devices and the cloud) killed at random moments (SIGKILL) and run again ends
 * in exactly the state of an uninterrupted sync, and a further plan is empty. The same for
 * `person reconcile --repair`.
 */

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../src/core/client.js';
import { seededRandom } from '../../../src/core/seeded-random.js';
import { findDrift, hasDrift, repairDrift } from '../../../src/workflows/sync/reconcile.js';
import { type SyncOptions, syncPersons } from '../../../src/workflows/sync/sync-persons.js';
import { runChildAndKill } from '../../helpers/crash.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { syncOptions } from '../../helpers/sync-options.js';
import { emulatorWithDevices, requestedPaths, snapshot } from '../import/emulator-setup.js';
import { csv, syntheticJpeg, tempDir } from '../import/fixtures.js';

const SERIALS = ['EMU0001', 'EMU0002', 'EMU0003'];
const HEADER = [
  'personCode',
  'personName',
  'picture',
  'serialNos',
  'accessFlag_1',
  'accessTimeFrom_1',
  'accessTimeTo_1',
  'card_no_1',
  'validityDateFrom_1',
  'validityDateTo_1',
];

/** Yesterday's file (30 persons) and today's: renames, new pictures, moves, new windows, leavers, hires. */
async function files(dir: string): Promise<{ before: string; after: string }> {
  for (let i = 0; i < 50; i++) writeFileSync(join(dir, `p${i}.jpg`), await syntheticJpeg(i + 100));
  const row = (i: number, over: Partial<Record<string, string>> = {}) => {
    const base: Record<string, string> = {
      personCode: `C${String(i).padStart(3, '0')}`,
      personName: `Person ${i}`,
      picture: `p${i}.jpg`,
      serialNos: i % 2 ? 'EMU0001;EMU0002' : 'EMU0002',
      accessFlag_1: '1',
      accessTimeFrom_1: '2024/04/01 09:00:00',
      accessTimeTo_1: '2030/03/31 18:00:00',
      card_no_1: (0x1000 + i).toString(16).toUpperCase(),
      validityDateFrom_1: '2024/04/01',
      validityDateTo_1: '2030/03/31',
      ...over,
    };
    return HEADER.map((h) => base[h]);
  };
  const before = Array.from({ length: 30 }, (_, i) => row(i));
  const after = [
    ...Array.from({ length: 5 }, (_, i) => row(i, { personName: `Renamed ${i}` })),
    ...Array.from({ length: 5 }, (_, i) => row(i + 5, { picture: `p${i + 30}.jpg` })),
    ...Array.from({ length: 5 }, (_, i) => row(i + 10, { serialNos: 'EMU0003' })),
    ...Array.from({ length: 5 }, (_, i) => row(i + 15, { accessTimeTo_1: '2031/03/31 18:00:00' })),
    ...Array.from({ length: 5 }, (_, i) => row(i + 20)),
    // 25…29 left; 30…39 hired
    ...Array.from({ length: 10 }, (_, i) => row(i + 30, { picture: `p${i + 40}.jpg`, serialNos: 'EMU0003;EMU0001' })),
  ];
  const beforePath = join(dir, 'before.csv');
  const afterPath = join(dir, 'after.csv');
  writeFileSync(beforePath, csv(HEADER, before));
  writeFileSync(afterPath, csv(HEADER, after));
  return { before: beforePath, after: afterPath };
}

async function runSync(emu: TestEmulator, csvPath: string, more: Partial<SyncOptions> = {}) {
  const client = createClient({ baseUrl: emu.url, token: emu.token });
  try {
    return await syncPersons(syncOptions(csvPath, emu.url, client, more));
  } finally {
    await client.close();
  }
}

/** API requests the emulator has answered since the last clear. */
async function apiRequests(emu: TestEmulator): Promise<number> {
  return (await requestedPaths(emu)).length;
}

/** Starts the sync (or a repair) as a child and SIGKILLs it once the emulator has seen `killAt` API requests. */
function runAndKill(
  emu: TestEmulator,
  job: { csvPath: string } | { repair: string[] },
  killAt: number,
): Promise<'killed' | 'finished'> {
  return runChildAndKill(
    join(import.meta.dirname, 'sync-child.ts'),
    { url: emu.url, token: emu.token, ...job },
    () => apiRequests(emu),
    killAt,
    10,
  );
}

describe('person sync after crashes', () => {
  const seed = Number(process.env.FACETCTL_CRASH_SEED ?? Date.now() % 100000);

  it(`killed at random moments and run again, ends as an uninterrupted sync (seed ${seed})`, {
    timeout: 180_000,
  }, async () => {
    const random = seededRandom(seed);
    const reference = await emulatorWithDevices({ serials: SERIALS, latencyMs: 2 });
    const crashed = await emulatorWithDevices({ serials: SERIALS, latencyMs: 2 });
    try {
      const refFiles = await files(tempDir());
      const crashFiles = await files(tempDir());
      for (const [emu, f] of [
        [reference, refFiles],
        [crashed, crashFiles],
      ] as const) {
        const first = await runSync(emu, f.before);
        expect(first.lines.filter((l) => l.status === 'failed')).toEqual([]);
      }
      await reference.op('DELETE', '/requests');
      const ref = await runSync(reference, refFiles.after);
      expect(ref.lines.filter((l) => l.status === 'failed')).toEqual([]);
      const total = await apiRequests(reference);

      let kills = 0;
      for (let attempt = 0; attempt < 4; attempt++) {
        await crashed.op('DELETE', '/requests');
        const killAt = 1 + Math.floor(random() * total * 0.8);
        if ((await runAndKill(crashed, { csvPath: crashFiles.after }, killAt)) === 'killed') kills++;
      }
      expect(kills).toBeGreaterThan(0);
      const final = await runSync(crashed, crashFiles.after);
      expect(final.lines.filter((l) => l.status === 'failed')).toEqual([]);

      const expected = (await snapshot(reference, SERIALS)) as { cloud: unknown[]; devices: Record<string, unknown[]> };
      expect(expected.cloud).toHaveLength(35);
      expect(expected.devices.EMU0003).toHaveLength(15);
      expect(await snapshot(crashed, SERIALS)).toEqual(expected);
      const again = await runSync(crashed, crashFiles.after, { dryRun: true, checkDevices: true });
      expect(again.plan.persons).toEqual([]);
    } finally {
      await reference.close();
      await crashed.close();
    }
  });

  it(`reconcile --repair killed at random moments and run again removes all drift (seed ${seed})`, {
    timeout: 120_000,
  }, async () => {
    const random = seededRandom(seed + 1);
    const emu = await emulatorWithDevices({ serials: SERIALS, latencyMs: 2 });
    try {
      const f = await files(tempDir());
      expect((await runSync(emu, f.before)).lines.filter((l) => l.status === 'failed')).toEqual([]);
      const expected = await snapshot(emu, SERIALS, false);
      // Drift on two devices: 10 persons gone from EMU0002 (cleared there), 10 strangers added to EMU0001.
      for (let i = 0; i < 10; i++) {
        await emu.op('DELETE', '/device-persons', {
          serialNo: 'EMU0002',
          personCode: `C${String(i).padStart(3, '0')}`,
        });
        await emu.op('POST', '/device-persons', {
          serialNo: 'EMU0001',
          personCode: `X${i}`,
          personName: `stranger ${i}`,
        });
      }
      let kills = 0;
      for (let attempt = 0; attempt < 3; attempt++) {
        await emu.op('DELETE', '/requests');
        const killAt = 3 + Math.floor(random() * 20);
        if ((await runAndKill(emu, { repair: SERIALS }, killAt)) === 'killed') kills++;
      }
      expect(kills).toBeGreaterThan(0);
      const client = createClient({ baseUrl: emu.url, token: emu.token });
      try {
        const drift = await findDrift(client, SERIALS);
        const lines = await repairDrift({
          client,
          drift,
          direction: 'to-device',
          signal: new AbortController().signal,
          now: () => new Date(),
        });
        expect(lines.filter((l) => l.status === 'failed')).toEqual([]);
        expect(hasDrift(await findDrift(client, SERIALS))).toBe(false);
      } finally {
        await client.close();
      }
      expect(await snapshot(emu, SERIALS, false)).toEqual(expected);
    } finally {
      await emu.close();
    }
  });
});
