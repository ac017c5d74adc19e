import { describe, expect, it } from 'vitest';
import { emulatorWithDevices, requestedPaths, runWorkflow, SERIALS, snapshot } from './emulator-setup.js';
import { writePersons } from './fixtures.js';

describe('person import against the emulator', () => {
  // The emulator runs in its own process here: it and the importer each get a CPU.
  it('imports 2,000 persons onto 4 devices, and a re-run sends no registration again', {
    timeout: 180_000,
  }, async () => {
    const emu = await emulatorWithDevices({ faces: 'off', latencyMs: 1, child: true });
    try {
      const file = await writePersons(2000, { serials: SERIALS });
      const result = await runWorkflow(emu, file.csvPath);
      expect(result.lines).toHaveLength(8000);
      expect(result.lines.filter((l) => l.status !== 'ok')).toEqual([]);
      const state = (await snapshot(emu, SERIALS, false)) as {
        cloud: unknown[];
        devices: Record<string, { personCode: string }[]>;
      };
      expect(state.cloud).toHaveLength(2000);
      for (const serial of SERIALS) {
        const codes = state.devices[serial].map((p) => p.personCode);
        expect(new Set(codes).size).toBe(2000);
        expect(codes).toHaveLength(2000);
      }

      await emu.op('DELETE', '/requests');
      const again = await runWorkflow(emu, file.csvPath);
      expect(again.lines.every((l) => l.status === 'skipped')).toBe(true);
      expect(again.progress.sent).toBe(0);
      expect(new Set(await requestedPaths(emu))).toEqual(new Set(['/api1/device/getDevice']));
    } finally {
      await emu.close();
    }
  });
});
