/**
 * Pictures the emulator ships (copies of the project's public-domain/CC0 fixtures): faces for the
 * demo seed and for simulated recognitions without a picture of their own. They live next to this
 * module in `assets/`; a build must copy that folder beside the compiled file.
 */
import { readFileSync } from 'node:fs';

const cache = new Map<string, Buffer>();

export type AssetName = 'face-astronaut.jpg' | 'face-cameraman.jpg' | 'noface-gray.jpg';

export function asset(name: AssetName): Buffer {
  let data = cache.get(name);
  if (!data) {
    data = readFileSync(new URL(`./assets/${name}`, import.meta.url));
    cache.set(name, data);
  }
  return data;
}
