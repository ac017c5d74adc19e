/** The embedded pictures match the files in src/emulator/assets (generated file, no drift). */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSET_NAMES, asset } from '../../src/emulator/assets.js';

const dir = new URL('../../src/emulator/assets/', import.meta.url);
const generated = new URL('../../src/emulator/assets-data.ts', import.meta.url);

function render(): string {
  const entries = ASSET_NAMES.map((n) => `  '${n}':\n    '${readFileSync(new URL(n, dir)).toString('base64')}',`);
  return [
    '/**',
    ' * GENERATED from src/emulator/assets/*.jpg, do not edit: regenerate with',
    ' * `FACETCTL_UPDATE_ASSETS=1 npx vitest run test/emulator/assets.test.ts`.',
    ' * Embedded so the emulator works from the compiled package without copying files beside it.',
    ' */',
    'export const ASSET_BASE64: Readonly<Record<string, string>> = {',
    ...entries,
    '};',
    '',
  ].join('\n');
}

describe('embedded assets', () => {
  it('assets-data.ts is generated from the asset files', () => {
    if (process.env.FACETCTL_UPDATE_ASSETS === '1') writeFileSync(generated, render());
    expect(readFileSync(generated, 'utf8')).toBe(render());
    for (const n of ASSET_NAMES) expect(asset(n).equals(readFileSync(new URL(n, dir)))).toBe(true);
  });
});
