'use strict';
/**
 * Compiles and runs the bundled CLI, dist/cli/main.cjs (one CommonJS script, scripts/build-cli.mjs),
 * as Node's CommonJS loader would run it, but with the V8 code cache the build saved beside it
 * (dist/cli/main.cjs.v8-cache): V8 then deserialises the functions a one-shot command runs instead
 * of parsing and compiling them, which was most of a `facetctl device list` after Node's own start-up
 * (issue 12; BENCHMARKS.md, "Stop 20"). Node 20 has no module compile cache of its own
 * (`module.enableCompileCache` is Node 22), and ES modules cannot be given one; `vm.Script` with
 * `cachedData` is Node's documented way for a script.
 *
 * V8 checks a cache against its own version, its flags and the source's length, and rejects one that
 * does not match (another Node version, `NODE_OPTIONS` changing V8 flags): the script is then compiled
 * from source, as without a cache, and runs the same. The build writes the bundle and its cache
 * together into a fresh dist/cli/. `NODE_DEBUG=facetctl` says whether the cache was taken.
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
const CACHE = `${CLI}.v8-cache`;
const debug = debuglog('facetctl');

/**
 * The CLI's script, compiled with the saved cache when there is one (`useCache: false`: from source,
 * as the cache maker does). Throws ENOENT when the CLI is not built.
 * @param {{ useCache?: boolean }} [opts]
 * @returns {import('node:vm').Script}
 */
function compileCli(opts = {}) {
  const bytes = readFileSync(CLI);
  // The bundle is ASCII but for a few regular expressions with Japanese in them (esbuild escapes
  // strings, not regex literals): latin1 makes the same string from ASCII bytes at half the cost.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  let cachedData;
  if (opts.useCache !== false) {
    try {
      cachedData = readFileSync(CACHE);
    } catch {
      // no cache (an older build, or the build could not make one): compiled from source
    }
  }
  const script = new Script(wrap(source), { filename: CLI, cachedData });
  debug(
    '%s compiled %s',
    CLI,
    cachedData === undefined
      ? 'without a code cache'
      : script.cachedDataRejected
        ? 'from source: code cache rejected'
        : 'with the code cache',
  );
  return script;
}

/**
 * Runs a compiled CLI script as the main program: its `require` resolves from dist/cli/ (the
 * packages it leaves external, and dist/cli/undici.cjs).
 * @param {import('node:vm').Script} script
 */
function runCli(script) {
  const module = { id: CLI, filename: CLI, exports: {}, loaded: false, children: [], paths: [] };
  script.runInThisContext().call(module.exports, module.exports, createRequire(CLI), module, CLI, dirname(CLI));
  module.loaded = true;
}

module.exports = { CLI, CACHE, compileCli, runCli };
