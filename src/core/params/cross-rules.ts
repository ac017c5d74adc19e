/**
 * Cross-field rules: checks that read several parameters together, named in an endpoint's
 * `crossRules` (`CrossRule`, src/registry/types.ts) and interpreted here. The table is complete by
 * type: a rule named in the registry without its check does not compile.
 */

import type { CrossRule, EndpointDef } from '../../registry/types.js';
import { parseIso8601 } from '../dates.js';
import { NUMBER, type Sink, type WireParams } from './checks.js';
import { issue } from './messages.js';

/** The longest SenseLink record window (the `window24h` rule): exporters split longer ranges by it. */
export const SENSELINK_MAX_WINDOW_MS = 86_400_000;

/** The body-temperature range of each `tempUnit` (setConfig's tempValueRangeFrom/To). */
const TEMP_RANGES = { '0': { min: 34.0, max: 42.0, unit: '°C' }, '1': { min: 93.2, max: 107.6, unit: '°F' } } as const;

/** tempValueRangeFrom/To inside the range of the `tempUnit` given, and From ≤ To. */
function checkTempRangeByUnit(ep: EndpointDef, wire: WireParams, out: Sink): void {
  const unit = wire.tempUnit;
  const range = unit === '0' || unit === '1' ? TEMP_RANGES[unit] : undefined;
  const valid: Record<string, number> = {};
  for (const name of ['tempValueRangeFrom', 'tempValueRangeTo']) {
    const v = wire[name];
    if (v === undefined || v === '' || !NUMBER.test(v)) continue;
    const n = Number(v);
    if (range && (n < range.min || n > range.max)) {
      const label = ep.params[name]?.label ?? name;
      out.push(
        issue(name, 'tempOutOfRange', {
          label,
          min: range.min,
          max: range.max,
          unit: unit as string,
          unitName: range.unit,
          value: v,
        }),
      );
    } else {
      valid[name] = n;
    }
  }
  if (valid.tempValueRangeFrom !== undefined && valid.tempValueRangeTo !== undefined) {
    if (valid.tempValueRangeFrom > valid.tempValueRangeTo) {
      out.push(
        issue('tempValueRangeFrom', 'tempFromAboveTo', { from: valid.tempValueRangeFrom, to: valid.tempValueRangeTo }),
      );
    }
  }
}

/** SenseLink's time_from ≤ time_to, at most SENSELINK_MAX_WINDOW_MS apart (unreadable dates are left to their own check). */
function checkWindow24h(_ep: EndpointDef, wire: WireParams, out: Sink): void {
  const from = wire.time_from ? parseIso8601(wire.time_from) : undefined;
  const to = wire.time_to ? parseIso8601(wire.time_to) : undefined;
  if (from === undefined || to === undefined) return;
  if (from > to) {
    out.push(issue('time_from', 'timeFromAfterTo', {}));
  } else if (to - from > SENSELINK_MAX_WINDOW_MS) {
    out.push(issue('time_to', 'windowTooLong', {}));
  }
}

/** Every cross-field rule's check. */
export const CROSS_RULES = {
  tempRangeByUnit: checkTempRangeByUnit,
  window24h: checkWindow24h,
} satisfies Record<CrossRule, (ep: EndpointDef, wire: WireParams, out: Sink) => void>;

/** Runs the rule `rule` of `ep` on `wire`, pushing its issues onto `out`. */
export function checkCross(rule: CrossRule, ep: EndpointDef, wire: WireParams, out: Sink): void {
  CROSS_RULES[rule](ep, wire, out);
}
