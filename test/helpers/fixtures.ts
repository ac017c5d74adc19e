/** The one copy of the test pictures: `test/fixtures/pictures/` (sources and licences in its README). */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PICTURES = resolve(import.meta.dirname, '../fixtures/pictures');

/** The bytes of one fixture picture, e.g. `picture('face-astronaut.jpg')`. */
export function picture(name: string): Buffer {
  return readFileSync(join(PICTURES, name));
}
