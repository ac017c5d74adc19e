#!/usr/bin/env node
/**
 * Bundles the command-line entry (src/cli.ts) with esbuild into dist/cli/: one entry file and lazy
 * chunks, one per dynamic import (each command module, the emulator, the workflows), so a cron
 * `facetctl device list` reads a few files instead of a hundred. Two packages are bundled into the
 * chunks, because every run or every API call loads them and resolving them file by file from
 * node_modules cost more than their code: commander (the tree) and undici (the HTTP client: ~40 of its
 * CommonJS files through src/core/undici.ts). The others stay external (resolved from node_modules,
 * loaded when a chunk imports them). Whitespace and syntax are minified (less to parse at each start;
 * names are kept, so stack traces and `constructor.name` read as in src/). The library entry points
 * (dist/index.js, dist/emulator/index.js) and their types are tsc's output; this is only the CLI.
 *
 * Run by `npm run build` after tsc. Chunks live two levels below the package root, as src/*\/*.ts
 * and dist/*\/*.js do, so `new URL('../../package.json', import.meta.url)` and the assets resolve
 * the same from src/, dist/ and dist/cli/.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
/** Packages bundled into the chunks rather than resolved from node_modules at run time (see above); pinned exactly in package.json. */
const BUNDLED = new Set(['undici', 'commander']);
const outdir = `${root}dist/cli`;

/**
 * Inside the bundled undici only, `require('node:http2')` gets scripts/undici-http2-lazy.cjs: the
 * constants client-h2.js reads at load, and `connect` loading node:http2 on first use (~11 ms less
 * for every API call; facetctl never enables HTTP/2).
 */
const lazyHttp2 = {
  name: 'undici-lazy-http2',
  setup(b) {
    b.onResolve({ filter: /^node:http2$/ }, (args) =>
      /[\\/]node_modules[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h2\.js$/.test(args.importer)
        ? { path: `${root}scripts/undici-http2-lazy.cjs` }
        : undefined,
    );
  },
};
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
  external: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies }).filter(
    (name) => !BUNDLED.has(name),
  ),
  // undici is CommonJS: its require('node:…') calls need a require in each ESM chunk.
  banner: {
    js: "import { createRequire as __facetctlRequire } from 'node:module';\nconst require = __facetctlRequire(import.meta.url);",
  },
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  plugins: [lazyHttp2],
});

// The bundled packages' code ships inside the chunks, so their licences ship beside them (both MIT,
// which asks that the notice go with every copy); comments are stripped from the chunks themselves.
writeFileSync(
  `${outdir}/THIRD-PARTY-LICENSES.txt`,
  [...BUNDLED]
    .sort()
    .map((name) => {
      const { version } = JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8'));
      return `${name}@${version} (bundled into dist/cli/)\n\n${readFileSync(`${root}node_modules/${name}/LICENSE`, 'utf8').trim()}\n`;
    })
    .join('\n\n'),
);

/**
 * The root help as the CLI renders it without a terminal and without colour (80 columns), written to
 * dist/cli/root-help.txt: bin/facetctl.js prints it for `facetctl --help` / `-h` / `help` when stdout
 * is not a terminal and FORCE_COLOR is unset (scripts, `| less`, cron), without loading the CLI, as
 * it answers `--version` (issue 12, start-up). It is the built CLI's own output, so it cannot say
 * anything the CLI would not; test/e2e/root-help-snapshot.test.ts compares the two. The environment
 * is minimal, so nothing of the building machine's FACETCTL_* settings or colours gets in.
 */
const help = spawnSync(process.execPath, [`${outdir}/main.js`, '--help'], {
  cwd: root,
  env: { PATH: process.env.PATH ?? '' },
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'pipe'],
});
if (help.status !== 0 || !help.stdout.startsWith('Usage: facetctl')) {
  throw new Error(`build-cli: the built CLI's --help failed (exit ${help.status}): ${help.stderr}`);
}
writeFileSync(`${outdir}/root-help.txt.tmp`, help.stdout, { flag: 'wx' });
renameSync(`${outdir}/root-help.txt.tmp`, `${outdir}/root-help.txt`);
