/**
 * The picture-hash cache of `person sync`: what the SHA-256 of a person's cloud picture was, keyed
 * by what the cloud answers for that picture, so that a nightly plan does not download 10,000
 * pictures that have not changed.
 *
 * The document (クラウドサーバーに登録された人物の検索) gives a person's picture only as `pictureUrl`:
 * no hash, version or update time. A picture is downloaded (and its hash remembered) the first time
 * its URL is seen; afterwards the same person with the same URL, on the same cloud, is taken to be
 * the same picture. Anything else is a miss and is downloaded: another URL (a new picture), another
 * person, another cloud (the entry's key hashes the target's base URL too), or no cache file. The
 * emulator's person list gives a URL per picture content, as a CDN object path is; a cloud that
 * answered a new URL every time would only make every lookup a miss (correct, just slower).
 *
 * After planning, the persons whose picture sync is about to send are forgotten (the cloud may
 * keep the old URL for the new picture), and the file is written again with this run's entries
 * only. An unreadable or malformed file is ignored with a note: it costs downloads, never a wrong
 * plan.
 *
 * File: JSON `{"format":"facetctl-picture-cache","version":1,"entries":[[personCode, key, sha256]]}`,
 * where key is the first 32 hex digits of SHA-256(target + "\n" + pictureUrl); written atomically
 * (temp file and rename, src/core/safe-file.ts), mode 0600.
 */
import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { tryReadInputFile } from '../../core/input-file.js';
import { type ProcessProbe, writeFileAtomic } from '../../core/safe-file.js';

const FORMAT = 'facetctl-picture-cache';
const VERSION = 1;

/** Where the cache lives for a journal: `hr.csv.facetctl-journal.ndjson` → `hr.csv.facetctl-journal.pictures.json`. */
export function pictureCachePath(journalPath: string): string {
  return `${journalPath.replace(/\.ndjson$/, '')}.pictures.json`;
}

export interface PictureCache {
  /** SHA-256 (hex) remembered for this person's picture at this URL, or undefined (download it). */
  get(personCode: string, pictureUrl: string): string | undefined;
  /** Remembers a downloaded picture's hash (kept in the next file). */
  set(personCode: string, pictureUrl: string, sha256: string): void;
  /** Drops a person (its picture is about to change). */
  forget(personCode: string): void;
  /** Lookups answered from the file / downloads needed, for --verbose and bench/. */
  readonly stats: { hits: number; misses: number };
  /** Writes this run's entries (atomically). */
  save(): Promise<void>;
}

type Entry = [key: string, sha256: string];

function isSha(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);
}

async function readEntries(path: string, note: (message: string) => void): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  const link = await lstat(path).then(
    (st) => st.isSymbolicLink(),
    () => false,
  );
  if (link) {
    note(`picture cache ${path} is a symbolic link; ignored, not followed (pictures are downloaded again)`);
    return out;
  }
  const got = await tryReadInputFile(path);
  if (!got.ok) {
    if (got.code !== 'ENOENT') note(`picture cache ${path} ${got.reason}; ignored (pictures are downloaded again)`);
    return out;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(got.bytes.toString('utf8'));
  } catch (err) {
    note(
      `picture cache ${path} is not valid JSON (${(err as Error).message}); ignored (pictures are downloaded again)`,
    );
    return out;
  }
  const doc = parsed as { format?: unknown; version?: unknown; entries?: unknown };
  const entries = doc?.entries;
  const wellFormed =
    doc?.format === FORMAT &&
    doc.version === VERSION &&
    Array.isArray(entries) &&
    entries.every(
      (e) => Array.isArray(e) && e.length === 3 && typeof e[0] === 'string' && typeof e[1] === 'string' && isSha(e[2]),
    );
  if (!wellFormed) {
    note(
      `picture cache ${path} is not a facetctl picture cache (version ${VERSION}); ignored (pictures are downloaded again)`,
    );
    return out;
  }
  for (const [code, key, sha] of entries as [string, string, string][]) out.set(code, [key, sha]);
  return out;
}

/**
 * Opens the cache at `path` for the cloud at `target` (its base URL). Never throws for the file's
 * problems: `note` is told (stderr) and the cache starts empty. `save` throws a RuntimeError when the
 * file cannot be written.
 */
export async function openPictureCache(
  owner: ProcessProbe,
  path: string,
  target: string,
  note: (message: string) => void,
): Promise<PictureCache> {
  const previous = await readEntries(path, note);
  const current = new Map<string, Entry>();
  const keyOf = (url: string) => createHash('sha256').update(`${target}\n${url}`).digest('hex').slice(0, 32);
  const stats = { hits: 0, misses: 0 };
  return {
    stats,
    get(code, url) {
      const entry = previous.get(code);
      if (entry && entry[0] === keyOf(url)) {
        stats.hits++;
        current.set(code, entry);
        return entry[1];
      }
      stats.misses++;
      return undefined;
    },
    set(code, url, sha) {
      current.set(code, [keyOf(url), sha]);
    },
    forget(code) {
      current.delete(code);
    },
    async save() {
      const entries = [...current].map(([code, [key, sha]]) => [code, key, sha]);
      await writeFileAtomic(owner, path, `${JSON.stringify({ format: FORMAT, version: VERSION, entries })}\n`, 0o600);
    },
  };
}
