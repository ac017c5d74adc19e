#!/usr/bin/env node
/**
 * Bundles the command-line entry (src/cli.ts) with esbuild into dist/cli/: one entry file and lazy
 * chunks, one per dynamic import (each command module, the emulator, the workflows), so a cron
 * `facetctl device list` reads a few files instead of a hundred. Packages stay external (resolved
 * from node_modules as before, loaded when a chunk imports them). The library entry points
 * (dist/index.js, dist/emulator/index.js) and their types are tsc's output; this is only the CLI.
 *
 * Run by `npm run build` after tsc. Chunks live two levels below the package root, as src/*\/*.ts
 * and dist/*\/*.js do, so `new URL('../../package.json', import.meta.url)` and the assets resolve
 * the same from src/, dist/ and dist/cli/.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
