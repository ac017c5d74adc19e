/**
 * The shape of the endpoint registry: data only, no behaviour.
 *
 * Every fact the documents give about an endpoint lives in one `EndpointDef`. The CLI (flags, help,
 * completions), the client (method choice, retries, timeouts, answer handling) and the emulator
 * (routing, request validation, exclusive control) are all derived from it, so a limit is written once.
 */

export type ApiName = 'facetcloud' | 'senselink';
export type Group = 'device' | 'log' | 'person' | 'config' | 'system' | 'tool' | 'senselink';
export type HttpMethod = 'GET' | 'POST';

/**
 * Parameter types. Coercion (CLI/CSV strings → wire strings) and validation are implemented once in
 * `src/core/params/`.
 * - string: free text (maxLength/minLength/pattern apply)
 * - int / number: decimal numbers (min/max/decimals/values apply)
 * - flag: the documents' 0/1 "真偽値"; the CLI also accepts true/false/yes/no
 * - enum: one of `values` (strings or numbers)
 * - datetime: `YYYY/MM/DD HH:MI:SS` on the wire; the CLI also accepts ISO 8601 and relative forms
 * - date: `YYYY/MM/DD` on the wire; the CLI also accepts `YYYY-MM-DD`
 * - iso8601: SenseLink's `2022-12-11T00:00:00+09:00` on the wire
 * - unixSeconds: a Unix timestamp in whole seconds on the wire (SenseLink `timestamp`); the CLI also
 *   accepts the date-time forms; a value that can only be milliseconds is refused
 * - base64: file content, base64-encoded on the wire; the CLI takes a file path (see `content`)
 * - idList: comma-separated positive integers (at most `maxItems`)
 * - rgba: "R,G,B,A", each 0–255
 * - cardNo: hex ≤16 digits, or decimal ≤20 digits and ≤ 18446744073709551615
 * - json: a JSON text (SenseLink `extend`), `maxBytes` applies to its UTF-8 length
 */
export type ParamType =
  | 'string'
  | 'int'
  | 'number'
  | 'flag'
  | 'enum'
  | 'datetime'
  | 'date'
  | 'iso8601'
  | 'unixSeconds'
  | 'base64'
  | 'idList'
  | 'rgba'
  | 'cardNo'
  | 'json';

export interface ParamDef {
  type: ParamType;
  /** English help line, shown in `--help`. */
  description: string;
  /** The document's Japanese name of the field (項目の概要), used in the emulator's Japanese messages. */
  label: string;
  required?: boolean;
  /** Inclusive numeric range. */
  min?: number;
  max?: number;
  /** Maximum digits after the decimal point (e.g. 1 for temperatures). */
  decimals?: number;
  minLength?: number;
  /** Maximum length in characters (Unicode code points). */
  maxLength?: number;
  /** Allowed values for `enum` (and an allowed set for numbers such as recogWorkstateTime). */
  values?: readonly (string | number)[];
  /** For `base64`: maximum length of the base64 text in bytes (the documents' "Base64 エンコード後 5MB"). */
  maxBytes?: number;
  /** For `base64`: what the decoded bytes must be. */
  content?: 'jpeg' | 'png' | 'jpeg-or-png' | 'binary';
  /** For `idList`: maximum number of ids. */
  maxItems?: number;
  /** Default applied by the API when the parameter is absent (documentation and emulator). */
  default?: string | number;
  /** Where the parameter travels: query/form (default), a `{name}` path segment, or a JSON body field. */
  in?: 'query' | 'path' | 'body';
  /**
   * For date-time types: the end of a range, "at or before" (recogTimeTo). A day typed without a time
   * (`2024/05/31`, `today`) then means its last second, 23:59:59, not its midnight (core/dates.ts).
   */
  rangeEnd?: true;
  /**
   * For date-time types: the moment something happened and was recorded (SenseLink's 画像記録時間), not a
   * search bound. `now` and relative forms (`-5m`) then count from the start of the current second
   * (floored), so the value sent is never in the future; a bound's `now` is the end of the second.
   */
  recorded?: true;
  /**
   * What the cloud uses instead of a malformed value, where the document says so (displayMessage's
   * colours: 「正しく入力ができていない場合は、文字色は黒字、背景色は透明となります」). Such a value is not
   * refused: the emulator substitutes `value`; the CLI warns with `meaning` and sends it.
   */
  fallback?: { value: string; meaning: string };
  /**
   * Another name the document uses for the parameter `aliasOf` (registPushUrl's `push_url`). The
   * emulator reads it as that parameter when the parameter itself is absent.
   */
  aliasOf?: string;
  /**
   * CLI overrides: the flag name (without --) when the wire name would read badly or collide with a
   * global flag (`serialNo` → `--serial`, `version` → `--firmware-version`); hide from help; or `part`:
   * the parameter is one of several given together as one comma-separated flag, in the order the
   * parts are declared (SenseLink's `image.rectangle.*` as `--rect top,left,width,height`).
   */
  cli?: { flag?: string; hidden?: boolean; part?: CompositeFlag };
  /**
   * Narrows the rows of a list without changing their paging (getRecogLog `personCode`): the
   * export of that list (`log recog export`) takes it as a flag too and sends it with every page.
   */
  filter?: boolean;
}

