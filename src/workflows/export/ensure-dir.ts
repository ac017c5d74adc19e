/**
 * `mkdir -p` without `fs.mkdir({ recursive: true })`: on Node 20 that call spins forever under some
 * virtual file systems (e.g. `/proc/nope`), and a cron job must fail, not hang.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RuntimeError } from '../../core/errors.js';

function cannot(path: string, err: unknown): RuntimeError {
  return new RuntimeError(`cannot create the folder ${path}: ${(err as Error).message}`);
}

export async function ensureDir(path: string): Promise<void> {
  let code: string | undefined;
  try {
    await mkdir(path);
    return;
  } catch (err) {
    code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(path)).isDirectory()) return;
      throw new RuntimeError(`${path} exists and is not a folder`);
    }
    if (code !== 'ENOENT' || dirname(path) === path) throw cannot(path, err);
  }
  await ensureDir(dirname(path));
  try {
    await mkdir(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw cannot(path, err);
  }
}
