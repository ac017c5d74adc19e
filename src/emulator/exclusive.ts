/**
 * 排他制御: one request per serialNo at a time for the endpoints the registry marks `exclusive`.
 * A second request does not wait; it is refused at once, as the cloud does.
 */
export class ExclusiveLocks {
  private readonly held = new Set<string>();

  tryAcquire(key: string): boolean {
    if (this.held.has(key)) return false;
    this.held.add(key);
    return true;
  }

  release(key: string): void {
    this.held.delete(key);
  }

  clear(): void {
    this.held.clear();
  }
}
