/**
 * Files that appear whole or not at all. Output goes to a temporary file in the target's own folder
 * (so the final rename stays on one file system and is atomic), is fsynced, then renamed over the
 * target; the folder is fsynced too so the rename itself survives a power cut. A run killed half-way
 * leaves only a `.facetctl-tmp-*` file behind, never a truncated target.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicFile {
  /** Where the bytes go until commit. */
  readonly tempPath: string;
  write(chunk: Buffer | string): Promise<void>;
  /** fsync, close, rename over the target, fsync the folder. */
  commit(): Promise<void>;
  /** Close and delete the temporary file; the target is untouched. */
  abort(): Promise<void>;
}

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.facetctl-tmp-${randomBytes(6).toString('hex')}`);
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some platforms (Windows) cannot open or fsync a folder; the rename is still atomic there.
  } finally {
    await fh?.close().catch(() => {});
  }
}

export async function openAtomicFile(target: string, mode = 0o644): Promise<AtomicFile> {
  const tempPath = tempPathFor(target);
  const fh = await open(tempPath, 'wx', mode);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await fh.close();
  };
  return {
    tempPath,
    async write(chunk) {
      await fh.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    },
    async commit() {
      await fh.sync();
      await close();
      await rename(tempPath, target);
      await fsyncDir(dirname(target));
    },
    async abort() {
      await close().catch(() => {});
      await unlink(tempPath).catch(() => {});
    },
  };
}

/** Replace `target` with `data` atomically (state files, config backups). */
export async function writeFileAtomic(target: string, data: Buffer | string, mode = 0o644): Promise<void> {
  const file = await openAtomicFile(target, mode);
  try {
    await file.write(data);
    await file.commit();
  } catch (err) {
    await file.abort();
    throw err;
  }
}
