/** The emulator's pictures are read from the package's assets/emulator/ folder, from src/ and from dist/. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSET_NAMES, ASSETS_DIR, asset } from '../../src/emulator/assets.js';
import { ensureBuilt } from '../setup/build.js';

describe('emulator assets', () => {
  it('each shipped picture is a JPEG read from assets/emulator/', () => {
    for (const n of ASSET_NAMES) {
      const bytes = asset(n);
      expect(bytes.equals(readFileSync(new URL(n, ASSETS_DIR)))).toBe(true);
      expect(bytes.subarray(0, 2).toString('hex')).toBe('ffd8');
    }
  });

  it('the built module finds the same files', () => {
    ensureBuilt();
    const script = `import('./dist/emulator/assets.js').then((m) => console.log(m.asset('face-astronaut.jpg').length))`;
    const r = spawnSync(process.execPath, ['-e', script], {
      cwd: new URL('../../', import.meta.url),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(Number(r.stdout.trim())).toBe(asset('face-astronaut.jpg').length);
  });
});
