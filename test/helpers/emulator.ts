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
