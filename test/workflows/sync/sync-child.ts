/**
 * `person sync` (or `person reconcile --repair to-device`) in its own process, so a test can SIGKILL
 * it at any moment. Argument: JSON `{url, token, csvPath}` (sync with --prune --prune-cloud) or
 * `{url, token, repair: serials[]}`. Prints the failed steps as one JSON line.
 */
import { createClient } from '../../../src/core/client.js';
import { pictureCachePath } from '../../../src/workflows/sync/picture-cache.js';
import { findDrift, repairDrift } from '../../../src/workflows/sync/reconcile.js';
import { syncPersons } from '../../../src/workflows/sync/sync-persons.js';
import { hostProcesses } from '../../helpers/processes.js';
import { syncOptions } from '../../helpers/sync-options.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as { url: string; token: string; csvPath?: string; repair?: string[] };
const client = createClient({ baseUrl: opts.url, token: opts.token });
const signal = new AbortController().signal;
let failed: unknown[];
if (opts.repair) {
  const drift = await findDrift(client, opts.repair, signal);
  const lines = await repairDrift({ client, drift, direction: 'to-device', signal, now: () => new Date() });
  failed = lines.filter((l) => l.status === 'failed');
} else {
  const csvPath = opts.csvPath ?? '';
  const result = await syncPersons(
    syncOptions(csvPath, opts.url, client, {
      // As the CLI does: a kill may leave the picture cache of any moment behind.
      pictureCache: { path: pictureCachePath(`${csvPath}.facetctl-journal.ndjson`), owner: hostProcesses },
      signal,
    }),
  );
  failed = result.lines.filter((l) => l.status === 'failed');
}
await client.close();
process.stdout.write(`${JSON.stringify(failed)}\n`);
