/**
 * The message catalogue of parameter checks: one entry per rule, keyed by a code (`required`, `tooLong`,
 * `notDate`…), with the English text the CLI shows and the Japanese text the emulator answers, so the
 * two sides cannot word one rule differently. Where the facetCloud document prescribes a wording it is
 * kept verbatim (§ エラー: 「検索日時（from）は日付形式で指定する必要があります。」,
 * 「氏名の文字数が多すぎます。100文字以内で指定して下さい。」); the others follow its style.
 *
 * English texts name the limit and the value but not the parameter: callers prefix the flag, key or
 * column. Japanese texts name the field by its document label (`ParamDef.label`).
 */

/** The broad kind of a problem (`ParamIssue.code`), what scripts and tests match on. */
export type IssueKind =
  | 'required'
  | 'type'
  | 'range'
  | 'length'
  | 'enum'
  | 'format'
  | 'size'
  | 'content'
  | 'oneOf'
  | 'interval'
  | 'overlap'
  | 'count'
  /** A family member numbered otherwise than 1, 2, 3… (`accessFlag_0`, `card_no_01`, a gap). */
  | 'numbering'
  | 'unknown'
  | 'cross';

export interface ParamIssue {
  /** Wire name (e.g. 'accessTimeFrom_2', 'birthday') or family/group name. */
  name: string;
  code: IssueKind;
  /** English, the limit and the value, without the parameter's name (it is `name`; callers prefix the flag, key or column). */
  message: string;
  /** Japanese, in the documents' style. */
  messageJa: string;
}

/** One rule's texts: its kind and the English and Japanese wording, from the same arguments. */
interface Entry<A> {
  kind: IssueKind;
  en: (a: A) => string;
  ja: (a: A) => string;
}

function entry<A>(kind: IssueKind, en: (a: A) => string, ja: (a: A) => string): Entry<A> {
  return { kind, en, ja };
}

/** The field as most Japanese texts name it: its label, and its wire name in full-width brackets. */
interface Field {
  label: string;
  name: string;
}

/** A value that breaks a limit, with the limit. */
interface Limit {
  label: string;
  max: number;
  got: number;
}

/** `between 1 and 100` / `1から100の範囲`; one bound alone: `at least` / `以上`, `at most` / `以下`. */
/**
 * Why a date a spreadsheet gave may not read: Excel's day serial (a date cell formatted as a
 * number: 46027 is 2026/01/05) or full-width digits typed with the IME on.
 */
function dateHint(value: string): string {
  if (/^\d{5}(\.\d+)?$/.test(value) && Number(value) >= 20000 && Number(value) <= 80000) {
    return ': an Excel date serial? format the column as a date, yyyy/mm/dd';
  }
  if (/[\uFF10-\uFF19]/.test(value)) return ': full-width digits? write them half-width';
  return '';
}

function rangeText(min: number | string | undefined, max: number | string | undefined): { en: string; ja: string } {
  if (min !== undefined && max !== undefined) return { en: `between ${min} and ${max}`, ja: `${min}から${max}の範囲` };
  if (min !== undefined) return { en: `at least ${min}`, ja: `${min}以上` };
  return { en: `at most ${max}`, ja: `${max}以下` };
}

