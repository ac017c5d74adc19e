#!/usr/bin/env node
/**
 * Bundles the command-line entry (src/cli.ts) with esbuild into dist/cli/, as two CommonJS scripts:
 * - main.cjs: the whole CLI (commands, workflows, the emulator) and commander. Modules reached by a
 *   dynamic import (each command module, the emulator, the workflows) are initialised on first use,
 *   so a `facetctl device list` runs little of it.
 * - undici.cjs: the parts of undici the client and the emulator use, required by main.cjs only when a
 *   command needs undici (long runs, proxied requests): its ~700 KB are not read by a direct one-shot
 *   call. Bundled rather than resolved from node_modules, because resolving ~40 CommonJS files file by
 *   file cost more than their code.
 * Then it runs the built CLI once (`device list` against an emulator of its own) to save V8's code
 * cache of main.cjs beside it (main.cjs.<build id>.v8-cache, scripts/make-code-cache.cjs), which bin/load-cli.cjs
 * gives V8 when it compiles the CLI: a one-shot command then compiles almost nothing (issue 12).
 *
 * Why one CommonJS script, not ES module chunks: ES modules cannot be given a code cache on Node 20,
 * and compiling the 40-odd chunks a one-shot command loaded took half of its time after Node's own
 * start-up (BENCHMARKS.md, "Stop 20"). `import()` is therefore turned into `require()`
 * (`supported: { 'dynamic-import': false }`): a script compiled by `vm.Script` cannot run `import()`
 * without an experimental flag. The external packages that are ES modules only (conf, ora) are then
 * loaded by `require(esm)`, which Node has without a flag from 20.19 and 22.12 (package.json
 * `engines`). `import.meta.url` is the bundle's own file URL (`__facetctlModuleUrl`): it lives two
 * levels below the package root, as src/*\/*.ts and dist/*\/*.js do, so
 * `new URL('../../package.json', import.meta.url)` and the assets resolve the same from all three.
 * Whitespace and syntax are minified (less to read at each start; names are kept, so stack traces and
 * `constructor.name` read as in src/). The library entry points (dist/index.js,
 * dist/emulator/index.js) and their types are tsc's output; this is only the CLI.
 *
 * Run by `npm run build` after tsc (the code cache run needs tsc's dist/emulator/).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
/** Packages bundled rather than resolved from node_modules at run time (see above); pinned exactly in package.json. */
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

/**
 * Inside the bundled commander only, `require('node:child_process')` gets
 * scripts/commander-child-process-lazy.cjs: `spawn` loading the real module on first use (commander
 * needs it only for executable subcommands, which facetctl has none of; ~3 ms of every run).
 */
const lazyChildProcess = {
  name: 'commander-lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]lib[\\/]command\.js$/.test(args.importer)
        ? { path: `${root}scripts/commander-child-process-lazy.cjs` }
        : undefined,
    );
  },
};

/**
 * The undici module paths src/ imports (src/core/undici.ts: four files of undici's lib, for the
 * client; src/emulator/cookies.ts: its index, for the emulator's cookies). undici.cjs exports each
 * under its path (the index as a getter, so the client never initialises it), and in main.cjs each
 * import of one of them becomes `require("./undici.cjs")[path]`.
 */
