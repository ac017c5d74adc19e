/**
 * Picture paths as people write them on another machine. A CSV made on Windows names
 * `pictures\F00010.JPG`; on the Linux host the file is `pictures/F00010.jpg`. A file name typed on
 * macOS is decomposed Unicode (NFD: `か` + `゙`) where the CSV holds composed text (NFC: `が`), or the
 * other way round. The resolver:
 *
 * - reads `\` as a folder separator (no sane picture name holds a backslash);
 * - takes the path exactly as written when that file exists;
 * - otherwise matches each folder and file name ignoring case and Unicode normalisation, when exactly
 *   one entry matches (two entries that differ only in case are ambiguous and named);
 * - otherwise says "file not found" and names the entry that nearly matches (same name with another
 *   extension, or one or two characters off), so the user can fix the cell.
 *
 * Folder listings are read once per folder and shared by every row of the run.
 */
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export type ResolvedPath = { ok: true; path: string } | { ok: false; message: string };

/** The comparison key: composed Unicode, lower case. */
function key(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** Levenshtein distance, stopping early above `max` (names are short). */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A resolver for one import run; `resolvePicture(baseDir, written)` → the file to read, or why not. */
export function createPictureResolver(): (baseDir: string, written: string) => Promise<ResolvedPath> {
  const listings = new Map<string, Promise<string[] | undefined>>();
  const list = (dir: string) => {
    let got = listings.get(dir);
    if (!got) {
      got = readdir(dir).catch(() => undefined);
      listings.set(dir, got);
    }
    return got;
  };

  return async (baseDir, written) => {
    const shown = (p: string) => {
      const r = relative(baseDir, p);
      return r === '' || r.startsWith('..') || isAbsolute(r) ? p : r;
    };
    if (/^[A-Za-z]:[\\/]/.test(written) || written.startsWith('\\\\')) {
      const rel = /^[A-Za-z]:[\\/]/.test(written) ? 'C:\\…' : '\\\\server\\…';
      return {
        ok: false,
        message: `file not found: ${written} (a Windows path such as ${rel} cannot be read on this host; write the path relative to the CSV's folder, e.g. pictures/F00001.jpg)`,
      };
    }
    const slashed = sep === '/' ? written.replaceAll('\\', '/') : written;
    const full = isAbsolute(slashed) ? slashed : resolve(baseDir, slashed);
    if (await exists(full)) return { ok: true, path: full };

    // Walk from the root of what was written, matching each part loosely.
    const parts = (isAbsolute(slashed) ? slashed : slashed.replace(/^\.\/+/, ''))
      .split('/')
      .filter((p) => p !== '' && p !== '.');
    let dir = isAbsolute(slashed) ? '/' : baseDir;
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      if (part === '..') {
        dir = resolve(dir, '..');
        continue;
      }
      const exact = join(dir, part);
      if (!last && (await exists(exact))) {
        dir = exact;
        continue;
      }
      const entries = (await list(dir)) ?? [];
      const same = entries.filter((e) => key(e) === key(part));
      if (same.length === 1) {
        dir = join(dir, same[0]);
        continue;
      }
      if (same.length > 1) {
        return {
          ok: false,
          message: `file not found: ${written} (${same.map((e) => shown(join(dir, e))).join(' and ')} differ only in upper/lower case; name one exactly)`,
        };
      }
      const near = entries.filter((e) => key(stem(e)) === key(stem(part)) || distance(key(e), key(part), 2) <= 2);
      // Names whose bytes are not UTF-8 are listed with U+FFFD: Japanese names unzipped from a ZIP
      // made on Windows (CP932 bytes) look so, and can never match what the CSV says.
      const notUtf8 = entries.filter((e) => e.includes('\ufffd')).length;
      const hint =
        near.length > 0
          ? ` (did you mean ${near
              .slice(0, 3)
              .map((e) => shown(join(dir, e)))
              .join(', ')}?)`
          : notUtf8 > 0
            ? ` (${shown(dir)} holds ${notUtf8} file name(s) that are not UTF-8, as a ZIP made on Windows leaves them: unzip it again with \`unzip -O cp932\`, or rename them)`
            : '';
      return { ok: false, message: `file not found: ${written}${hint}` };
    }
    return (await exists(dir)) ? { ok: true, path: dir } : { ok: false, message: `file not found: ${written}` };
  };
}
