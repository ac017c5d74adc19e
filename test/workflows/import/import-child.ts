/**
 * The importer in its own process, so a test can SIGKILL it at any moment. Argument: JSON
 * `{url, token, csvPath, concurrency?}`. Prints the report lines' statuses as one JSON line at the end.
 */
import { createClient } from '../../../src/core/client.js';
import { importPersons } from '../../../src/workflows/import/import-persons.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  token: string;
  csvPath: string;
  concurrency?: number;
};
const client = createClient({ baseUrl: opts.url, token: opts.token });
const result = await importPersons({
  csvPath: opts.csvPath,
  ignoreUnknownColumns: false,
  serials: [],
  fixPictures: false,
  skipInvalid: false,
  dryRun: false,
  remoteCheck: true,
  override: true,
  noImage: false,
  concurrency: opts.concurrency ?? 8,
  journalPath: `${opts.csvPath}.facetctl-journal.ndjson`,
  freshJournal: false,
  target: async () => opts.url,
  now: () => new Date(),
  signal: new AbortController().signal,
  client: async () => client,
  retry: { baseMs: 5, capMs: 50 },
});
await client.close();
const statuses: Record<string, number> = {};
for (const l of result.lines) statuses[l.status] = (statuses[l.status] ?? 0) + 1;
process.stdout.write(`${JSON.stringify(statuses)}\n`);
