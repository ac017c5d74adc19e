/**
 * The scope of a sync: which existing persons the file speaks for. A file for one building must
 * never remove another building's people, so every removal is limited to persons (and devices) in
 * the scope, and a row outside its own scope is refused before anything is sent.
 */
import type { WireParams } from '../../core/params/index.js';
import type { PersonRow, RowIssue } from '../import/types.js';
import type { CloudPerson, SyncScope } from './types.js';

/** `all persons`, or `personCode F0*, person type 2, devices GATE1, GATE2`: for the plan's header. */
export function describeScope(scope: SyncScope): string {
  const parts: string[] = [];
  if (scope.personCodePrefix) parts.push(`personCode ${scope.personCodePrefix}*`);
  if (scope.personTypeCode) parts.push(`person type ${scope.personTypeCode}`);
  if (scope.serials.length > 0) parts.push(`devices ${scope.serials.join(', ')}`);
  return parts.length === 0 ? 'all persons' : parts.join(', ');
}

/**
 * getPersonFromCloud queries that together list the scope's persons: one per scope device
 * (`registSerialNo`), or one for the whole contract; the prefix becomes `personCode=P*` (the
 * document's prefix match) and the type `personTypeCode`.
 */
export function cloudQueries(scope: SyncScope): WireParams[] {
  const base: WireParams = {};
  if (scope.personCodePrefix) base.personCode = `${scope.personCodePrefix}*`;
  if (scope.personTypeCode) base.personTypeCode = scope.personTypeCode;
  if (scope.serials.length === 0) return [base];
  return scope.serials.map((s) => ({ ...base, registSerialNo: s }));
}

/** Whether a personCode alone can be in the scope (device-only persons have no type to check). */
export function codeInScope(scope: SyncScope, code: string): boolean {
  return !scope.personCodePrefix || code.startsWith(scope.personCodePrefix);
}

/**
 * Whether a cloud person is in the scope's person criteria; `typeName` is the name of the scope's
 * person type (the list answers names, not codes).
 */
export function cloudPersonInScope(scope: SyncScope, p: CloudPerson, typeName: string | undefined): boolean {
  if (!codeInScope(scope, p.personCode)) return false;
  if (scope.personTypeCode && p.personTypeName !== typeName) return false;
  return true;
}

/** Problems of a row that lies outside its own file's scope (reported like any invalid cell). */
export function rowScopeIssues(scope: SyncScope, row: PersonRow): RowIssue[] {
  const issues: RowIssue[] = [];
  if (!codeInScope(scope, row.personCode)) {
    issues.push({
      field: 'personCode',
      message: `is outside the scope (--person-code-prefix ${scope.personCodePrefix})`,
    });
  }
  if (scope.personTypeCode && row.person.personTypeCode !== scope.personTypeCode) {
    issues.push({
      field: 'personTypeCode',
      message: `must be ${scope.personTypeCode} (--person-type ${scope.personTypeCode})`,
    });
  }
  if (scope.serials.length > 0) {
    for (const s of row.serials) {
      if (!scope.serials.includes(s)) {
        issues.push({ field: 'serialNos', message: `device '${s}' is outside the scope (--scope-serial)` });
      }
    }
  }
  return issues;
}
