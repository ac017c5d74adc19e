/**
 * SenseLink request shaping: the `app_key`/`timestamp`/`sign` query parameters, and the JSON body of
 * POST record built from the registry's flat dotted names (`image.rectangle.top`).
 */

import type { EndpointDef } from '../registry/types.js';
import { createHash } from './node-crypto.js';
import type { WireParams } from './params/index.js';

export interface SenselinkAuth {
  app_key: string;
  timestamp: string;
  sign: string;
}

/** `sign` = lowercase hex MD5 of `${timestamp}#${appSecret}`, timestamp in milliseconds. */
export function senselinkSign(timestampMs: number | string, appSecret: string): string {
  return createHash('md5').update(`${timestampMs}#${appSecret}`, 'utf8').digest('hex');
}

export function senselinkAuthParams(appKey: string, appSecret: string, now: Date): SenselinkAuth {
  const timestamp = String(now.getTime());
  return { app_key: appKey, timestamp, sign: senselinkSign(timestamp, appSecret) };
}

/** Wire values are strings; JSON bodies carry `int`/`number`/`unixSeconds` params as numbers. */
function jsonValue(ep: EndpointDef, name: string, value: string): unknown {
  const type = ep.params[name]?.type;
  const numeric = type === 'int' || type === 'number' || type === 'unixSeconds';
  if (numeric && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Number(value);
  }
  return value;
}

/** `{'image.data': 'x', 'image.rectangle.top': '12'}` → `{image: {data: 'x', rectangle: {top: 12}}}`. */
export function nestDottedParams(ep: EndpointDef, wire: WireParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(wire)) {
    const parts = name.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== 'object' || next === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = jsonValue(ep, name, value);
  }
  return root;
}
