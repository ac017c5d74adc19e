/**
 * Pictures the emulator ships (copies of the project's public-domain/CC0 fixtures): faces for the demo
 * seed and for simulated recognitions without a picture of their own. They are files in the package's
 * `assets/emulator/` folder, found from this module's own URL, so the same code reads them from `src/`
 * (tests, tsx) and from `dist/` (the installed package: `assets` is in package.json's `files`).
 */
import { readFileSync } from 'node:fs';

/** `assets/emulator/` at the package root: `src/emulator/` and `dist/emulator/` are both two levels down. */
export const ASSETS_DIR = new URL('../../assets/emulator/', import.meta.url);

const cache = new Map<string, Buffer>();

export type AssetName = 'face-astronaut.jpg' | 'face-cameraman.jpg' | 'noface-gray.jpg';

export const ASSET_NAMES: readonly AssetName[] = ['face-astronaut.jpg', 'face-cameraman.jpg', 'noface-gray.jpg'];

/** The bytes of one shipped picture (read once, then cached). Throws ENOENT if the package is incomplete. */
export function asset(name: AssetName): Buffer {
  let data = cache.get(name);
  if (!data) {
    data = readFileSync(new URL(name, ASSETS_DIR));
    cache.set(name, data);
  }
  return data;
}
