/**
 * The facetCloud request pipeline under `/api1`, in the order a real request meets the checks:
 * source IP (401), token (403), route (404), method (400 `method` with Allow: POST; the document
 * lists no 405), parameters from the registry (400),
 * the device (unknown 400, maintenance 503 empty, offline 503 JSON, AI camera 400), exclusive
 * control (400 exclusion), the device's latency, then the handler.
 */
import { secretMatcher } from '../core/compare.js';
import { compileIpRules, type IpAllow } from '../core/ip-rules.js';
import { cloudReading, validateWire } from '../core/params/index.js';
import { endpointForPath } from '../registry/index.js';
import type { EndpointDef } from '../registry/types.js';
import { deviceConfig, deviceForCall, getDevice, touchDevice } from './devices.js';
import type { Call, Emu, Handler } from './emu.js';
import { type Answer, AnswerError, fail, failMany, messages } from './envelope.js';
import { JSONP_PARAM } from './jsonp.js';

/**
 * Parameters the API itself reads; they are not the endpoint's. `callback` is the jsonp callback
 * (the document mentions jsonp but not the parameter's name: the common `callback` is assumed).
 */
const CONTROL_PARAMS = ['ds-api-token', 'nochange-response-status', JSONP_PARAM];

export interface FacetRequest {
  method: string;
  /** Path below `/api1`, e.g. `/person/toDevice`. */
  path: string;
  params: Record<string, string>;
  headerToken: string | undefined;
  ip: string;
}

const allowLists = new WeakMap<readonly string[], IpAllow>();

/** The `--allow-ip` rules compiled once per list (the settings keep the same array). */
function allowListOf(rules: readonly string[]): IpAllow {
  let allow = allowLists.get(rules);
  if (!allow) {
    allow = compileIpRules(rules);
    allowLists.set(rules, allow);
  }
  return allow;
}

export function ipAllowed(emu: Emu, ip: string): boolean {
  return allowListOf(emu.settings.allowIp)(ip);
}

const tokenMatchers = new WeakMap<Emu, { token: string; matches: (given: string | undefined) => boolean }>();

/** The API token, from the header or the `ds-api-token` parameter (compared in constant time, its digest kept). */
export function tokenOk(emu: Emu, headerToken: string | undefined, params: Record<string, string>): boolean {
  let m = tokenMatchers.get(emu);
  if (m?.token !== emu.token) {
    m = { token: emu.token, matches: secretMatcher(emu.token) };
    tokenMatchers.set(emu, m);
  }
  return m.matches(headerToken ?? params['ds-api-token']);
}

export async function handleFacet(emu: Emu, req: FacetRequest, handlers: Map<string, Handler>): Promise<Answer> {
  if (!ipAllowed(emu, req.ip)) return fail(401, 'ip', messages.ip);
  const ep = endpointForPath('facetcloud', req.path);
  // A `public` entry (setPictureCookie.js, loaded by a <script> tag) needs no token.
  if (!ep?.public && !tokenOk(emu, req.headerToken, req.params)) return fail(403, 'ds-api-token', messages.token);
  if (!ep) return fail(404, 'url', messages.notFound);
  // A GET on a POST-only endpoint: 400 with the envelope (the documented statuses have no 405; the
  // document's 400 is "リクエストパラメータに誤りがあります").
  if (!ep.methods.includes(req.method as 'GET' | 'POST')) {
    const answer = fail(400, 'method', messages.postOnly);
    return { ...answer, headers: { allow: ep.methods.join(', ') } } as Answer;
  }
  // 「11 件目以降は指定しても無視されます」: entries past a family's maximum are dropped, not refused;
  // malformed values with a documented fallback (displayMessage's colours) become the fallback.
  const params = { ...cloudReading(ep, req.params) };
  for (const k of CONTROL_PARAMS) delete params[k];
  const issues = validateWire(ep, params, { allowUnknown: true, inEffect: settingsInEffect(emu, ep, params) });
  if (issues.length > 0)
    return failMany(
      400,
      issues.map((i) => ({ name: i.name, message: i.messageJa })),
    );
  applyAliases(ep, params);
  const handler = handlers.get(ep.id);
  if (!handler) return fail(404, 'url', messages.notFound);
  return runOnDevice(emu, ep, { emu, ep, params, ip: req.ip }, handler);
}

async function runOnDevice(emu: Emu, ep: EndpointDef, call: Call, handler: Handler): Promise<Answer> {
  const serial = ep.deviceParam ? call.params[ep.deviceParam] : undefined;
  if (serial) {
    const device = deviceForCall(emu.db, serial);
    if (!device) return fail(400, ep.deviceParam ?? 'serialNo', messages.unknownDevice(serial));
    if (device.maintenance) return { kind: 'empty', status: 503 };
    call.device = device;
    if (ep.contactsDevice) {
      if (!device.online) return fail(503, 'device', messages.offline(serial));
      if (device.kind === 'aicamera' && !ep.aiCamera) return fail(400, 'device', messages.deviceError(serial));
    }
  }
  const lockKey = ep.exclusive ? (serial ?? `*${ep.id}`) : undefined;
  if (lockKey !== undefined && !emu.locks.tryAcquire(lockKey)) return fail(400, 'exclusion', messages.exclusion);
  try {
    if (ep.contactsDevice && call.device) {
      await emu.sleep(call.device.latency_ms ?? emu.settings.latencyMs);
      touchDevice(emu.db, call.device.serial);
    }
    return await handler(call);
  } catch (err) {
    if (err instanceof AnswerError) return err.answer;
    throw err;
  } finally {
    if (lockKey !== undefined) emu.locks.release(lockKey);
  }
}

/**
 * The current settings of the device the call names, read on first use, for the cross rules that
 * check a value against a setting the request does not send (setConfig's temperature range against
 * the device's `tempUnit`). Undefined for an unknown device: the rules then check what holds in any case.
 */
function settingsInEffect(
  emu: Emu,
  ep: EndpointDef,
  params: Record<string, string>,
): ((name: string) => string | undefined) | undefined {
  const serial = ep.deviceParam ? params[ep.deviceParam] : undefined;
  if (!serial || !ep.crossRules) return undefined;
  let config: Record<string, string | number> | null | undefined;
  return (name) => {
    if (config === undefined) {
      const row = getDevice(emu.db, serial);
      config = row ? deviceConfig(row) : null;
    }
    const v = config?.[name];
    return v === undefined ? undefined : String(v);
  };
}

/** A parameter sent under its documented alias (`push_url`) is read as the parameter (`pushUrl`). */
function applyAliases(ep: EndpointDef, params: Record<string, string>): void {
  for (const [name, def] of Object.entries(ep.params)) {
    if (def.aliasOf && params[name] !== undefined && params[def.aliasOf] === undefined)
      params[def.aliasOf] = params[name];
  }
}
