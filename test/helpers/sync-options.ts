/**
 * The `syncPersons` options a test or bench starts from, as `facetctl person sync FILE --prune
 * --prune-cloud` would pass them: one place for the option literal the crash test, its child process
 * and bench/sync.ts share. Each caller overrides what it measures (`dryRun`, `checkDevices`, …).
 */
import type { SyncOptions } from '../../src/workflows/sync/sync-persons.js';

type SyncClient = Awaited<ReturnType<SyncOptions['client']>>;

/**
 * Options for syncing `csvPath` against the cloud at `url` through `client`: prune on devices and in
 * the cloud, the default journal beside the file, picture checks by the cloud, 8 requests at once,
 * quick retries (5–50 ms), never cancelled.
 */
export function syncOptions(
  csvPath: string,
  url: string,
  client: SyncClient,
  more: Partial<SyncOptions> = {},
): SyncOptions {
  return {
    csvPath,
    ignoreUnknownColumns: false,
    fixPictures: false,
    scope: { serials: [] },
    checkDevices: false,
    prune: true,
    pruneCloud: true,
    dryRun: false,
    remoteCheck: true,
    noImage: false,
    concurrency: 8,
    journalPath: `${csvPath}.facetctl-journal.ndjson`,
    target: async () => url,
    now: () => new Date(),
    signal: new AbortController().signal,
    client: async () => client,
    retry: { baseMs: 5, capMs: 50 },
    ...more,
  };
}
