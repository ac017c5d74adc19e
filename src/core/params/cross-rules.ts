/**
 * Cross-field rules: checks that read several parameters together, named in an endpoint's
 * `crossRules` (`CrossRule`, src/registry/types.ts) and interpreted here. The table is complete by
 * type: a rule named in the registry without its check does not compile.
 */

import { TEMP_RANGES_BY_UNIT } from '../../registry/index.js';
import type { CrossRule, EndpointDef } from '../../registry/types.js';
import { parseIso8601 } from '../dates.js';
import { NUMBER, type Sink, type WireParams } from './checks.js';
import { issue } from './messages.js';

/** The longest SenseLink record window (the `window24h` rule): exporters split longer ranges by it. */
export const SENSELINK_MAX_WINDOW_MS = 86_400_000;

/** What a cross rule may read besides the wire (`validateWire`'s `inEffect`). */
export interface CrossContext {
  /**
   * The current value, on the target, of a parameter the request does not send (the emulator: the
   * device's own setting); undefined where it is not known (the CLI before sending).
   */
  inEffect?: (name: string) => string | undefined;
}

/** `34` → `34.0`: the document writes the bounds with their one decimal. */
const oneDecimal = (n: number) => n.toFixed(1);

/**
 * tempValueRangeFrom/To inside the range of the unit in effect (`TEMP_RANGES_BY_UNIT`), and From ≤ To.
 * The unit in effect is `tempUnit` sent in the same request, else the target's current one
 * (`ctx.inEffect`). Where neither is known (the CLI: the command does not set the unit), a value must
 * lie in one of the two ranges: 60 is valid in neither and refused naming both.
 */
function checkTempRangeByUnit(ep: EndpointDef, wire: WireParams, out: Sink, ctx: CrossContext): void {
  const sent = wire.tempUnit;
  // A malformed tempUnit is its own issue: the ranges are not checked against a guess.
  if (sent !== undefined && sent !== '' && sent !== '0' && sent !== '1') return;
  const unit = sent === '0' || sent === '1' ? sent : ctx.inEffect?.('tempUnit');
  const range = unit === '0' || unit === '1' ? TEMP_RANGES_BY_UNIT[unit] : undefined;
  const valid: Record<string, number> = {};
  for (const name of ['tempValueRangeFrom', 'tempValueRangeTo']) {
    const v = wire[name];
    if (v === undefined || v === '' || !NUMBER.test(v)) continue;
    const n = Number(v);
    const label = ep.params[name]?.label ?? name;
    if (range) {
      if (n < range.min || n > range.max) {
        out.push(
          issue(name, 'tempOutOfRange', {
            label,
            min: oneDecimal(range.min),
            max: oneDecimal(range.max),
            unit: unit as string,
            unitName: range.unit,
            value: v,
          }),
        );
        continue;
      }
    } else if (!Object.values(TEMP_RANGES_BY_UNIT).some((r) => n >= r.min && n <= r.max)) {
      out.push(
        issue(name, 'tempOutOfBothRanges', {
          label,
          ranges: Object.entries(TEMP_RANGES_BY_UNIT).map(([u, r]) => ({
            unit: u,
            unitName: r.unit,
            unitJa: r.unitJa,
            min: oneDecimal(r.min),
            max: oneDecimal(r.max),
          })),
          value: v,
        }),
      );
      continue;
    }
    valid[name] = n;
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
} satisfies Record<CrossRule, (ep: EndpointDef, wire: WireParams, out: Sink, ctx: CrossContext) => void>;

/** Runs the rule `rule` of `ep` on `wire` (and what `ctx` knows of the target), pushing its issues onto `out`. */
export function checkCross(
  rule: CrossRule,
  ep: EndpointDef,
  wire: WireParams,
  out: Sink,
  ctx: CrossContext = {},
): void {
  CROSS_RULES[rule](ep, wire, out, ctx);
}
