/**
 * Saves the picture of each exported recognition row as `DIR/<serial>/<id>.jpg`. Pictures are
 * fetched with the page's `pictureCookie` as cookies (the client never sends the token to the
 * picture host); a 403 means the cookie expired, so the page is read again for a fresh cookie and
 * the picture tried once more. Files already there are skipped, and each picture is written
 * atomically, so a re-run after a crash completes the folder without re-downloading.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { settleLimited } from '../../core/pool.js';
import { ensureDir, type ProcessProbe, writeFileAtomic } from '../../core/safe-file.js';
import type { ExportClient } from './export-client.js';
import { type RecogPage, type RecogRow, rowId } from './recog-walk.js';

export interface PictureStats {
  saved: number;
  skipped: number;
  failed: { serialNo: string; id: number; time: string; reason: string }[];
  /** Pictures that failed in an earlier run and were saved now (`--state`). */
  retried: number;
}

export function newPictureStats(): PictureStats {
  return { saved: 0, skipped: 0, failed: [], retried: 0 };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Safe as a folder name: serials are alphanumeric in practice, but a path must never escape DIR. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
}

export interface SavePicturesArgs {
  client: ExportClient;
  dir: string;
  serialNo: string;
  rows: readonly RecogRow[];
  page: RecogPage;
  /** Reads the same page again (fresh cookie). */
  refetch: () => Promise<RecogPage>;
  stats: PictureStats;
  /** The writing process (Context), for the pictures' temporary files. */
  owner: ProcessProbe;
  signal?: AbortSignal;
  concurrency?: number;
}

export async function savePictures(args: SavePicturesArgs): Promise<void> {
  const folder = join(args.dir, safeName(args.serialNo));
  await ensureDir(folder);
  let cookie = args.page.pictureCookie ?? {};
  let fresh: Promise<RecogPage> | undefined;
  const freshPage = () => {
    fresh ??= args.refetch().then((p) => {
      cookie = p.pictureCookie ?? {};
      return p;
    });
    return fresh;
  };
  await settleLimited(args.rows, args.concurrency ?? 4, async (row) => {
    const id = rowId(row);
    const url = typeof row.pictureUrl === 'string' ? row.pictureUrl : '';
    if (id === null || !url) return;
    const path = join(folder, `${id}.jpg`);
    if (await exists(path)) {
      args.stats.skipped++;
      return;
    }
    try {
      let answer = await args.client.fetchPicture(url, cookie, { signal: args.signal });
      if (answer.status === 403) {
        const page = await freshPage();
        const again = page.list.find((r) => rowId(r) === id);
        const freshUrl = typeof again?.pictureUrl === 'string' ? again.pictureUrl : url;
        answer = await args.client.fetchPicture(freshUrl, cookie, { signal: args.signal });
      }
      if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
      await writeFileAtomic(args.owner, path, answer.body);
      args.stats.saved++;
    } catch (err) {
      if (args.signal?.aborted) throw err;
      args.stats.failed.push({ serialNo: args.serialNo, id, time: String(row.time), reason: (err as Error).message });
    }
  });
}
