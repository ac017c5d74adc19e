/** Helpers for the emulator's own tests: raw calls as a client of the documents would make them. */

import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { picture } from '../helpers/fixtures.js';

export type { TestEmulator };
export { startTestEmulator };

export function fixture(name: string): Buffer {
  return picture(name);
}

export function b64(name: string): string {
  return fixture(name).toString('base64');
}

export interface Reply {
  status: number;
  body: any;
  bytes: Buffer;
  contentType: string;
  headers: Headers;
}

/**
 * Calls `/api1<path>`: GET with the parameters in the query, POST form-encoded (as the document's
 * clients do). The token travels in the `ds-api-token` header unless `token` says otherwise.
 */
export async function api(
  emu: TestEmulator,
  path: string,
  params: Record<string, string | number> = {},
  opts: { method?: 'GET' | 'POST'; token?: string | null; tokenIn?: 'header' | 'query' } = {},
): Promise<Reply> {
  const method = opts.method ?? 'GET';
  const token = opts.token === undefined ? emu.token : opts.token;
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) all[k] = String(v);
  const headers: Record<string, string> = {};
  if (token !== null && opts.tokenIn !== 'query') headers['ds-api-token'] = token;
  if (token !== null && opts.tokenIn === 'query') all['ds-api-token'] = token;
  const form = new URLSearchParams(all).toString();
  let url = `${emu.url}${path}`;
  let body: string | undefined;
  if (method === 'GET') url += form ? `?${form}` : '';
  else {
    body = form;
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const res = await fetch(url, { method, headers, body });
  const bytes = Buffer.from(await res.arrayBuffer());
  const contentType = res.headers.get('content-type') ?? '';
  let parsed: any;
  if (contentType.includes('json') && bytes.length) parsed = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, body: parsed, bytes, contentType, headers: res.headers };
}

/** Asserts a 200 JSON answer and returns its body. */
export async function ok(
  emu: TestEmulator,
  path: string,
  params: Record<string, string | number> = {},
  method?: 'GET' | 'POST',
) {
  const r = await api(emu, path, params, { method });
  if (r.status !== 200) throw new Error(`${path} answered ${r.status}: ${r.bytes.toString('utf8').slice(0, 300)}`);
  return r.body;
}

export async function addDevice(emu: TestEmulator, serialNo: string, extra: Record<string, unknown> = {}) {
  const r = await emu.op('POST', '/devices', { serialNo, ...extra });
  if (r.status !== 201) throw new Error(`device ${serialNo}: ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function registPerson(
  emu: TestEmulator,
  personCode: string,
  picture = 'face-astronaut.jpg',
  extra: Record<string, string | number> = {},
) {
  return ok(
    emu,
    '/person/registPersonForCloud',
    { personCode, personName: `Name ${personCode}`, picture: b64(picture), ...extra },
    'POST',
  );
}

export function cookieHeader(cookie: Record<string, string>): string {
  return Object.entries(cookie)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}
