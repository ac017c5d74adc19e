#!/usr/bin/env node
// Launcher: `facetctl --version` is answered here, before anything else loads (cron and scripts ask it
// often); everything else runs the bundled CLI in dist/cli/ (`npm run build`, run by `npm ci`).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V' || args[0] === 'version')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  import('../dist/cli/main.js').catch((err) => {
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
      process.stderr.write('facetctl is not built: run `npm run build` (or `npm ci`) in its directory\n');
      process.exitCode = 1;
      return;
    }
    throw err;
  });
}
