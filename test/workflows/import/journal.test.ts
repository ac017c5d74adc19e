import {
  appendFileSync,
  constants,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openJournal, parseJournal, readJournal } from '../../../src/workflows/import/journal.js';
import { tempDir } from './fixtures.js';

const at = '2024-04-01T00:00:00.000Z';

describe('import journal', () => {
  it('remembers completed steps across runs, per row hash and device', async () => {
    const path = join(tempDir(), 'j.ndjson');
    const j = await openJournal(path);
    await Promise.all([
      j.record({ key: 'P1', rowHash: 'h1', step: 'registPersonForCloud', at }),
      j.record({ key: 'P1', rowHash: 'h1', step: 'toDevice', serial: 'S1', at }),
    ]);
    await j.close();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      { key: 'P1', rowHash: 'h1', step: 'registPersonForCloud', at },
      { key: 'P1', rowHash: 'h1', step: 'toDevice', serial: 'S1', at },
    ]);
    const again = await readJournal(path);
    expect(again.loaded).toBe(2);
    expect(again.isDone('P1', 'registPersonForCloud', 'h1')).toBe(true);
    expect(again.isDone('P1', 'registPersonForCloud', 'h2')).toBe(false);
    expect(again.isDone('P1', 'toDevice', 'h1', 'S1')).toBe(true);
    expect(again.isDone('P1', 'toDevice', 'h1', 'S2')).toBe(false);
    expect(again.isDone('P2', 'registPersonForCloud', 'h1')).toBe(false);
  });

  it('the latest entry for a step wins (a row changed and was sent again)', () => {
    const text = [
      JSON.stringify({ key: 'P1', rowHash: 'old', step: 'registPersonForCloud', at }),
      JSON.stringify({ key: 'P1', rowHash: 'new', step: 'registPersonForCloud', at }),
      '',
    ].join('\n');
    const { done } = parseJournal(text);
    expect([...done.values()]).toEqual(['new']);
  });

  it('ignores a torn last line and cuts it off before appending', async () => {
    const path = join(tempDir(), 'j.ndjson');
    const good = `${JSON.stringify({ key: 'P1', rowHash: 'h', step: 'registPersonForCloud', at })}\n`;
    writeFileSync(path, `${good}{"key":"P2","rowHash":"h","st`);
    const j = await openJournal(path);
    expect(j.loaded).toBe(1);
    expect(j.isDone('P2', 'registPersonForCloud', 'h')).toBe(false);
    await j.record({ key: 'P3', rowHash: 'h', step: 'registPersonForCloud', at });
    await j.close();
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(`${good}${JSON.stringify({ key: 'P3', rowHash: 'h', step: 'registPersonForCloud', at })}\n`);
    expect((await readJournal(path)).loaded).toBe(2);
  });

  it('skips garbage lines anywhere and reads a missing journal as empty', async () => {
    const dir = tempDir();
    const path = join(dir, 'j.ndjson');
    writeFileSync(path, 'not json\n{"key":1}\n');
    appendFileSync(path, `${JSON.stringify({ key: 'P1', rowHash: 'h', step: 'toDevice', serial: 'S', at })}\n`);
    expect((await readJournal(path)).loaded).toBe(1);
    expect((await readJournal(join(dir, 'none.ndjson'))).loaded).toBe(0);
  });

  it('starts over when fresh', async () => {
    const path = join(tempDir(), 'j.ndjson');
    writeFileSync(path, `${JSON.stringify({ key: 'P1', rowHash: 'h', step: 'toDevice', serial: 'S', at })}\n`);
    const j = await openJournal(path, { fresh: true });
    expect(j.isDone('P1', 'toDevice', 'h', 'S')).toBe(false);
    await j.close();
    expect(readFileSync(path, 'utf8')).toBe('');
  });

  it('batches many concurrent records and resolves each once on disk', async () => {
    const path = join(tempDir(), 'j.ndjson');
    const j = await openJournal(path);
    await Promise.all(
      Array.from({ length: 500 }, (_, i) => j.record({ key: `P${i}`, rowHash: 'h', step: 'registPersonForCloud', at })),
    );
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(500);
    await j.close();
    await j.close();
  });

  it.runIf(process.platform === 'linux')(
    'is opened O_DSYNC: each batch is one durable write, without a separate fdatasync',
    async () => {
      const path = join(tempDir(), 'j.ndjson');
      const probe = await open(join(tempDir(), 'probe'), 'w');
      const datasync = vi.spyOn(Object.getPrototypeOf(probe), 'datasync');
      await probe.close();
      try {
        const j = await openJournal(path);
        // The journal's descriptor, found by the file it names, and its open flags (octal) from procfs.
        const real = realpathSync(path);
        const fd = readdirSync('/proc/self/fd').find((n) => {
          try {
            return readlinkSync(`/proc/self/fd/${n}`) === real;
          } catch {
            return false;
          }
        });
        expect(fd).toBeDefined();
        const flags = Number.parseInt(/flags:\s*([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1], 8);
        expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC);
        expect(flags & constants.O_APPEND).toBe(constants.O_APPEND);
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            j.record({ key: `P${i}`, rowHash: 'h', step: 'toDevice', serial: 'S1', at }),
          ),
        );
        expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(20);
        expect(datasync).not.toHaveBeenCalled();
        await j.close();
      } finally {
        datasync.mockRestore();
      }
    },
  );
});
