'use strict';
/**
 * Run by scripts/build-cli.mjs as `node scripts/make-code-cache.cjs <command words…>`: runs the built
 * CLI (dist/cli/main.cjs, compiled from source) with those words, exactly as bin/facetctl.js runs it,
 * and when the process exits writes V8's code cache of the script to dist/cli/main.cjs.v8-cache: the
 * functions that command compiled (the command tree, the client, the output), so a one-shot command
 * later deserialises them instead of compiling them (bin/load-cli.cjs). Written under a temporary name
 * and renamed. Not a user command: the build runs it once, against an emulator of its own.
 */
const { renameSync, writeFileSync } = require('node:fs');
const { CACHE, compileCli, runCli } = require('../bin/load-cli.cjs');

const script = compileCli({ useCache: false });
process.on('exit', () => {
  const tmp = `${CACHE}.${process.pid}.tmp`;
  writeFileSync(tmp, script.createCachedData(), { flag: 'wx' });
  renameSync(tmp, CACHE);
});
runCli(script);
