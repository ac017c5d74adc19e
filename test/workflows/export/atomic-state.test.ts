import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDir, openAtomicFile, writeFileAtomic } from '../../../src/core/safe-file.js';
import { emptyState, loadState, saveState } from '../../../src/workflows/export/export-state.js';
import { hostProcesses } from '../../helpers/processes.js';
import { tempDir } from '../../helpers/temp.js';

const dir = () => tempDir('facetctl-export-');

describe('atomic file', () => {
  it('the target appears only at commit; abort leaves the old content and no temp file', async () => {
    const d = dir();
    const target = join(d, 'logs.csv');
    writeFileSync(target, 'old');
    const f = await openAtomicFile(hostProcesses, target);
    await f.write('new content');
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(f.tempPath.startsWith(d)).toBe(true);
    await f.commit();
    expect(readFileSync(target, 'utf8')).toBe('new content');
    expect(readdirSync(d)).toEqual(['logs.csv']);

    const g = await openAtomicFile(hostProcesses, target);
    await g.write('half');
    await g.abort();
    expect(readFileSync(target, 'utf8')).toBe('new content');
    expect(readdirSync(d)).toEqual(['logs.csv']);
  });

  it('writeFileAtomic replaces a file with the given mode', async () => {
    const target = join(dir(), 'state.json');
    await writeFileAtomic(hostProcesses, target, 'x', 0o600);
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });
});

describe('export state', () => {
  it('a missing file is an empty state; a saved state reads back', async () => {
    const path = join(dir(), 'state.json');
    expect(await loadState(path)).toEqual(emptyState());
    const s = emptyState();
    s.recog.S1 = { lastId: 42, lastTime: '2026/01/01 00:00:00', recheck: { from: '2026/01/01 00:00:00', ids: [41] } };
    s.operate.S1 = { lastTime: '2026/01/01 00:00:00', keys: ['k'] };
    await saveState(hostProcesses, path, s);
    expect(await loadState(path)).toEqual(s);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a damaged file stops the export with the file named', async () => {
    const path = join(dir(), 'state.json');
    writeFileSync(path, '{"version":1,"recog":{"S1":{"lastId":"x"}}}');
    await expect(loadState(path)).rejects.toThrow(/S1.*lastId/);
    writeFileSync(path, 'not json');
    await expect(loadState(path)).rejects.toThrow(/state\.json is not valid JSON/);
  });
});

describe('ensureDir', () => {
  it('creates nested folders, accepts existing ones, and fails (never hangs) where no folder can be made', async () => {
    const base = dir();
    await ensureDir(join(base, 'a', 'b', 'c'));
    await ensureDir(join(base, 'a', 'b', 'c'));
    expect(statSync(join(base, 'a', 'b', 'c')).isDirectory()).toBe(true);
    writeFileSync(join(base, 'file'), 'x');
    await expect(ensureDir(join(base, 'file'))).rejects.toThrow(/not a folder/);
    await expect(ensureDir(join(base, 'file', 'sub'))).rejects.toThrow(/cannot create the folder/);
    if (process.platform === 'linux') {
      // fs.mkdir({ recursive: true }) spins forever on this path under Node 20.
      await expect(ensureDir('/proc/nope/sub')).rejects.toThrow(/cannot create the folder/);
    }
  });
});
