'use strict';
/**
 * Run by scripts/build-cli.mjs as `node scripts/make-code-cache.cjs <command words…>`: runs the built
 * CLI (dist/cli/main.cjs, compiled from source) with those words, exactly as bin/facetctl.js runs it,
 * and when the process exits writes V8's code cache of the script beside it (main.cjs.<build id>.v8-cache): the
 * functions that command compiled (the command tree, the client, the output), so a one-shot command
 * later deserialises them instead of compiling them (bin/load-cli.cjs). Then the same for
 * dist/cli/undici.cjs, loaded at exit: the one-shot command never loads it (it sends through
 * node:http), and V8's flags are still the defaults here, as they are in any run when undici loads
 * (src/cli.ts changes them after); loading it compiles its modules' initialisation, most of the
 * ~40 ms a long run or a proxied call paid for it. Each cache is written under a temporary name and
 * renamed. Not a user command: the build runs it once, against an emulator of its own.
 */
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { CLI, UNDICI, buildIdOf, cacheOf, compile, runCli, runModule } = require('../bin/load-cli.cjs');

/** Writes a script's code cache beside its file, named by the file's build id. */
function save(file, script) {
  const buildId = buildIdOf(readFileSync(file, 'latin1'));
  if (buildId === undefined) throw new Error(`make-code-cache: ${file} has no build id on its first line`);
  const tmp = `${cacheOf(file, buildId)}.${process.pid}.tmp`;
  writeFileSync(tmp, script.createCachedData(), { flag: 'wx' });
  renameSync(tmp, cacheOf(file, buildId));
}

const cli = compile(CLI, { useCache: false });
process.on('exit', () => {
  save(CLI, cli);
  const undici = compile(UNDICI, { useCache: false });
  runModule(undici, UNDICI);
  save(UNDICI, undici);
});
runCli(cli);
