/**
 * Parameter coercion and validation: one implementation for the CLI, the CSV importer, the client
 * (before sending) and the emulator (on every request), so a limit is enforced identically everywhere.
 *
 * - `messages.ts`: the message catalogue (English for the CLI, Japanese for the emulator), keyed by code
 * - `types.ts`: the table of parameter types (check, coerce, placeholder, help format), complete by type
 * - `checks.ts`: the value checks the table names
 * - `families.ts`: indexed families (`accessFlag_N`…)
 * - `cross-rules.ts`: checks across parameters, named by the registry's `crossRules`
 * - `validate.ts` (`validateWire`), `coerce.ts` (`coerceParams`), `cloud.ts` (what the cloud reads)
 */

export { isValidCardNo, type WireParams } from './checks.js';
export { cloudReading, dropIgnoredByCloud, fallbackNotices } from './cloud.js';
export { coerceParams } from './coerce.js';
export { CROSS_RULES, SENSELINK_MAX_WINDOW_MS } from './cross-rules.js';
export { type FamilyMember, familyEntries, familyMemberOf } from './families.js';
export {
  type IssueKind,
  issue,
  MESSAGES,
  type MessageArgs,
  type MessageCode,
  messageJa,
  type ParamIssue,
} from './messages.js';
export { type Clock, checkValue, coerceValue, PARAM_TYPES, type ParamTypeSpec, paramType } from './types.js';
export { validateWire } from './validate.js';
