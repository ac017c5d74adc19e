/** Small helpers the handlers share: parameter reading, paging arithmetic, picture cookies. */

import { isValidIpRule } from '../../core/ip-rules.js';
import { messageJa } from '../../core/params/index.js';
import { pictureAllowIp, serialNo } from '../../registry/common-params.js';
import { type DeviceRow, getDevice } from '../devices.js';
import type { Call } from '../emu.js';
import { abort, messages } from '../envelope.js';
import { DEFAULT_PICTURE_EXPIRES, type PictureCookie } from '../pictures.js';

export function str(call: Call, name: string): string | undefined {
  const v = call.params[name];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * A number parameter's value, or undefined when absent or empty. Only for parameters `validateWire`
 * checked (so a safe integer or decimal: MAX_WIRE_INTEGER); messages quote `str(call, name)`, the
 * value as sent, never this reading of it.
 */
export function int(call: Call, name: string): number | undefined {
  const v = str(call, name);
  return v === undefined ? undefined : Number(v);
}

export function flag(call: Call, name: string, dflt: 0 | 1): 0 | 1 {
  const v = str(call, name);
  return v === undefined ? dflt : v === '1' ? 1 : 0;
}

export function device(call: Call) {
  if (!call.device) abort(400, 'serialNo', messageJa('required', { label: serialNo.label }));
  return call.device;
}

/** The call's device with its settings JSON and logo (`call.device` leaves them out: they are rarely read). */
export function deviceWithSettings(call: Call): DeviceRow {
  const row = getDevice(call.emu.db, device(call).serial);
  if (!row) abort(400, 'serialNo', messages.unknownDevice(device(call).serial));
  return row;
}

/**
 * Paging arithmetic for a list endpoint, with the page size its registry entry documents. A page past
 * the last one (even `pageNo=9007199254740991`, whose offset no SQLite integer holds) is an empty
 * page: the offset is clamped to the row count.
 */
export function paging(call: Call, rows: number): { pageNo: number; pages: number; offset: number; size: number } {
  const size = call.ep.paging?.pageSize;
  if (!size) throw new Error(`${call.ep.id} is not a paged endpoint`);
  const pageNo = int(call, 'pageNo') ?? 1;
  return { pageNo, pages: Math.ceil(rows / size), offset: pageOffset(pageNo, size, rows), size };
}

/** `(page − 1) × size`, never beyond `rows` (so a huge page number stays a safe integer and reads nothing). */
export function pageOffset(page: number, size: number, rows: number): number {
  return Math.min(Math.max(0, (page - 1) * size), rows);
}

/**
 * The answer's `pictureCookie` and a maker of matching picture URLs (one random nonce per answer, a
 * distinct URL per row: see `PictureSigner.urlMaker`).
 */
export function pictureAccess(call: Call): { cookie: PictureCookie; url: (pictureId: number | null) => string | null } {
  const expires = int(call, 'pictureExpires') ?? DEFAULT_PICTURE_EXPIRES;
  const allowIp = str(call, 'pictureAllowIp');
  if (allowIp !== undefined && !isValidIpRule(allowIp)) {
    abort(400, 'pictureAllowIp', messageJa('notIpAddress', { label: pictureAllowIp.label }));
  }
  const { emu } = call;
  const { cookie, expiresAt } = emu.signer.cookie(emu.origin, expires, allowIp);
  const make = emu.signer.urlMaker(emu.origin, expiresAt);
  return { cookie, url: (id) => (id === null ? null : make(id)) };
}

export function maskName(call: Call, name: string | null): string | null {
  return name !== null && call.emu.settings.nameMasking ? '***' : name;
}

/** The operator's "lose the device after N items" for this call, consumed once. */
export function takeFailAfter(call: Call, serial: string): number | undefined {
  const n = call.emu.failAfter.get(serial);
  if (n !== undefined) call.emu.failAfter.delete(serial);
  return n;
}
