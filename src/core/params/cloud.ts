/**
 * The wire as the cloud reads it, where that differs from what was sent: entries and parameters the
 * document says are ignored, and malformed values the cloud replaces by a documented fallback. The
 * emulator reads requests this way; the CLI refuses the ignored entries and warns about fallbacks.
 */

import type { EndpointDef } from '../../registry/types.js';
import type { WireParams } from './checks.js';
import { familyMemberOf } from './families.js';
import { type ParamIssue, withFallback } from './messages.js';
import { checkValue } from './types.js';
import { ownParam } from './validate.js';

/**
 * The wire as the cloud reads it: family entries past their maximum that the document says are ignored
 * (`beyondMax.cloud === 'ignored'`, e.g. `accessFlag_11`) and parameters an endpoint's `ignoredWhen`
 * rules ignore (getRecogLog's `latest=1`) are left out. Returns `wire` itself when
 * nothing is dropped. Used by the emulator before `validateWire`; the CLI validates the full wire and
 * refuses those entries instead.
 */
export function dropIgnoredByCloud(ep: EndpointDef, wire: WireParams): WireParams {
  let out: WireParams | undefined;
  for (const rule of ep.ignoredWhen ?? []) {
    if (wire[rule.param] !== rule.value) continue;
    for (const name of rule.ignores) {
      if (!(name in wire)) continue;
      out ??= { ...wire };
      delete out[name];
    }
  }
  if (!ep.families) return out ?? wire;
  for (const name in wire) {
    const member = familyMemberOf(ep, name);
    // Only a well-numbered entry past the maximum is ignored; `_0`, `_01` are left for validateWire to refuse.
    if (!member?.valid || member.n <= member.family.max || member.family.beyondMax.cloud !== 'ignored') continue;
    out ??= { ...wire };
    delete out[name];
  }
  return out ?? wire;
}

/**
 * Values the cloud replaces by a documented fallback (`ParamDef.fallback`) because they are malformed:
 * one notice per value, its message saying what the device will use. The CLI prints them as warnings;
 * `cloudReading` substitutes the fallbacks.
 */
export function fallbackNotices(ep: EndpointDef, wire: WireParams): ParamIssue[] {
  const out: ParamIssue[] = [];
  for (const name in wire) {
    const def = ownParam(ep, name);
    const value = wire[name];
    if (!def?.fallback || value === '' || value === undefined) continue;
    const found: ParamIssue[] = [];
    checkValue(name, def, value, found);
    for (const i of found) out.push(withFallback(i, def.fallback.meaning));
  }
  return out;
}

/**
 * The wire as the cloud reads it: `dropIgnoredByCloud`, then every malformed value that has a
 * documented fallback replaced by the fallback (`BorderColor=red` → `0,0,0,255`).
 */
export function cloudReading(ep: EndpointDef, wire: WireParams): WireParams {
  const kept = dropIgnoredByCloud(ep, wire);
  const notices = fallbackNotices(ep, kept);
  if (notices.length === 0) return kept;
  const out = { ...kept };
  for (const n of notices) {
    const def = ownParam(ep, n.name);
    if (def?.fallback) out[n.name] = def.fallback.value;
  }
  return out;
}
