#!/usr/bin/env node
// Launcher: `facetctl --version` is answered here, before anything else loads (cron and scripts ask it
// often), and so is the root help when it goes to a pipe or file without colour: it is the built CLI's
// own `--help` output, saved by the build (scripts/build-cli.mjs, dist/cli/root-help.txt). Everything
// else runs the bundled CLI, dist/cli/main.cjs, compiled with the build's V8 code cache
// (bin/load-cli.cjs; `npm run build`, run by `npm ci`).
//
// A CommonJS script (bin/package.json says so; the package itself is ES modules): Node then runs it
// without starting its ES module loader, and `require('node:fs')` does not build the ES module facade
// of node:fs, which loads node:stream for its getters. Together ~15 ms of every run (BENCHMARKS.md,
// "Stop 20").
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const args = process.argv.slice(2);

function runCli() {
  const { CLI, compile, runCli: run } = require('./load-cli.cjs');
  let script;
  try {
    script = compile(CLI);
  } catch (err) {
    if (err?.code !== 'ENOENT') throw err;
    process.stderr.write('facetctl is not built: run `npm run build` (or `npm ci`) in its directory\n');
    process.exitCode = 1;
    return;
  }
  run(script);
}

/** Writes an answer of the launcher's own; a reader that went away (`| head -0`, `| true`) ends it quietly, as in the CLI. */
function print(text) {
  process.stdout.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
  process.stdout.write(text);
}

/** The saved root help, when this run would print exactly it: 80 columns and no colour (no terminal, FORCE_COLOR unset). */
function savedRootHelp() {
  if (args.length !== 1 || !(args[0] === '--help' || args[0] === '-h' || args[0] === 'help')) return undefined;
  if (process.stdout.isTTY || process.env.FORCE_COLOR !== undefined) return undefined;
  try {
    return readFileSync(join(__dirname, '..', 'dist', 'cli', 'root-help.txt'), 'utf8');
  } catch {
    return undefined; // an older build without it: the CLI renders the help itself
  }
}

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V' || args[0] === 'version')) {
  print(`${JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).version}\n`);
} else {
  const help = savedRootHelp();
  if (help !== undefined) print(help);
  else runCli();
}
