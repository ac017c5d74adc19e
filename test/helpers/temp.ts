/**
 * Temporary folders for tests, removed when the test file ends (as Go's `t.TempDir()`).
 *
 * `tempDir(prefix)` makes `<os tmp>/<prefix>XXXXXX` and registers it; `test/setup/temp-cleanup.ts`
 * (a vitest setup file) removes every registered folder after each test file, whether its tests
 * passed or not. `test/setup/leftovers.ts` fails the run if anything named `facetctl-*` is left.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/** A new empty folder under the OS temp directory, removed when the current test file ends. */
export function tempDir(prefix = 'facetctl-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Removes every folder made by `tempDir` so far (the setup file calls it after each test file). */
export function removeTempDirs(): void {
  for (const dir of made) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    made.delete(dir);
  }
}
