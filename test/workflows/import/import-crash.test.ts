import { readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/core/seeded-random.js';
import { runChildAndKill } from '../../helpers/crash.js';
import type { TestEmulator } from '../../helpers/emulator.js';
import { emulatorWithDevices, runWorkflow, SERIALS, snapshot } from './emulator-setup.js';
import { writePersons } from './fixtures.js';

const PERSONS = 60;
/** check + registration + 4 access times + cards + 4 toDevice. */
const STEPS = PERSONS * 11;

function journalLines(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** Starts the importer as a child and SIGKILLs it once the journal holds `killAt` lines (or lets it end). */
function runAndKill(emu: TestEmulator, csvPath: string, killAt: number): Promise<'killed' | 'finished'> {
  const journal = `${csvPath}.facetctl-journal.ndjson`;
  // Polls the journal (the child gives no other sign of progress) until the kill point or the end.
  return runChildAndKill(
    join(import.meta.dirname, 'import-child.ts'),
    { url: emu.url, token: emu.token, csvPath },
    () => journalLines(journal),
    killAt,
    2,
  );
}

describe('person import after crashes', () => {
  const seed = Number(process.env.FACETCTL_CRASH_SEED ?? Date.now() % 100000);

  it(`killed at random moments and run again, ends as an uninterrupted run (seed ${seed})`, {
    timeout: 120_000,
  }, async () => {
    const random = seededRandom(seed);
    const reference = await emulatorWithDevices({ latencyMs: 2 });
    const crashed = await emulatorWithDevices({ latencyMs: 2 });
    try {
      const refFile = await writePersons(PERSONS, { serials: SERIALS, extras: true });
      const ref = await runWorkflow(reference, refFile.csvPath);
      expect(ref.lines.every((l) => l.status === 'ok')).toBe(true);

      const file = await writePersons(PERSONS, { serials: SERIALS, extras: true });
      const journal = `${file.csvPath}.facetctl-journal.ndjson`;
      let kills = 0;
      for (let attempt = 0; attempt < 4; attempt++) {
        const done = journalLines(journal);
        const killAt = done + Math.floor(random() * (STEPS - done) * 0.6);
        if ((await runAndKill(crashed, file.csvPath, killAt)) === 'killed') kills++;
      }
      expect(kills).toBeGreaterThan(0);
      const final = await runWorkflow(crashed, file.csvPath);
      expect(final.lines.filter((l) => l.status === 'failed')).toEqual([]);

      const expected = (await snapshot(reference)) as {
        cloud: unknown[];
        devices: Record<string, unknown[]>;
        details: Record<string, { cards: { list: unknown[] } }>;
      };
      expect(expected.cloud).toHaveLength(PERSONS);
      for (const s of SERIALS) expect(expected.devices[s]).toHaveLength(PERSONS);
      expect(expected.details.P00007.cards.list).toHaveLength(1);
      expect(await snapshot(crashed)).toEqual(expected);
    } finally {
      await reference.close();
      await crashed.close();
    }
  });

  it('a journal cut in the middle of a line loses only that step, which is sent again', async () => {
    const emu = await emulatorWithDevices({ latencyMs: 1 });
    try {
      const file = await writePersons(20, { serials: SERIALS.slice(0, 2), extras: true });
      const journal = `${file.csvPath}.facetctl-journal.ndjson`;
      await runWorkflow(emu, file.csvPath);
      const before = await snapshot(emu, SERIALS.slice(0, 2));
      const text = readFileSync(journal, 'utf8');
      const lastLineStart = text.lastIndexOf('\n', text.length - 2) + 1;
      truncateSync(journal, Buffer.byteLength(text.slice(0, lastLineStart + 20)));
      const lost = JSON.parse(text.slice(lastLineStart));

      await emu.op('DELETE', '/requests');
      const again = await runWorkflow(emu, file.csvPath);
      expect(again.progress.sent).toBe(1);
      const paths = ((await emu.op('GET', '/requests')).body.requests as { path: string }[]).map((r) => r.path);
      expect(paths).toEqual(['/api1/device/getDevice', `/api1/person/${lost.step}`]);
      expect(await snapshot(emu, SERIALS.slice(0, 2))).toEqual(before);
      expect(readFileSync(journal, 'utf8').endsWith('\n')).toBe(true);
    } finally {
      await emu.close();
    }
  });
});
