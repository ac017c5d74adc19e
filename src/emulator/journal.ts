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

export class Journal {
  private entries: JournalEntry[] = [];
  private seq = 0;

  constructor(private readonly limit = 10_000) {}

  add(method: string, path: string, paramNames: Iterable<string>, status: number): void {
    const params = [...new Set(paramNames)].filter((n) => !HIDDEN_PARAMS.has(n));
    this.seq += 1;
    this.entries.push({ seq: this.seq, time: new Date().toISOString(), method, path, params, status });
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  list(): JournalEntry[] {
    return this.entries.slice();
  }

  clear(): void {
    this.entries = [];
  }
}
