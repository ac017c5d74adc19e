/**
 * Pictures the emulator ships (copies of the project's public-domain/CC0 fixtures in `assets/`): faces
 * for the demo seed and for simulated recognitions without a picture of their own. They are embedded
 * in `assets-data.ts` so the compiled package needs no files beside it.
 */
import { ASSET_BASE64 } from './assets-data.js';

const cache = new Map<string, Buffer>();

export type AssetName = 'face-astronaut.jpg' | 'face-cameraman.jpg' | 'noface-gray.jpg';

export const ASSET_NAMES: readonly AssetName[] = ['face-astronaut.jpg', 'face-cameraman.jpg', 'noface-gray.jpg'];

export function asset(name: AssetName): Buffer {
  let data = cache.get(name);
  if (!data) {
    data = Buffer.from(ASSET_BASE64[name], 'base64');
    cache.set(name, data);
  }
  return data;
}
