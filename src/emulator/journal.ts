/**
 * The request journal behind `GET /_emulator/requests`: what was called and how it was answered.
 * Only parameter names are kept, so the token and picture data never land here.
 */
export interface JournalEntry {
  seq: number;
  time: string;
  method: string;
  path: string;
  params: string[];
  status: number;
}

const HIDDEN_PARAMS = new Set(['ds-api-token']);

/** An entry as stored: the time as epoch ms, formatted only when the journal is read. */
interface Stored {
  seq: number;
  ms: number;
  method: string;
  path: string;
  params: string[];
  status: number;
}

/**
 * A ring of the last `limit` entries: adding is O(1) however full the journal is, and cheap (it runs
 * on every request): the ISO time is made when `/_emulator/requests` reads the journal, not per request.
 */
export class Journal {
  private entries: Stored[] = [];
  /** Where the oldest entry sits once the ring is full. */
  private head = 0;
  private seq = 0;

  constructor(private readonly limit = 10_000) {}

  /** `paramNames` are the request's parameter names (duplicates and the token are dropped here). */
  add(method: string, path: string, paramNames: readonly string[], status: number): void {
    // A handful of names is the rule; a Set only pays off for many (a form with thousands of fields).
    const unique = paramNames.length > 32 ? [...new Set(paramNames)] : paramNames;
    const params: string[] = [];
    for (const n of unique) if (!HIDDEN_PARAMS.has(n) && (unique !== paramNames || !params.includes(n))) params.push(n);
    this.seq += 1;
    const entry: Stored = { seq: this.seq, ms: Date.now(), method, path, params, status };
    if (this.entries.length < this.limit) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.head] = entry;
    this.head = (this.head + 1) % this.limit;
  }

  /** The entries, oldest first. */
  list(): JournalEntry[] {
    const ordered = [...this.entries.slice(this.head), ...this.entries.slice(0, this.head)];
    return ordered.map((e) => ({
      seq: e.seq,
      time: new Date(e.ms).toISOString(),
      method: e.method,
      path: e.path,
      params: e.params,
      status: e.status,
    }));
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
  }
}
