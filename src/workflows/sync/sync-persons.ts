/**
 * `facetctl person sync FILE` / `person diff FILE` without commander: load and validate the file
 * as `person import` does (its loadRows, device check, picture checks), refuse rows outside the
 * scope, read the cloud (and the devices with checkDevices), compute the plan, and apply it unless
 * dryRun. The command turns the result into output, a report and an exit code.
 *
 * Speed (issue 14 §4): every picture is read, hashed and checked cheaply up front (JPEG signature,
 * size); only the pictures the plan will send are decoded, and all of them before anything is sent
 * (an invalid one stops the run with exit 2, as import's validation does). Cloud pictures already
 * hashed under the same URL are not downloaded again (picture-cache.ts).
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { mapLimited } from '../../core/pool.js';
import type { RetryPolicy } from '../../core/retry.js';
import type { ProcessProbe } from '../../core/safe-file.js';
import type { CsvEncoding } from '../import/csv-decode.js';
import { importEndpoints } from '../import/endpoints.js';
import { type InvalidInputError, invalidInputError, pictureLoader } from '../import/import-persons.js';
import { type JournalReadView, openJournal, readJournal } from '../import/journal.js';
import { type LoadedRows, loadRows, withDeviceList } from '../import/load-rows.js';
import { preparePicture } from '../import/picture.js';
import { hashForTarget } from '../import/row-validate.js';
import type { ImportProgress, RunImportOptions } from '../import/run-import.js';
import type { InvalidRow, PersonRow } from '../import/types.js';
import { type ApplyResult, applyPlan, OWED, type SyncLine } from './apply.js';
import { openPictureCache, type PictureCache } from './picture-cache.js';
import { computePlan, type SyncPlan } from './plan.js';
import {
  listDeviceSerials,
  readAccess,
  readCards,
  readCloudPersons,
  readDevices,
  readPersonTypes,
} from './read-state.js';
import { cloudPersonInScope, codeInScope, describeScope, rowScopeIssues } from './scope.js';
import type { SyncClient, SyncScope } from './types.js';

export interface SyncOptions {
  csvPath: string;
  encoding?: CsvEncoding;
  ignoreUnknownColumns: boolean;
  fixPictures: boolean;
  scope: SyncScope;
  /** Read every scope device (getPersonFromDevice) instead of trusting the cloud's serialNos. */
  checkDevices: boolean;
  prune: boolean;
  pruneCloud: boolean;
  dryRun: boolean;
  remoteCheck: boolean;
  noImage: boolean;
  concurrency: number;
  journalPath: string;
  target: () => Promise<string>;
  now: () => Date;
  signal: AbortSignal;
  client: () => Promise<SyncClient>;
  /** Told once the plan is known, before anything is sent; may throw (a declined confirmation). */
  onPlan?: (plan: SyncPlan) => Promise<void>;
  onProgress?: (p: ImportProgress) => void;
  onRetry?: RunImportOptions['onRetry'];
  retry?: Partial<RetryPolicy>;
  /** Told the milliseconds each planning phase took (validate, cloud, devices, details, pictures), for --verbose and bench/. */
  onPhase?: (phase: string, ms: number) => void;
  /**
   * The picture-hash cache file (picture-cache.ts; the command puts it beside the journal) and the
   * process probe its safe write needs (core/safe-file.ts), or undefined to download and hash every
   * cloud picture the file names (`--no-picture-cache`).
   */
  pictureCache?: { path: string; owner: ProcessProbe };
  /** Decode every picture up front, as import does (bench/sync.ts's "before"; the CLI never sets it). */
  decodeAllPictures?: boolean;
  /** Told notes for stderr (an unreadable picture cache, ignored). */
  onNote?: (message: string) => void;
}