/** One CLI flag that carries several parameters as comma-separated values (see `ParamDef.cli.part`). */
export interface CompositeFlag {
  flag: string;
  /** The help line of the flag. */
  description: string;
}

/**
 * An indexed family such as `accessFlag_N`/`accessTimeFrom_N`/`accessTimeTo_N` (N = 1…max).
 * Wire names are `${field}_${N}`. The CLI exposes the family as one repeatable flag whose value is
 * the members joined by commas in `fields` order, e.g. `--access '1,2021/05/03 10:00:00,2021/05/04 10:00:00'`.
 */
export interface FamilyDef {
  /** Family name, also the CLI flag (`--access`, `--card`). */
  name: string;
  description: string;
  /** Largest N. What happens past it is `beyondMax`. */
  max: number;
  /**
   * Entries past `max`, both sides' facts in one place so they cannot drift: what the cloud does (the
   * document's 「N 件目以降は指定しても無視されます」: ignored) and what facetctl's CLI and importer do
   * (refuse, with `reason` in the message, so a dropped entry is never a silent surprise).
   */
  beyondMax: { cloud: 'ignored'; facetctl: 'refused'; document: string; reason: string };
  /** Member fields in CLI order. The first is the key: when it is present the others are required. */
  fields: readonly { name: string; def: ParamDef }[];
  /** Interval rule between two members: from ≤ to, inside [min, max], and (optionally) no overlaps. */
  interval?: {
    from: string;
    to: string;
    min?: string;
    max?: string;
    noOverlap?: boolean;
  };
  /** Placeholder shown in help, e.g. 'FLAG,FROM,TO'. */
  cliFormat: string;
}

/** Named cross-field rules implemented in `src/core/params/cross-rules.ts` (kept as data here). */
export type CrossRule =
  /**
   * tempValueRangeFrom/To in the range of the unit in effect (`TEMP_RANGES_BY_UNIT` in config-keys.ts:
   * 34.0–42.0 when tempUnit=0, 93.2–107.6 when tempUnit=1): the tempUnit sent, else the device's
   * (the emulator), else (the CLI) in one of the two ranges.
   */
  | 'tempRangeByUnit'
  /** SenseLink GET record: time_from ≤ time_to and at most 24 hours apart. */
  | 'window24h';

export interface PagingDef {
  /** Page parameter name (`pageNo` for facetCloud, `page` for SenseLink). */
  pageParam: string;
  /** Page size parameter name, when the caller can choose (SenseLink `size`). */
  sizeParam?: string;
  /** Rows per page (facetCloud: 100; SenseLink default 20, max 100). */
  pageSize: number;
  /** Where the rows are in the answer, as a dotted path (`list`, `data.list`). */
  listPath: string;
  /** Where the page count / total is (`pages`, `data.total`). */
  pagesPath?: string;
  totalPath?: string;
  /**
   * The field that tells rows apart (`id`, `personCode`, `record_id`), for `--all` to drop rows that
   * pages shifted while they were read. Rows without it (or with it null) are told apart by their
   * whole content.
   */
  keyPath?: string;
}

