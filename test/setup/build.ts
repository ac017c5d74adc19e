/**
 * Vitest global setup: the end-to-end tests spawn `bin/facetctl.js`, which runs the build output.
 * Build once when `dist/` is missing or older than any source file, so the e2e tests never run
 * yesterday's code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The build's last file: the CLI's code cache (`main.cjs.<build id>.v8-cache`, scripts/build-cli.mjs). */
function builtCache(): string | undefined {
  const dir = join(ROOT, 'dist', 'cli');
  if (!existsSync(dir)) return undefined;
  const name = readdirSync(dir).find((f) => /^main\.cjs\.[0-9a-f]{16}\.v8-cache$/.test(f));
  return name === undefined ? undefined : join(dir, name);
}

export function needsBuild(): boolean {
  const cache = builtCache();
  if (cache === undefined) return true;
  return newestMtime(join(ROOT, 'src')) > statSync(cache).mtimeMs;
}

/**
 * `vitest run test/core` selects no e2e test: skip the build. Filters are the positional words after
 * `run` on the vitest command line; a full run (no filters) or one naming e2e builds.
 */
function e2eSelected(argv: readonly string[]): boolean {
  const words = argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'run' && a !== 'watch');
  const filters = words.filter((w) => !/^\d+$/.test(w));
  return filters.length === 0 || filters.some((f) => 'test/e2e/'.includes(f) || f.includes('e2e'));
}

export default function setup(): void {
  if (e2eSelected(process.argv)) ensureBuilt();
}

/** Builds dist/ if it is stale; the e2e tests call it too, in case a filter made setup skip it. */
export function ensureBuilt(): void {
  if (!needsBuild()) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  // tsc still emits when another area's unfinished file has a type error; the e2e tests then run
  // what was emitted, and the type errors are reported by the typecheck step, not here.
  const bundle = spawnSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (builtCache() === undefined) {
    throw new Error(`build failed:\n${r.stdout}${r.stderr}${bundle.stdout}${bundle.stderr}`);
  }
}
