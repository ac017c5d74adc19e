#!/usr/bin/env node
// Launcher: `facetctl --version` is answered here, before anything else loads (cron and scripts ask it
// often), and so is the root help when it goes to a pipe or file without colour: it is the built CLI's
// own `--help` output, saved by the build (scripts/build-cli.mjs, dist/zzold/root-help.txt). Everything
// else runs the bundled CLI in dist/cli/ (`npm run build`, run by `npm ci`).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);

function runCli() {
  import('../dist/zzold/main.js').catch((err) => {
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
      process.stderr.write('facetctl is not built: run `npm run build` (or `npm ci`) in its directory\n');
      process.exitCode = 1;
      return;
    }
    throw err;
  });
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
    return readFileSync(new URL('../dist/zzold/root-help.txt', import.meta.url), 'utf8');
  } catch {
    return undefined; // an older build without it: the CLI renders the help itself
  }
}

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V' || args[0] === 'version')) {
  print(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const help = savedRootHelp();
  if (help !== undefined) print(help);
  else runCli();
}
