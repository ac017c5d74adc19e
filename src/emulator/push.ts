/**
 * Push notifications: on a simulated recognition the cloud POSTs the documented fields, form-encoded,
 * to the device's push URL. Fire and forget, as the document warns: failures are only logged.
 */

import { formatEpochSeconds } from '../core/dates.js';
import type { Emu } from './emu.js';
import { PUSH_PICTURE_SECONDS } from './pictures.js';
import type { RecogRow } from './recog-logs.js';

export function pushFields(emu: Emu, r: RecogRow): Record<string, string> {
  const expiresAt = Math.floor(Date.now() / 1000) + PUSH_PICTURE_SECONDS;
  const fields: Record<string, string | number | null> = {
    serialNo: r.serial,
    time: formatEpochSeconds(r.time),
    personCode: r.person_code,
    personName: r.person_name !== null && emu.settings.nameMasking ? '***' : r.person_name,
    pictureUrl: r.picture_id === null ? null : emu.signer.url(emu.origin, r.picture_id, expiresAt, true),
    mask: r.mask,
    temp: r.temp,
    pass: r.pass === 1 ? 1 : 0,
    searchScore: r.score,
    accessType: r.access_type,
    cardNo: r.card_no,
    cardType: r.card_type,
    cardBindPersonCode: r.card_bind_code,
  };
  // Like PHP's http_build_query, null fields are left out of the form.
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== null) out[k] = String(v);
  return out;
}

export function sendPush(emu: Emu, url: string, r: RecogRow): void {
  if (!url) return;
  const body = new URLSearchParams(pushFields(emu, r)).toString();
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(10_000),
  })
    .then((res) => res.body?.cancel())
    .catch((err: unknown) => emu.log(`emulator: push to ${url} failed: ${err instanceof Error ? err.message : err}`));
}