/** A byte count as the documents write it: `5MB`, `100KB`, `10バイト`. */
function bytesText(n: number): string {
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)}MB`;
  if (n % 1024 === 0) return `${n / 1024}KB`;
  return `${n}バイト`;
}

/** What a base64 picture must be (`ParamDef.content`), in each language. */
const PICTURE_KIND = {
  jpeg: { en: 'JPEG', ja: 'JPEG' },
  png: { en: 'PNG', ja: 'PNG' },
  'jpeg-or-png': { en: 'JPEG or PNG', ja: 'JPEGまたはPNG' },
} as const;

const sameAsRequired = (a: { label: string }) => `${a.label}は必須です。`;
const inRange = (a: { label: string; min?: number | string; max?: number | string }) =>
  `${a.label}は${rangeText(a.min, a.max).ja}で指定して下さい。`;

/**
 * The catalogue. Each entry takes the arguments its wording needs (typed: a missing one does not
 * compile) and gives the kind, the English and the Japanese text.
 */
export const MESSAGES = {
  // Presence
  required: entry<{ label: string }>('required', () => 'is required', sameAsRequired),
  requiredTogether: entry<{ label: string; given: string }>(
    'required',
    (a) => `required together with ${a.given}`,
    sameAsRequired,
  ),
  oneOf: entry<{ names: readonly string[]; labels: readonly string[] }>(
    'oneOf',
    (a) => `one of ${a.names.join(', ')} is required`,
    (a) => `${a.labels.join('、')}のいずれかを指定して下さい。`,
  ),
  unknownParam: entry<{ name: string; endpoint: string }>(
    'unknown',
    (a) => `unknown parameter for ${a.endpoint}`,
    (a) => `${a.name}は不明なパラメータです。`,
  ),

  // Numbers and choices
  notInteger: entry<Field & { value: string }>(
    'type',
    (a) => `must be an integer (got '${a.value}')`,
    (a) => `${a.label}（${a.name}）は整数で指定する必要があります。`,
  ),
  notNumber: entry<Field & { value: string }>(
    'type',
    (a) => `must be a number (got '${a.value}')`,
    (a) => `${a.label}（${a.name}）は数値で指定する必要があります。`,
  ),
  tooManyDecimals: entry<{ label: string; decimals: number; value: string }>(
    'format',
    (a) => `at most ${a.decimals} decimal place(s) (got '${a.value}')`,
    (a) => `${a.label}は小数点以下${a.decimals}桁までで指定して下さい。`,
  ),
  outOfRange: entry<{ label: string; min?: number | string; max?: number | string; value: string }>(
    'range',
    (a) => `must be ${rangeText(a.min, a.max).en} (got ${a.value})`,
    inRange,
  ),
  notOneOf: entry<{ label: string; values: readonly (string | number)[]; value: string; also?: string }>(
    'enum',
    (a) => `must be one of ${a.values.join(', ')}${a.also ? ` (or ${a.also})` : ''} (got '${a.value}')`,
    (a) => `${a.label}は${a.values.join('、')}のいずれかで指定して下さい。`,
  ),
  notFlag: entry<Field & { value: string }>(
    'type',
    (a) => `must be 0 or 1 (got '${a.value}')`,
    (a) => `${a.label}（${a.name}）は0または1で指定して下さい。`,
  ),

  // Texts
  tooLong: entry<Limit>(
    'length',
    (a) => `at most ${a.max} characters (got ${a.got})`,
    (a) => `${a.label}の文字数が多すぎます。${a.max}文字以内で指定して下さい。`,
  ),
  tooShort: entry<{ label: string; min: number; got: number }>(
    'length',
    (a) => `at least ${a.min} characters (got ${a.got})`,
    (a) => `${a.label}の文字数が少なすぎます。${a.min}文字以上で指定して下さい。`,
  ),
  notText: entry<Field>(
    'type',
    () => 'takes text, not file content',
    (a) => `${a.label}（${a.name}）は文字列で指定して下さい。`,
  ),

  // File content and JSON
  base64TooLarge: entry<Limit>(
    'size',
    (a) => `at most ${a.max} bytes of base64 (got ${a.got})`,
    (a) => `${a.label}のサイズが大きすぎます。Base64エンコード後${bytesText(a.max)}以内で指定して下さい。`,
  ),
  notBase64: entry<Field>(
    'format',
    () => 'must be base64 text',
    (a) => `${a.label}（${a.name}）はBase64形式で指定して下さい。`,
  ),
  notPicture: entry<{ label: string; content: keyof typeof PICTURE_KIND; got: 'PNG' | 'JPEG' | 'unknown content' }>(
    'content',
    (a) => `must be a ${PICTURE_KIND[a.content].en} image (got ${a.got})`,
    (a) => `${a.label}は${PICTURE_KIND[a.content].ja}形式の画像で指定して下さい。`,
  ),
  jsonTooLarge: entry<Limit>(
    'size',
    (a) => `at most ${a.max} bytes (got ${a.got})`,
    (a) => `${a.label}のサイズが大きすぎます。${bytesText(a.max)}以内で指定して下さい。`,
  ),
  notJson: entry<Field>(
    'format',
    () => 'must be JSON text',
    (a) => `${a.label}（${a.name}）はJSON形式で指定して下さい。`,
  ),

  // Lists and codes
  notIdList: entry<Field & { part: string }>(
    'format',
    (a) => `must be comma-separated positive integers (got '${a.part}')`,
    (a) => `${a.label}（${a.name}）はカンマ区切りの数値で指定して下さい。`,
  ),
  tooManyIds: entry<Limit>(
    'count',
    (a) => `at most ${a.max} ids (got ${a.got})`,
    (a) => `${a.label}は最大${a.max}件まで指定可能です。`,
  ),
  notRgba: entry<Field & { value: string }>(
    'format',
    (a) => `must be 'R,G,B,A' with each part 0–255 (got '${a.value}')`,
    (a) => `${a.label}（${a.name}）は「R,G,B,A」の形式（各0から255）で指定して下さい。`,
  ),
  notCardNo: entry<Field & { value: string; maxDecimal: string }>(
    'format',
    (a) => `must be hex of at most 16 digits, or decimal of at most 20 digits up to ${a.maxDecimal} (got '${a.value}')`,
    (a) => `${a.label}（${a.name}）は16桁以内の16進数、または20桁以内（${a.maxDecimal}以下）の10進数で指定して下さい。`,
  ),

  // Dates and times
  notDate: entry<Field & { form: string; value?: string }>(
    'format',
    (a) =>
      `must be a real date in the form ${a.form}${a.value === undefined ? '' : ` (got '${a.value}'${dateHint(a.value)})`}`,
    (a) => `${a.label}（${a.name}）は日付形式で指定する必要があります。`,
  ),
  notUnixSeconds: entry<Field & { value: string }>(
    'type',
    (a) => `must be a Unix timestamp in seconds (got '${a.value}')`,
    (a) => `${a.label}（${a.name}）はUNIXタイムスタンプ（秒）で指定する必要があります。`,
  ),
  /** `when` is ` (2022-08-02T06:25:03Z)` or empty. */
  milliseconds: entry<Field & { value: string; seconds: number; when: string }>(
    'range',
    (a) =>
      `is in milliseconds, but a Unix timestamp in seconds is expected: did you mean ${a.seconds}${a.when}? (got '${a.value}')`,
    (a) => `${a.label}（${a.name}）は秒単位のUNIXタイムスタンプで指定して下さい（ミリ秒ではありません）。`,
  ),

  // Families (accessFlag_N…)
  familyEntryForm: entry<{ n: number; cliFormat: string; entry: string; description: string }>(
    'format',
    (a) => `entry ${a.n} must be '${a.cliFormat}' (got '${a.entry}')`,
    (a) => `${a.description}は「${a.cliFormat}」の形式で指定して下さい。`,
  ),
  familyTooMany: entry<{ family: string; max: number; reason: string; label: string }>(
    'count',
    (a) => `${a.family} takes at most ${a.max} entries (N = 1…${a.max}): ${a.reason}`,
    (a) => `${a.label}は${a.max}件まで指定可能です。`,
  ),
  familyIndex: entry<{ name: string; index: string; label: string }>(
    'numbering',
    (a) => `N must be 1, 2, 3… written without leading zeros (「1 を起算とする連番」), so '${a.index}' names no entry`,
    (a) => `${a.label}（${a.name}）の番号は1から始まる連番で指定して下さい。`,
  ),
  familyGap: entry<{ name: string; missing: string; n: number }>(
    'numbering',
    (a) =>
      `entries are numbered 1, 2, 3… without gaps (「1 を起算とする連番」): entry ${a.n} is given but ${a.missing} is not`,
    (a) => `${a.name}の番号は1から始まる連番で指定して下さい（${a.missing}が指定されていません）。`,
  ),
  requiredWithKey: entry<Field & { key: string }>(
    'required',
    (a) => `required when ${a.key} is given`,
    (a) => `${a.label}（${a.name}）は必須です。`,
  ),
  needsKey: entry<{ key: string; keyLabel: string }>(
    'required',
    (a) => `needs ${a.key} as well`,
    (a) => `${a.keyLabel}（${a.key}）が指定されていません。`,
  ),
  fromAfterTo: entry<{ from: Field; to: Field; fromValue: string; toValue: string }>(
    'interval',
    (a) => `must not be after ${a.to.name} (${a.fromValue} > ${a.toValue})`,
    (a) => `${a.from.label}（${a.from.name}）は${a.to.label}（${a.to.name}）以前の日時で指定して下さい。`,
  ),
  /** Window `n` overlaps window `other`; `names` are their two `from` members, earlier first. */
  overlap: entry<{
    n: number;
    range: string;
    other: number;
    otherRange: string;
    names: readonly [string, string];
  }>(
    'overlap',
    (a) => `window ${a.n} (${a.range}) overlaps window ${a.other} (${a.otherRange})`,
    (a) => `期間の重複指定は許容されません（${a.names[0]}と${a.names[1]}）。`,
  ),

  // Cross-field rules
  tempOutOfRange: entry<{ label: string; min: string; max: string; unit: string; unitName: string; value: string }>(
    'cross',
    (a) => `must be between ${a.min} and ${a.max} when tempUnit is ${a.unit} (${a.unitName}) (got ${a.value})`,
    inRange,
  ),
  /** The unit is not known (not sent, the CLI cannot ask the device): valid in neither range. */
  tempOutOfBothRanges: entry<{
    label: string;
    ranges: readonly { unit: string; unitName: string; unitJa: string; min: string; max: string }[];
    value: string;
  }>(
    'cross',
    (a) =>
      `must be ${a.ranges.map((r) => `between ${r.min} and ${r.max} (${r.unitName}, tempUnit ${r.unit})`).join(' or ')}: it is valid in neither unit (got ${a.value})`,
    (a) =>
      `${a.label}は${a.ranges.map((r) => `${r.unitJa}の場合は${r.min}から${r.max}`).join('、')}の範囲で指定して下さい。`,
  ),
  tempFromAboveTo: entry<{ from: number; to: number }>(
    'cross',
    (a) => `must not be above tempValueRangeTo (${a.from} > ${a.to})`,
    () => '体温の範囲（下限）は上限以下で指定して下さい。',
  ),
  timeFromAfterTo: entry<Record<never, never>>(
    'cross',
    () => 'must not be after time_to',
    () => '開始時刻は終了時刻以前で指定して下さい。',
  ),
  windowTooLong: entry<Record<never, never>>(
    'cross',
    () => 'must be at most 24 hours after time_from',
    () => '検索期間は24時間以内で指定して下さい。',
  ),

  // Rules the emulator checks itself (outside a parameter type)
  notIpAddress: entry<{ label: string }>(
    'format',
    () => 'must be an IP address or CIDR range',
    (a) => `${a.label}はIPアドレスの形式で指定して下さい。`,
  ),
  /** A whole request or a value whose form is wrong, named by `label` (`リクエスト`, `コールバック関数名（callback）`). */
  malformed: entry<{ label: string }>(
    'format',
    () => 'is malformed',
    (a) => `${a.label}の形式が正しくありません。`,
  ),
} as const;

export type MessageCode = keyof typeof MESSAGES;
/** The arguments the wording of `C` takes. */
export type MessageArgs<C extends MessageCode> = Parameters<(typeof MESSAGES)[C]['en']>[0];

/** The issue `code` raises for the parameter `name`: kind, English and Japanese text from the catalogue. */
export function issue<C extends MessageCode>(name: string, code: C, args: MessageArgs<C>): ParamIssue {
  const e = MESSAGES[code] as Entry<MessageArgs<C>>;
  return { name, code: e.kind, message: e.en(args), messageJa: e.ja(args) };
}

/** The Japanese text of `code` alone (the emulator's answers outside `validateWire`). */
export function messageJa<C extends MessageCode>(code: C, args: MessageArgs<C>): string {
  return (MESSAGES[code] as Entry<MessageArgs<C>>).ja(args);
}

/** A value the cloud replaces by a documented fallback: the English message says what the device shows. */
export function withFallback(i: ParamIssue, meaning: string): ParamIssue {
  return { ...i, message: `${i.message}; the cloud accepts it and the device shows ${meaning}` };
}