const UNDICI_PATHS = [
  'undici/lib/dispatcher/dispatcher.js',
  'undici/lib/api/index.js',
  'undici/lib/dispatcher/agent.js',
  'undici/lib/dispatcher/proxy-agent.js',
  'undici',
];
const undiciApart = {
  name: 'undici-apart',
  setup(b) {
    b.onResolve({ filter: /^undici(\/|$)/ }, (args) => {
      if (!UNDICI_PATHS.includes(args.path)) {
        throw new Error(`build-cli: ${args.importer} imports ${args.path}; add it to UNDICI_PATHS`);
      }
      return { path: args.path, namespace: 'undici-apart' };
    });
    b.onResolve({ filter: /^\.\/undici\.cjs$/ }, () => ({ path: './undici.cjs', external: true }));
    b.onLoad({ filter: /.*/, namespace: 'undici-apart' }, (args) => ({
      contents: `module.exports = require("./undici.cjs")[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
  },
};

/**
 * External packages that are ES modules only (no `require` condition: conf, ora). main.cjs loads them
 * with `require(esm)`, which returns their module namespace; esbuild's interop for an ES module
 * importing CommonJS would then hand the importer the whole namespace as `default` (`Conf is not a
 * constructor`). Each is imported through a small ES module of the bundle instead, whose default
 * export is the namespace's own default (the only export src/ takes from them;
 * test/e2e/esm-only-packages.test.ts runs both through the built CLI).
 */
const externals = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies }).filter(
  (name) => !BUNDLED.has(name),
);
const esmOnly = externals.filter((name) => {
  const manifest = JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8'));
  return manifest.type === 'module' && !JSON.stringify(manifest.exports ?? '').includes('"require"');
});
const esmOnlyDefault = {
  name: 'esm-only-default',
  setup(b) {
    const filter = new RegExp(`^(${esmOnly.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === 'esm-only' ? { path: args.path, external: true } : { path: args.path, namespace: 'esm-only' },
    );
    b.onLoad({ filter: /.*/, namespace: 'esm-only' }, (args) => ({
      contents: `const namespace = require(${JSON.stringify(args.path)});\nexport default namespace.default;`,
      loader: 'js',
    }));
  },
};

const common = {
  absWorkingDir: root,
  outdir,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.cjs' },
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

rmSync(outdir, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { undici: 'undici-entry' },
  plugins: [
    lazyHttp2,
    {
      name: 'undici-entry',
      setup(b) {
        b.onResolve({ filter: /^undici-entry$/ }, () => ({ path: 'undici-entry', namespace: 'undici-entry' }));
        b.onLoad({ filter: /.*/, namespace: 'undici-entry' }, () => ({
          resolveDir: root,
          loader: 'js',
          contents: UNDICI_PATHS.map((path) =>
            path === 'undici'
              ? `Object.defineProperty(exports, "undici", { enumerable: true, get: () => require("undici") });`
              : `exports[${JSON.stringify(path)}] = require(${JSON.stringify(path)});`,
          ).join('\n'),
        }));
      },
    },
  ],
});
await build({
  ...common,
  entryPoints: { main: 'src/cli.ts' },
  external: externals.filter((name) => !esmOnly.includes(name)),
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__facetctlModuleUrl' },
  banner: { js: "var __facetctlModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [undiciApart, esmOnlyDefault, lazyChildProcess],
});
/**
 * Each script's first line names its build: `// facetctl build <the SHA-256 of what esbuild wrote, 16
 * hex>`. Its code cache is saved under that id (bin/load-cli.cjs), so a cache is only ever given to
 * the build it was made from (V8 itself checks only the source's length).
 */
for (const name of ['main.cjs', 'undici.cjs']) {
  const file = `${outdir}/${name}`;
  const written = readFileSync(file);
  const id = createHash('sha256').update(written).digest('hex').slice(0, 16);
  writeFileSync(`${file}.tmp`, Buffer.concat([Buffer.from(`// facetctl build ${id}\n`), written]), { flag: 'wx' });
  renameSync(`${file}.tmp`, file);
}
const main = readFileSync(`${outdir}/main.cjs`, 'utf8');
if (/(?<![\w$.])import\(/.test(main)) {
  throw new Error('build-cli: dist/cli/main.cjs still calls import(), which a vm.Script cannot run (see above)');
}
// esbuild escapes strings to ASCII but not regular expression literals; an ASCII bundle is read as
// latin1, at half the cost of UTF-8 (bin/load-cli.cjs). Not an error: a hint to write the pattern as
// `new RegExp('…')` (src/workflows/sync/apply.ts, NOT_ON_DEVICE).
const nonAscii = /.{0,40}[^\x00-\x7f]+.{0,10}/u.exec(main);
if (nonAscii) {
  console.warn(
    `build-cli: dist/cli/main.cjs is not ASCII (a regex literal?), so it is read more slowly: ${nonAscii[0]}`,
  );
}

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
const help = spawnSync(process.execPath, [`${outdir}/main.cjs`, '--help'], {
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

/**
 * The code cache (bin/load-cli.cjs): the built CLI runs `device list -o json` once, compiled from
 * source by scripts/make-code-cache.cjs, against an emulator of this build's own (tsc's
 * dist/emulator/, in memory, the demo devices), and saves V8's cache of what it compiled at exit.
 * That is a one-shot command's path: the command tree, parameters, the client and its node:http
 * engine, the output. The child is spawned asynchronously: this process answers its request. Its
 * environment is minimal too (no proxy, no profile: a profile directory of its own that does not
 * exist); the token is the throwaway emulator's. Without a cache the CLI still runs, compiled from
 * source (~50 ms slower a call): a failure here (a machine where the emulator cannot start, say, when
 * installing from git) is a loud warning, not a failed install; test/e2e/startup-modules.test.ts fails
 * when a build has no cache.
 */
async function makeCodeCache() {
  const { startEmulator } = await import(`${root}dist/emulator/index.js`);
  const emu = await startEmulator({ port: 0, seed: 'demo', faces: 'off', latencyMs: 0 });
  try {
    const made = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [`${root}scripts/make-code-cache.cjs`, 'device', 'list', '-o', 'json'], {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          FACETCTL_HOST: emu.url,
          FACETCTL_TOKEN: emu.token,
          FACETCTL_CONFIG_DIR: `${outdir}/no-profiles`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
      });
      child.stderr.on('data', (c) => {
        out += c;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
    });
    if (made.code !== 0 || !made.out.includes('"serialNo"')) {
      throw new Error(`the cache run exited ${made.code}: ${made.out.trim()}`);
    }
  } finally {
    await emu.close();
    rmSync(`${outdir}/no-profiles`, { recursive: true, force: true });
  }
}
try {
  await makeCodeCache();
} catch (err) {
  for (const f of readdirSync(outdir)) if (f.includes('.v8-cache')) rmSync(`${outdir}/${f}`, { force: true });
  console.warn(
    `build-cli: WARNING: no V8 code cache was made (${err instanceof Error ? err.message : err}); ` +
      'the CLI works, compiled from source at each start (~50 ms slower a call)',
  );
}
