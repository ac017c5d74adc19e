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

/** A ring of the last `limit` entries: adding is O(1) however full the journal is. */
export class Journal {
  private entries: JournalEntry[] = [];
  /** Where the oldest entry sits once the ring is full. */
  private head = 0;
  private seq = 0;

  constructor(private readonly limit = 10_000) {}

  add(method: string, path: string, paramNames: Iterable<string>, status: number): void {
    const params = [...new Set(paramNames)].filter((n) => !HIDDEN_PARAMS.has(n));
    this.seq += 1;
    const entry = { seq: this.seq, time: new Date().toISOString(), method, path, params, status };
    if (this.entries.length < this.limit) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.head] = entry;
    this.head = (this.head + 1) % this.limit;
  }

  list(): JournalEntry[] {
    return [...this.entries.slice(this.head), ...this.entries.slice(0, this.head)];
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
  }
}