export interface SyncResult {
  encoding: CsvEncoding;
  plan: SyncPlan;
  /** Absent with dryRun. */
  applied?: ApplyResult;
  lines: SyncLine[];
  planMs: number;
  elapsedMs: number;
  /** Cloud pictures taken from the cache / downloaded (both 0 without a cache). */
  pictureCache: { hits: number; misses: number };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function validated(opts: SyncOptions): Promise<LoadedRows> {
  const loaded = await loadRows({
    csvPath: opts.csvPath,
    encoding: opts.encoding,
    ignoreUnknownColumns: opts.ignoreUnknownColumns,
    extraSerials: [],
    fixPictures: opts.fixPictures,
    now: opts.now(),
    signal: opts.signal,
    // Decoded later, and only the pictures the plan sends (checkSentPictures).
    decodePictures: opts.decodeAllPictures === true,
    alwaysDecode: !opts.remoteCheck,
  });
  if (loaded.headerIssues.length > 0) {
    throw invalidInputError([{ row: 1, serials: [], issues: loaded.headerIssues }], true, loaded.format, false);
  }
  const outside: InvalidRow[] = [];
  const rows: PersonRow[] = [];
  for (const r of loaded.rows) {
    const issues = rowScopeIssues(opts.scope, r);
    if (issues.length === 0) rows.push(r);
    else outside.push({ row: r.row, personCode: r.personCode, serials: r.serials, issues });
  }
  return { ...loaded, rows, invalid: [...loaded.invalid, ...outside].sort((a, b) => a.row - b.row) };
}

/** The invalid-input error of a sync: every problem of the file, how it was read, no --skip-invalid hint. */
function invalidFile(loaded: LoadedRows, invalid: readonly InvalidRow[] = loaded.invalid): InvalidInputError {
  return invalidInputError(invalid, false, loaded.format, false);
}

/**
 * The full local check (decode included, as import's validation does it) of every picture the plan
 * will send, i.e. of rows to register: InvalidInputError (exit 2, nothing sent) when one fails or
 * changed since it was read. Runs before the first mutating call (and with dryRun, so a plan never
 * promises what cannot be sent).
 */
async function checkSentPictures(opts: SyncOptions, rows: readonly PersonRow[], plan: SyncPlan): Promise<void> {
  const registered = new Set(plan.persons.filter((p) => p.regist).map((p) => p.personCode));
  const maxBase64 = importEndpoints().regist.params.picture?.maxBytes ?? Number.POSITIVE_INFINITY;
  const sent = rows.filter((r) => r.picture && registered.has(r.personCode));
  const invalid: InvalidRow[] = [];
  await mapLimited(
    sent,
    opts.concurrency,
    async (r) => {
      const ref = r.picture!;
      const got = await preparePicture(ref.path, ref.written, {
        fix: opts.fixPictures,
        maxBase64,
        alwaysDecode: !opts.remoteCheck,
      });
      const message = !got.ok
        ? got.message
        : got.picture.sha256 !== ref.sha256
          ? `${ref.written} changed after it was validated; run the sync again`
          : undefined;
      if (message) {
        invalid.push({
          row: r.row,
          personCode: r.personCode,
          serials: r.serials,
          issues: [{ field: 'picture', message }],
        });
      }
    },
    opts.signal,
  );
  if (invalid.length > 0)
    throw invalidInputError(
      invalid.sort((a, b) => a.row - b.row),
      false,
      undefined,
      false,
    );
}

/**
 * Plans (and unless dryRun applies) a sync. Throws InvalidInputError (exit 2, nothing sent) for an
 * invalid file or a row outside the scope, and UsageError for a scope the cloud cannot honour.
 */
export async function syncPersons(opts: SyncOptions): Promise<SyncResult> {
  const started = Date.now();
  let mark = started;
  const phase = (name: string) => {
    const now = Date.now();
    opts.onPhase?.(name, now - mark);
    mark = now;
  };
  // Every problem of the file at once, the unknown devices too (as import reports them); a file with
  // local errors is still reported when the device list cannot be read (no connection needed).
  const connected: { client?: SyncClient } = {};
  const listed = await withDeviceList(
    await validated(opts),
    async () => {
      connected.client = await opts.client();
      return new Set(await listDeviceSerials(connected.client, opts.signal));
    },
    (l) => invalidFile(l),
  );
  // Set by the read, which succeeded.
  const client = connected.client as SyncClient;
  const loaded = listed.loaded;
  const knownSet = listed.known;
  if (loaded.invalid.length > 0) throw invalidFile(loaded);
  const unknownScope = opts.scope.serials.filter((s) => !knownSet.has(s));
  if (unknownScope.length > 0) {
    throw new UsageError(`--scope-serial: not in the cloud's device list: ${unknownScope.join(', ')}`);
  }
  const target = await opts.target();
  const rows = loaded.rows.map((r) => ({ ...r, rowHash: hashForTarget(r.rowHash, target) }));
  const rowOf = new Map(rows.map((r) => [r.personCode, r]));
  const note = opts.onNote ?? (() => {});
  const cache: PictureCache | undefined = opts.pictureCache
    ? await openPictureCache(opts.pictureCache.owner, opts.pictureCache.path, target, note)
    : undefined;
  phase('validate');

  // Person types: needed to compare personTypeCode (the list answers names) and for --person-type.
  const wantTypes = opts.scope.personTypeCode !== undefined || rows.some((r) => r.person.personTypeCode !== undefined);
  const typeNames = wantTypes ? await readPersonTypes(client, opts.signal) : new Map<string, string>();
  const scopeTypeName = opts.scope.personTypeCode ? typeNames.get(opts.scope.personTypeCode) : undefined;
  if (opts.scope.personTypeCode && scopeTypeName === undefined) {
    throw new UsageError(`--person-type: no person type ${opts.scope.personTypeCode} (see: facetctl person type list)`);
  }

  const cloud = await readCloudPersons(client, opts.scope, {
    wantPicture: (code) => !!rowOf.get(code)?.picture,
    signal: opts.signal,
    cache,
  });
  phase('cloud');
  const inScope = new Set<string>();
  for (const p of cloud.values()) if (cloudPersonInScope(opts.scope, p, scopeTypeName)) inScope.add(p.personCode);

  const scopeDevices = opts.scope.serials.length > 0 ? opts.scope.serials : [...knownSet];
  const devices = new Map<string, Set<string>>();
  const unreachable: SyncPlan['unreachable'] = [];
  if (opts.checkDevices) {
    for (const read of await readDevices(client, scopeDevices, opts.signal)) {
      if (!read.ok) {
        unreachable.push({ serialNo: read.serialNo, message: read.error.message });
        continue;
      }
      const codes = new Set<string>();
      for (const code of read.persons.keys()) {
        // A person-type scope cannot see the type of a device-only person: only cloud persons count.
        if (opts.scope.personTypeCode ? inScope.has(code) || rowOf.has(code) : codeInScope(opts.scope, code)) {
          codes.add(code);
          if (!rowOf.has(code)) inScope.add(code);
        }
      }
      devices.set(read.serialNo, codes);
    }
  }

  phase('devices');
  // With a device or type scope, a row's person may exist without being listed: look those up once.
  // (Without one, the scope's query lists every person a row can name.)
  const narrowed = opts.scope.serials.length > 0 || opts.scope.personTypeCode !== undefined;
  /** One person of the cloud by code (a code without `*` matches exactly), with its picture's hash when asked. */
  const lookUp = async (code: string, wantPicture: boolean) =>
    (
      await readCloudPersons(
        client,
        { serials: [] },
        { wantPicture: () => wantPicture, signal: opts.signal, exactCode: code, cache },
      )
    ).get(code);
  const missing = narrowed ? rows.filter((r) => !cloud.has(r.personCode)) : [];
  await mapLimited(
    missing,
    opts.concurrency,
    async (r) => {
      const p = await lookUp(r.personCode, !!r.picture);
      if (p) cloud.set(p.personCode, p);
    },
    opts.signal,
  );

  // Cloud deletions a previous run owes (journal): the person's device removals may be done, so a
  // device scope no longer lists them; looked up by code, and planned again when still in the scope.
  const journalView: JournalReadView = await readJournal(opts.journalPath);
  const owedDeletions = narrowed
    ? journalView
        .keysAt('deletePersonFromCloud', OWED)
        .filter((code) => !rowOf.has(code) && !cloud.has(code) && codeInScope(opts.scope, code))
    : [];
  await mapLimited(
    owedDeletions,
    opts.concurrency,
    async (code) => {
      const p = await lookUp(code, false);
      if (!p || !cloudPersonInScope(opts.scope, p, scopeTypeName)) return;
      cloud.set(code, p);
      inScope.add(code);
    },
    opts.signal,
  );

  const pictureSha256 = new Map<string, string>();
  const access = new Map<string, Map<string, string[]>>();
  const cards = new Map<string, string[]>();
  const load = pictureLoader(opts.fixPictures);
  await mapLimited(
    rows.filter((r) => cloud.has(r.personCode)),
    opts.concurrency,
    async (r) => {
      if (r.picture) pictureSha256.set(r.personCode, r.picture.fixed ? sha256(await load(r)) : r.picture.sha256);
      if (r.access) access.set(r.personCode, await readAccess(client, r.personCode));
      if (r.cards) cards.set(r.personCode, await readCards(client, r.personCode));
    },
    opts.signal,
  );

  phase('details');
  const plan = computePlan({
    rows,
    cloud,
    pictureSha256,
    access,
    cards,
    typeNames,
    devices,
    scopeDevices: new Set(scopeDevices),
    inScope,
    pendingToDevice: (row, serial) => journalView.isDone(row.personCode, 'toDevice', OWED, serial),
    prune: opts.prune,
    pruneCloud: opts.pruneCloud,
    scope: describeScope(opts.scope),
    unreachable,
  });
  await checkSentPictures(opts, rows, plan);
  phase('pictures');
  if (cache) {
    // A person whose picture is about to change may keep its URL: its entry must not outlive the change.
    if (!opts.dryRun) {
      for (const p of plan.persons) if (p.regist && rowOf.get(p.personCode)?.picture) cache.forget(p.personCode);
    }
    await cache.save().catch((err: Error) => note(`the picture cache could not be saved: ${err.message}`));
  }
  const pictureCache = { hits: cache?.stats.hits ?? 0, misses: cache?.stats.misses ?? 0 };
  const planMs = Date.now() - started;
  await opts.onPlan?.(plan);
  if (opts.dryRun || plan.persons.length === 0) {
    return { encoding: loaded.encoding, plan, lines: [], planMs, elapsedMs: Date.now() - started, pictureCache };
  }
  const journal = await openJournal(opts.journalPath);
  try {
    const applied = await applyPlan({
      client,
      plan,
      rows,
      journal,
      concurrency: opts.concurrency,
      remoteCheck: opts.remoteCheck,
      noImage: opts.noImage,
      signal: opts.signal,
      now: opts.now,
      loadPicture: load,
      retry: opts.retry,
      onProgress: opts.onProgress,
      onRetry: opts.onRetry,
    });
    const lines = [...applied.lines].sort((a, b) => a.row - b.row);
    return {
      encoding: loaded.encoding,
      plan,
      applied,
      lines,
      planMs,
      elapsedMs: Date.now() - started,
      pictureCache,
    };
  } finally {
    await journal.close();
  }
}