export interface EndpointDef {
  /** `${group}.${action}`, unique. */
  id: string;
  api: ApiName;
  group: Group;
  /** The document's name for the endpoint (the last path segment, e.g. `toDevice`, `getRecogLog`). */
  action: string;
  /** CLI words under the group, e.g. ['to-device'], ['recog', 'list'], ['access-times', 'set']. */
  command: readonly string[];
  /** Path below the base URL (`/person/toDevice`) or SenseLink's absolute path (`/api/v1/plus/record`). */
  path: string;
  /** Documented methods; POST-only endpoints list only POST. GET is preferred when allowed. */
  methods: readonly HttpMethod[];
  /** English one-line summary. */
  summary: string;
  /** The document's own title (Japanese). */
  summaryJa: string;
  /** 排他制御: one request per serialNo at a time; a concurrent one gets 400 `exclusion`. */
  exclusive: boolean;
  /** The cloud talks to the device to answer (latency, 503 when offline). */
  contactsDevice: boolean;
  /** Supported on AI cameras (only meaningful when contactsDevice). */
  aiCamera: boolean;
  /** Safe to retry after a transient failure (idempotent, no physical side effect). */
  repeatable: boolean;
  /**
   * The call changes state (in the cloud, on a device, or physically: a reboot, a door). Such a
   * command takes `--dry-run`: it validates, prints the request it would send and sends nothing.
   * Required in every entry (no default), so a new endpoint cannot forget to say.
   */
  changesState: boolean;
  /** Needs confirmation on a terminal and `--yes` otherwise. */
  destructive?: boolean;
  /** Name of the parameter that identifies the device (`serialNo`; SenseLink `sn`). */
  deviceParam?: string;
  /** The CLI accepts `--serial` repeatedly and calls once per device. */
  multiDevice?: boolean;
  params: Readonly<Record<string, ParamDef>>;
  families?: readonly FamilyDef[];
  /**
   * "△" groups: at least one alternative must be fully present. Each alternative is a set of
   * parameter names that must all be given, e.g. [['picture'], ['recogLogSerialNo', 'recogLogId']].
   */
  oneOf?: readonly (readonly (readonly string[])[])[];
  crossRules?: readonly CrossRule[];
  /**
   * Parameters the cloud ignores when another one has a value (getRecogLog's `latest=1` ignores
   * recogTimeFrom/recogTimeTo/personCode/pageNo): the emulator drops them before validating.
   */
  ignoredWhen?: readonly { param: string; value: string; ignores: readonly string[]; document: string }[];
  /** For senselink POST record: body is JSON; facetCloud uses query (GET) or form (POST). */
  bodyEncoding?: 'form' | 'json';
  answer: 'json' | 'binary' | 'javascript';
  /** For binary answers: what the bytes are. Binary endpoints may also answer JSON `{result:false}`. */
  binaryType?: 'image/jpeg' | 'image/png' | 'application/octet-stream';
  paging?: PagingDef;
  /**
   * The API acts on at most `perCall` matching items a call and answers how many it did of how many
   * matched (deleteRecogLog: 最大で 100 件, `deleted` of `total`): the rest need further calls.
   */
  batch?: { perCall: number; doneField: string; totalField: string; verb: string };
  /** Extra seconds the device may take, read from a parameter (capturePersonPicture `getCount`). */
  waitParam?: { name: string; defaultSeconds: number };
  /** The documents say the endpoint is currently unavailable (importConfig). */
  unavailable?: boolean;
  /** Not a JSON API (setPictureCookie.js): no token needed. */
  public?: boolean;
  /** One CLI example, without the leading `facetctl`. */
  example: string;
  /**
   * A repeatable `--FLAG key=value` that takes any of the endpoint's parameters by its API name, for
   * scripts that hold values as data (setConfig's `--set deviceAudioVolume=60`).
   */
  keyValueFlag?: string;
}
