/**
 * `coerceParams`: what a user typed (flags, CSV cells, a library caller's values) → the wire, by the
 * type table, then `validateWire` on the result.
 */

import type { EndpointDef } from '../../registry/types.js';
import { DEFAULT_TIME_ZONE } from '../dates.js';
import type { WireParams } from './checks.js';
import { coerceFamily, familyMemberOf } from './families.js';
import { issue, type ParamIssue } from './messages.js';
import { type Clock, coerceValue, paramType } from './types.js';
import { ownParam, validateWire } from './validate.js';

/**
 * CLI/CSV input → wire. Keys are API parameter names or family names ('access', 'card') holding
 * 'a,b,c' strings. Friendly forms are converted (dates, flags, sex, Buffers for base64); whatever
 * cannot be read is passed through so that `validateWire` reports it with the documented limit.
 * All issues come back together. `now` is what relative forms (`-15m`, `today`) count from; `zone`
 * (IANA, default Asia/Tokyo: see core/dates.ts) is the zone wall times are read and written in.
 */
export function coerceParams(
  ep: EndpointDef,
  input: Record<string, unknown>,
  opts: { now: Date; zone?: string; allowUnknown?: boolean },
): { wire: WireParams; issues: ParamIssue[] } {
  const clock: Clock = { now: opts.now, zone: opts.zone ?? DEFAULT_TIME_ZONE };
  const wire: WireParams = {};
  const issues: ParamIssue[] = [];
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    const def = ownParam(ep, key);
    if (def) {
      if (value instanceof Uint8Array && !paramType(def.type).fromBytes) {
        issues.push(issue(key, 'notText', { label: def.label, name: key }));
        continue;
      }
      const v = coerceValue(def, value, clock);
      if (v !== undefined) wire[key] = v;
      continue;
    }
    const family = ep.families?.find((f) => f.name === key);
    if (family) {
      coerceFamily(family, value, clock, wire, issues);
      continue;
    }
    const member = familyMemberOf(ep, key);
    if (member) {
      const v = coerceValue(member.family.fields[member.field].def, value, clock);
      if (v !== undefined) wire[key] = v;
      continue;
    }
    wire[key] = String(value);
  }
  const checked = validateWire(ep, wire, { allowUnknown: opts.allowUnknown });
  // An entry that could not be read (`--card ABC`) leaves a hole in the numbering: the hole is that
  // entry's issue, already reported, not a second one.
  const unread = new Set(issues.filter((i) => i.code === 'format').map((i) => i.name.replace(/_\d+$/, '')));
  for (const i of checked) {
    if (i.code === 'numbering' && unread.has(familyMemberOf(ep, i.name)?.family.name ?? '')) continue;
    issues.push(i);
  }
  return { wire, issues };
}
