'use strict';
/**
 * Compiles and runs the bundled CLI, dist/cli/main.cjs (one CommonJS script, scripts/build-cli.mjs),
 * as Node's CommonJS loader would run it, but with the V8 code cache the build saved beside it
 * (dist/cli/main.cjs.<build id>.v8-cache; undici.cjs likewise, when the CLI first needs undici): V8
 * then deserialises the functions a one-shot command runs instead of parsing and compiling them,
 * which was most of a `facetctl device list` after Node's own start-up (issue 12; BENCHMARKS.md,
 * "Stop 20"). Node 20 has no module compile cache of its own
 * (`module.enableCompileCache` is Node 22), and ES modules cannot be given one; `vm.Script` with
 * `cachedData` is Node's documented way for a script.
 *
 * V8 checks a cache against its own version, its flags and the source's length, and rejects one that
 * does not match (another Node version, `NODE_OPTIONS` changing V8 flags): the script is then compiled
 * from source, as without a cache, and runs the same. V8 runs whatever bytecode a matching cache
 * holds, so a cache is named by its script's build id (`cacheOf`) and only ever given to that build.
 * `NODE_DEBUG=facetctl` says whether the cache was taken.
 *
 * Used by bin/facetctl.js, and by scripts/make-code-cache.cjs (which runs a command and saves the
 * cache at exit).
 */
const { readFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { dirname, join } = require('node:path');
const { isAscii } = require('node:buffer');
const { debuglog } = require('node:util');
const { Script } = require('node:vm');

const CLI = join(__dirname, '..', 'dist', 'cli', 'main.cjs');
/** The parts of undici the CLI uses, bundled apart (scripts/build-cli.mjs); main.cjs requires it on first use. */
const UNDICI = join(__dirname, '..', 'dist', 'cli', 'undici.cjs');
/**
 * The build id on a script's first line (`// facetctl build <16 hex>`, the SHA-256 of what esbuild
 * wrote: scripts/build-cli.mjs), or undefined.
 * @param {string} source
 */
const buildIdOf = (source) => /^\/\/ facetctl build ([0-9a-f]{16})\n/.exec(source)?.[1];
/**
 * Where the build saves V8's code cache of a script: beside it, named by the script's build id. V8
 * checks a cache against its version, its flags and the source's length only, and runs whatever
 * bytecode a matching cache holds: a cache is taken only for the very build it was made from.
 * @param {string} file
 * @param {string} buildId
 */
const cacheOf = (file, buildId) => `${file}.${buildId}.v8-cache`;
const debug = debuglog('facetctl');

/**
 * A script of dist/cli/ compiled with its saved cache when there is one (`useCache: false`: from
 * source, as the cache maker does). Throws ENOENT when the file is not built.
 * @param {string} file
 * @param {{ useCache?: boolean }} [opts]
 * @returns {import('node:vm').Script}
 */
function compile(file, opts = {}) {
  const bytes = readFileSync(file);
  // The bundles are ASCII (the build warns when not): latin1 makes the same string from ASCII bytes
  // at half the cost of UTF-8.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  let cachedData;
  const buildId = buildIdOf(source);
  if (opts.useCache !== false && buildId !== undefined) {
    try {
      cachedData = readFileSync(cacheOf(file, buildId));
    } catch {
      // no cache (an older build, or the build could not make one): compiled from source
    }
  }
  const script = new Script(wrap(source), { filename: file, cachedData });
  debug(
    '%s compiled %s',
    file,
    cachedData === undefined
      ? 'without a code cache'
      : script.cachedDataRejected
        ? 'from source: code cache rejected'
        : 'with the code cache',
  );
  return script;
}

/**
 * Runs a compiled script of dist/cli/ as a CommonJS module; returns its exports. Its `require`
 * resolves from the script's folder unless one is given.
 * @param {import('node:vm').Script} script
 * @param {string} file
 * @param {NodeJS.Require} [require]
 */
function runModule(script, file, require = createRequire(file)) {
  const module = { id: file, filename: file, exports: {}, loaded: false, children: [], paths: [] };
  script.runInThisContext().call(module.exports, module.exports, require, module, file, dirname(file));
  module.loaded = true;
  return module.exports;
}

/**
 * Runs the compiled CLI (`compile(CLI)`) as the main program. Its `require` resolves from dist/cli/
 * (the packages it leaves external), but for `./undici.cjs`, which is compiled here with its own code
 * cache, once.
 * @param {import('node:vm').Script} script
 */
function runCli(script) {
  const base = createRequire(CLI);
  let undici;
  const require = Object.assign((id) => {
    if (id !== './undici.cjs') return base(id);
    undici ??= runModule(compile(UNDICI), UNDICI);
    return undici;
  }, base);
  runModule(script, CLI, require);
}

module.exports = { CLI, UNDICI, buildIdOf, cacheOf, compile, runModule, runCli };
