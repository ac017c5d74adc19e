#!/usr/bin/env node
// Launcher only: the build output (`npm run build`, run by `npm ci` through `prepare`) does the work.
import('../dist/cli.js').catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    process.stderr.write('facetctl is not built: run `npm run build` (or `npm ci`) in its directory\n');
    process.exitCode = 1;
    return;
  }
  throw err;
});
