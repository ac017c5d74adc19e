/**
 * Vitest global setup: the suite leaves the temp directory as it found it. Before the run it notes
 * what `facetctl-*` entries exist in the OS temp directory; after the run, any new one is an error
 * naming it (a test made a folder without `tempDir()`, or the code under test leaked a file).
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function entries(): Set<string> {
  return new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('facetctl-')));
}

export default function setup(): () => void {
  const before = entries();
  return () => {
    const left = [...entries()].filter((n) => !before.has(n));
    if (left.length === 0) return;
    for (const n of left) rmSync(join(tmpdir(), n), { recursive: true, force: true });
    throw new Error(
      `the test suite left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in ${tmpdir()} (now removed): ${left.slice(0, 10).join(', ')}`,
    );
  };
}
