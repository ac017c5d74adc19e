/**
 * Vitest global setup: the suite leaves the temp directory as it found it. The run gets a private
 * temp folder (`<os tmp>/facetctl-suite-XXXXXX`, given to every worker and child process as TMPDIR),
 * so parallel runs on one machine never see each other's files. After the run, anything left in it
 * is an error naming it (a test made a folder without `tempDir()`, or the code under test leaked a
 * file); the folder is removed either way.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), 'facetctl-suite-'));
  process.env.TMPDIR = dir;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    const left = readdirSync(dir);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    if (left.length === 0) return;
    throw new Error(
      `the test suite left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in the temp directory (now removed): ${left.slice(0, 10).join(', ')}`,
    );
  };
}
