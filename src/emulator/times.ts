/**
 * The wire's local-time forms (`YYYY/MM/DD HH:MI:SS`, `YYYY/MM/DD`). The emulator keeps times as epoch
 * seconds and formats them in the process's time zone, like the cloud does in Asia/Tokyo.
 */

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function formatDateTime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDate(d: Date): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())}`;
}

/** `YYYY/MM/DD HH:MI:SS` (or a date alone, meaning midnight) → epoch seconds; undefined when malformed. */
export function parseDateTime(text: string): number | undefined {
  const m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?: (\d{1,2}):(\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const d = new Date(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
  );
  const t = d.getTime();
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
