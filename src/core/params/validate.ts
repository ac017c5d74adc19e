/**
 * `validateWire`: the strict check of parameters exactly as the API receives them, for the CLI (before
 * sending), the CSV importer (per row) and the emulator (per request), so a limit is enforced
 * identically everywhere.
 */

import type { EndpointDef, FamilyDef, ParamDef } from '../../registry/types.js';
import type { Sink, WireParams } from './checks.js';
import { type CrossContext, checkCross } from './cross-rules.js';
import { badIndexIssue, checkFamily, familyMemberOf, surplusIssue } from './families.js';
import { issue, type ParamIssue } from './messages.js';
import { checkValue } from './types.js';

/** Parameters every facetCloud endpoint accepts besides its own. */
const ALWAYS_ALLOWED = new Set(['ds-api-token', 'nochange-response-status']);

/** A declared parameter; never something inherited from Object.prototype (`toString`, `constructor`). */
export function ownParam(ep: EndpointDef, name: string): ParamDef | undefined {
  return Object.hasOwn(ep.params, name) ? ep.params[name] : undefined;
}

/**
 * Strict check of wire params exactly as the API would receive them. Returns one issue per problem,
 * all of them (never stops at the first): each value against its type (`PARAM_TYPES`), unknown and
 * missing parameters, family entries, `oneOf` alternatives and the endpoint's cross-field rules. An
 * empty value of an optional parameter counts as absent, as the API treats it. `allowUnknown` lets
 * undeclared names pass (the importer's extra columns). `inEffect` gives the cross rules the target's
 * current value of a parameter not sent (the emulator: the device's `tempUnit`); without it they
 * check what holds whatever that value is.
 */
export function validateWire(
  ep: EndpointDef,
  wire: WireParams,
  opts: { allowUnknown?: boolean; inEffect?: CrossContext['inEffect'] } = {},
): ParamIssue[] {
  const out: ParamIssue[] = [];
  let familyNs: Map<FamilyDef, Set<number>> | undefined;
  let surplus: Set<string> | undefined;
  for (const name in wire) {
    const value = wire[name];
    const def = ownParam(ep, name);
    if (def) {
      // A parameter with a documented fallback is never refused for its form (see `fallbackNotices`).
      if (value !== '' && value !== undefined && !def.fallback) checkValue(name, def, value, out);
      continue;
    }
    const member = familyMemberOf(ep, name);
    if (member) {
      if (!member.valid) {
        // `accessFlag_0`, `card_no_01`: refused even where unknown names pass (the emulator), never
        // stored unchecked nor read as another entry.
        out.push(badIndexIssue(member, name));
        continue;
      }
      if (member.n > member.family.max) {
        // One issue per surplus entry, named after the first of its members met.
        const entry = `${member.family.name}_${member.n}`;
        surplus ??= new Set();
        if (surplus.has(entry)) continue;
        surplus.add(entry);
        out.push(surplusIssue(member, name));
        continue;
      }
      familyNs ??= new Map();
      let set = familyNs.get(member.family);
      if (!set) {
        set = new Set();
        familyNs.set(member.family, set);
      }
      set.add(member.n);
      continue;
    }
    if (ALWAYS_ALLOWED.has(name) || opts.allowUnknown) continue;
    out.push(issue(name, 'unknownParam', { name, endpoint: ep.id }));
  }
  for (const name in ep.params) {
    const def = ep.params[name];
    if (def.required && (wire[name] === undefined || wire[name] === '')) {
      out.push(issue(name, 'required', { label: def.label }));
    }
  }
  if (familyNs) for (const [family, ns] of familyNs) checkFamily(family, wire, ns, out);
  if (ep.oneOf) for (const alternatives of ep.oneOf) checkOneOf(ep, alternatives, wire, out);
  if (ep.crossRules) for (const rule of ep.crossRules) checkCross(rule, ep, wire, out, { inEffect: opts.inEffect });
  return out;
}

/** One of `alternatives` (each a set of names given together) must be given whole. */
function checkOneOf(ep: EndpointDef, alternatives: readonly (readonly string[])[], wire: WireParams, out: Sink): void {
  const given = (n: string) => wire[n] !== undefined && wire[n] !== '';
  if (alternatives.some((alt) => alt.every(given))) return;
  // A half-given alternative (recogLogSerialNo without recogLogId) is named precisely.
  const partial = alternatives.find((alt) => alt.some(given));
  if (partial) {
    for (const n of partial) {
      if (!given(n)) {
        const label = ep.params[n]?.label ?? n;
        out.push(issue(n, 'requiredTogether', { label, given: partial.filter(given).join(', ') }));
      }
    }
    return;
  }
  const names = alternatives.map((alt) => alt.join('+'));
  const labels = alternatives.map((alt) => alt.map((n) => ep.params[n]?.label ?? n).join('・'));
  out.push(issue(names.join('|'), 'oneOf', { names, labels: [...new Set(labels)] }));
}
