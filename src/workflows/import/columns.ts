/**
 * The CSV's columns are the API's parameter names: registPersonForCloud's own (with `picture` a file
 * path), `serialNos`, and the indexed families of registPersonAcessTimeForCloud and
 * registPersonCardInfoForCloud (`accessFlag_3`, `card_no_2`). Everything is read from the registry,
 * so the columns follow the endpoints' declarations.
 */
import { familyMemberOf } from '../../core/params/index.js';
import type { EndpointDef, FamilyDef } from '../../registry/index.js';
import { importEndpoints } from './endpoints.js';
import type { RowIssue } from './types.js';

export const SERIALS_COLUMN = 'serialNos';

export type ColumnKind = 'person' | 'picture' | 'serials' | 'access' | 'card' | 'ignored';

export interface ColumnMap {
  /** Per header position, what the column holds. */
  kinds: ColumnKind[];
  names: string[];
  issues: RowIssue[];
}

function familyOf(ep: EndpointDef, name: string): { family: FamilyDef; n: number } | undefined {
  const m = familyMemberOf(ep, name);
  // `accessFlag_0`, `card_no_01` name no entry: an unknown column.
  return m?.valid ? { family: m.family, n: m.n } : undefined;
}

function classify(name: string): ColumnKind | { tooMany: FamilyDef } | undefined {
  const eps = importEndpoints();
  if (name === 'picture') return 'picture';
  if (name === SERIALS_COLUMN) return 'serials';
  if (Object.hasOwn(eps.regist.params, name)) return 'person';
  for (const [ep, kind] of [
    [eps.access, 'access'],
    [eps.cards, 'card'],
  ] as const) {
    const m = familyOf(ep, name);
    if (m) return m.n > m.family.max ? { tooMany: m.family } : kind;
  }
  return undefined;
}

/**
 * Checks the header: known names, no duplicates, `personCode` present. A column without a name
 * whose cells are all empty (Excel leaves such columns after the last one: `a,b,,,`) is ignored;
 * `firstDataRow(i)` gives the first row with something in column i (undefined: none), so a nameless
 * column holding data is refused naming that row.
 */
export function mapColumns(
  header: readonly string[],
  opts: { ignoreUnknown: boolean; firstDataRow?: (column: number) => number | undefined },
): ColumnMap {
  const names = header.map((h) => h.trim());
  const kinds: ColumnKind[] = [];
  const issues: RowIssue[] = [];
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const col = `column ${i + 1}`;
    if (name === '') {
      const row = opts.firstDataRow?.(i);
      if (!opts.ignoreUnknown && (row !== undefined || !opts.firstDataRow)) {
        issues.push({
          field: col,
          message:
            row !== undefined
              ? `has no name in the header but row ${row} has a value in it: name it, delete the column, or use --ignore-unknown-columns`
              : 'has no name (or use --ignore-unknown-columns)',
        });
      }
      kinds.push('ignored');
      return;
    }
    const before = seen.get(name);
    if (before !== undefined) {
      issues.push({ field: name, message: `appears twice in the header (columns ${before + 1} and ${i + 1})` });
      kinds.push('ignored');
      return;
    }
    seen.set(name, i);
    const kind = classify(name);
    if (kind === undefined) {
      if (!opts.ignoreUnknown) {
        issues.push({
          field: name,
          message: `unknown column (expected API parameter names such as personCode, personName, picture, serialNos, accessFlag_1, card_no_1; or use --ignore-unknown-columns)`,
        });
      }
      kinds.push('ignored');
    } else if (typeof kind === 'object') {
      issues.push({
        field: name,
        message: `${kind.tooMany.name} takes at most ${kind.tooMany.max} entries (N = 1…${kind.tooMany.max})`,
      });
      kinds.push('ignored');
    } else {
      kinds.push(kind);
    }
  });
  if (!seen.has('personCode')) issues.push({ field: 'personCode', message: 'the header has no personCode column' });
  return { kinds, names, issues };
}

/** `facetctl person import --template`: a header and one example row. */
export function templateCsv(): string {
  const header = [
    'personCode',
    'personName',
    'sex',
    'birthday',
    'memo',
    'personTypeCode',
    'picture',
    SERIALS_COLUMN,
    'accessFlag_1',
    'accessTimeFrom_1',
    'accessTimeTo_1',
    'card_no_1',
    'validityDateFrom_1',
    'validityDateTo_1',
  ];
  const example = [
    'F00001',
    '山田 太郎',
    'male',
    '1980/12/06',
    '',
    '',
    'pictures/F00001.jpg',
    '7L11R010014;7L11R010015',
    '1',
    '2024/04/01 09:00:00',
    '2025/03/31 18:00:00',
    '0123456789ABCDEF',
    '2024/04/01',
    '2025/03/31',
  ];
  return `${header.join(',')}\n${example.join(',')}\n`;
}
