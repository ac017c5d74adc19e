/**
 * The import journal: an append-only ndjson file, one line per completed step
 * `{key, rowHash, step, serial?, at}`. A step is done when its line is on disk (fsync'd), so a kill
 * at any moment loses at most steps that were not yet acknowledged, and those are sent again on the
 * next run — harmless, because every step is idempotent at the API (registPersonForCloud upserts,
 * access times and cards replace, toDevice with override=1 replaces). Lines are written in small
 * batches: while one batch is being synced the next one gathers, so syncing costs one fsync per
 * batch rather than per step. Where the platform has O_DSYNC (Linux, macOS) the file is opened with
 * it and a batch is one durable write; elsewhere a write then fdatasync.
 */
import type { FileHandle } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { RuntimeError } from '../../core/errors.js';
import { openAppendOnly, refuseLink } from '../../core/safe-file.js';
import type { StepName } from './types.js';

/**
 * A step a journal line records: the import's steps, and `deletePersonFromCloud` of `person sync
 * --prune-cloud` (owed from before its device removals until the cloud deleted the person).
 */
export type JournalStep = StepName | 'deletePersonFromCloud';

export interface JournalEntry {
  /** The personCode. */
  key: string;
  rowHash: string;
  step: JournalStep;
  serial?: string;
  /** ISO time the step completed. */
  at: string;
}

/** The journal cannot be written (disk full, file removed): the import must stop, it could not record progress. */
export class JournalWriteError extends RuntimeError {}

function slot(key: string, step: string, serial?: string): string {
  return `${key}\u0000${step}\u0000${serial ?? ''}`;
}

/** What is already done: read side of the journal. */
export interface JournalView {
  isDone(key: string, step: JournalStep, rowHash: string, serial?: string): boolean;
  /** Lines read from the file at open (valid ones). */
  readonly loaded: number;
}

export interface Journal extends JournalView {
  /** Resolves once the entry is on disk. */
  record(entry: JournalEntry): Promise<void>;
  /** Flushes and closes; safe to call twice. */
  close(): Promise<void>;
}

function isEntry(v: unknown): v is JournalEntry {
  const e = v as JournalEntry;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.key === 'string' &&
    typeof e.rowHash === 'string' &&
    typeof e.step === 'string' &&
    (e.serial === undefined || typeof e.serial === 'string')
  );
}

/**
 * Reads a journal's text. A line that is not a complete entry (the torn tail of a killed run) is
 * ignored; the byte length of the intact part is returned so the writer can cut the tail off.
 */
export function parseJournal(text: string): { done: Map<string, string>; count: number; intactBytes: number } {
  const done = new Map<string, string>();
  let count = 0;
  const lastNewline = text.lastIndexOf('\n');
  const intact = lastNewline < 0 ? '' : text.slice(0, lastNewline + 1);
  for (const line of intact.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isEntry(parsed)) continue;
    done.set(slot(parsed.key, parsed.step, parsed.serial), parsed.rowHash);
    count++;
  }
  return { done, count, intactBytes: Buffer.byteLength(intact, 'utf8') };
}

async function readIfExists(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new RuntimeError(`cannot read the journal ${path}: ${(err as Error).message}`);
  }
}

function keysAt(done: Map<string, string>, step: JournalStep, rowHash: string): string[] {
  const out: string[] = [];
  const tail = `\u0000${step}\u0000`;
  for (const [at, hash] of done) {
    if (hash === rowHash && at.endsWith(tail)) out.push(at.slice(0, -tail.length));
  }
  return out;
}

/** The journal as read at the start of a run (readJournal). */
export interface JournalReadView extends JournalView {
  /** The keys whose last line for `step` (no serial) has `rowHash`, in the order first recorded. */
  keysAt(step: JournalStep, rowHash: string): string[];
}

function view(done: Map<string, string>, loaded: number): JournalReadView {
  return {
    loaded,
    isDone: (key, step, rowHash, serial) => done.get(slot(key, step, serial)) === rowHash,
    keysAt: (step, rowHash) => keysAt(done, step, rowHash),
  };
}

/** The journal for reading only (--dry-run). */
export async function readJournal(path: string): Promise<JournalReadView> {
  const { done, count } = parseJournal(await readIfExists(path));
  return view(done, count);
}

/**
 * Opens the journal for appending (O_APPEND|O_NOFOLLOW through core/safe-file: a symbolic link is
 * refused with a UsageError, never followed). `fresh` starts it over (the previous content is ignored and
 * truncated). The file is created 0600: it holds personCodes.
 */
export async function openJournal(path: string, opts: { fresh?: boolean } = {}): Promise<Journal> {
  // A planted link would make the journal append to (and truncate) another file.
  await refuseLink(path, '--journal');
  const parsed = opts.fresh
    ? { done: new Map<string, string>(), count: 0, intactBytes: 0 }
    : parseJournal(await readIfExists(path));
  const { fh, dsync } = await openAppendOnly(path, '--journal', 0o600, { dsync: true });
  try {
    // A torn last line would otherwise glue itself to the next entry.
    await fh.truncate(parsed.intactBytes);
  } catch (err) {
    await fh.close().catch(() => {});
    throw new RuntimeError(`cannot open the journal ${path}: ${(err as Error).message}`);
  }
  return new FileJournal(fh, dsync, path, parsed.done, parsed.count);
}

class FileJournal implements Journal {
  private pending: { line: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  private flushing: Promise<void> | undefined;
  private failed: Error | undefined;
  private closed = false;

  constructor(
    private readonly fh: FileHandle,
    /** Opened O_DSYNC: a write returns once on disk, no separate datasync (see openAppendOnly). */
    private readonly dsync: boolean,
    private readonly path: string,
    private readonly done: Map<string, string>,
    readonly loaded: number,
  ) {}

  isDone(key: string, step: JournalStep, rowHash: string, serial?: string): boolean {
    return this.done.get(slot(key, step, serial)) === rowHash;
  }

  record(entry: JournalEntry): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new RuntimeError(`the journal ${this.path} is closed`));
    const clean: JournalEntry = { key: entry.key, rowHash: entry.rowHash, step: entry.step, at: entry.at };
    if (entry.serial !== undefined) clean.serial = entry.serial;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(clean)}\n`, resolve, reject });
      this.done.set(slot(entry.key, entry.step, entry.serial), entry.rowHash);
      this.flushing ??= this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    // Let the steps finishing in this turn of the event loop join the batch.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.fh.write(batch.map((p) => p.line).join(''));
          if (!this.dsync) await this.fh.datasync();
        } catch (err) {
          this.failed = new JournalWriteError(`cannot write the journal ${this.path}: ${(err as Error).message}`);
          for (const p of [...batch, ...this.pending]) p.reject(this.failed);
          this.pending = [];
          return;
        }
        for (const p of batch) p.resolve();
      }
    } finally {
      this.flushing = undefined;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing;
    this.closed = true;
    await this.fh.close();
  }
}
