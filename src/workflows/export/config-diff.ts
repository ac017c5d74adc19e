/**
 * Comparing a saved config (the getConfig JSON that `config export` writes, or any subset of it)
 * with a device's current one. Values are compared as the wire sees them (strings), so `1` in a file
 * equals `"1"` from the device and `36.0` equals `36`.
 */

export interface ConfigDifference {
  key: string;
  file: unknown;
  device: unknown;
}

export function wireValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    const t = v.trim();
    return /^-?\d+(\.\d+)?$/.test(t) ? String(Number(t)) : v;
  }
  return JSON.stringify(v);
}

/** Keys of `file` whose value differs from `device` (keys only on the device are not differences). */
export function diffConfig(file: Record<string, unknown>, device: Record<string, unknown>): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  for (const key of Object.keys(file)) {
    if (key === 'serialNo') continue;
    const d = device[key];
    if (d === undefined || wireValue(file[key]) !== wireValue(d)) {
      out.push({ key, file: file[key], device: d ?? null });
    }
  }
  return out;
}
