import { type EmulatorHandle, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';

export interface TestEmulator extends EmulatorHandle {
  /** Call the operator API (`/_emulator/...`) with the emulator's token; returns status and parsed JSON. */
  op(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

/** An emulator on a free port with no seed and the deterministic face analysis, for tests. */
export async function startTestEmulator(opts: EmulatorOptions = {}): Promise<TestEmulator> {
  const handle = await startEmulator({ port: 0, seed: 'none', faces: 'basic', latencyMs: 5, ...opts });
  const op = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${handle.origin}/_emulator${path.startsWith('/') ? path : `/${path}`}`, {
      method,
      headers: { 'ds-api-token': handle.token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, body: parsed };
  };
  return Object.assign(handle, { op });
}

/** Adds a device through the operator API and, with `logs`, that many recognitions on it. Throws on a refusal. */
export async function addDevice(emu: TestEmulator, serialNo: string, logs = 0): Promise<void> {
  const made = await emu.op('POST', '/devices', { serialNo });
  if (made.status !== 201) throw new Error(`cannot create device ${serialNo}: ${JSON.stringify(made.body)}`);
  if (logs > 0) {
    const rec = await emu.op('POST', '/recognize', { serialNo, count: logs });
    if (rec.status !== 200) throw new Error(`cannot add logs to ${serialNo}: ${JSON.stringify(rec.body)}`);
  }
}

/**
 * Every recognition log id the cloud holds for a device, newest first, read page by page with plain
 * HTTP (not through facetctl); null for a preliminary row that has no id yet.
 */
export async function storedRecogIdsWithPreliminary(emu: TestEmulator, serialNo: string): Promise<(number | null)[]> {
  const ids: (number | null)[] = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${emu.url}/log/getRecogLog?serialNo=${serialNo}&pageNo=${page}`, {
      headers: { 'ds-api-token': emu.token },
    });
    const body = (await res.json()) as { pages: number; list: { id: string | null }[] };
    ids.push(...body.list.map((r) => (r.id === null ? null : Number(r.id))));
    if (page >= body.pages) return ids;
  }
}

/** As storedRecogIdsWithPreliminary, for a device that holds no preliminary row (throws if it does). */
export async function storedRecogIds(emu: TestEmulator, serialNo: string): Promise<number[]> {
  const ids = await storedRecogIdsWithPreliminary(emu, serialNo);
  if (ids.includes(null)) throw new Error(`${serialNo} holds a preliminary row (no id)`);
  return ids as number[];
}
