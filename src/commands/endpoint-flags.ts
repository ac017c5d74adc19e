/**
 * Registry parameters → command-line flags, and flags → coerceParams input. The help text of each
 * flag states its documented limits, so `--help` and the validation cannot disagree.
 */
import { resolve } from 'node:path';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { readInputFile } from '../core/input-file.js';
import { paramType } from '../core/params/index.js';
import type { EndpointDef, FamilyDef, ParamDef } from '../registry/index.js';
import { RESERVED_FLAG_NAMES } from './global-flags.js';

export type FlagSpec =
  | {
      kind: 'param';
      flag: string;
      wire: string;
      def: ParamDef;
      /** `--serial` on a multi-device endpoint. */
      repeatable: boolean;
      /** The endpoint's device parameter: collected even when single, so a repeat is refused, not dropped. */
      device: boolean;
      /** base64 parameters are given as a file path; the file's bytes are sent. */
      file: boolean;
    }
  | { kind: 'family'; flag: string; family: FamilyDef }
  /** Parameters declared as parts of one flag (`ParamDef.cli.part`): `--rect top,left,width,height`. */
  | { kind: 'composite'; flag: string; description: string; wires: readonly string[]; defs: readonly ParamDef[] };

export function kebab(name: string): string {
  return name
    .replace(/[._]+/g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

export function flagNameOf(ep: EndpointDef, wire: string, def: ParamDef): string {
  if (def.cli?.flag) return def.cli.flag;
  if (ep.paging && wire === ep.paging.pageParam) return 'page';
  if (def.type === 'base64' && wire.endsWith('.data')) return kebab(wire.slice(0, -'.data'.length));
  const name = kebab(wire);
  return RESERVED_FLAG_NAMES.has(name) ? `param-${name}` : name;
}

/** A list's filters (registry `filter: true`) as flags, for the export of that list. */
export interface FilterFlag {
  wire: string;
  /** Flag name without `--`, the same as the list command's. */
  flag: string;
  def: ParamDef;
}

export function filterFlagsOf(ep: EndpointDef): FilterFlag[] {
  return Object.entries(ep.params)
    .filter(([, def]) => def.filter === true)
    .map(([wire, def]) => ({ wire, flag: flagNameOf(ep, wire, def), def }));
}

/** The flags of an endpoint, in the registry's order (a composite flag where its first part is). */
export function flagSpecsOf(ep: EndpointDef): FlagSpec[] {
  const specs: FlagSpec[] = [];
  const composites = new Map<
    string,
    { kind: 'composite'; flag: string; description: string; wires: string[]; defs: ParamDef[] }
  >();
  for (const [wire, def] of Object.entries(ep.params)) {
    if (def.cli?.hidden) continue;
    const part = def.cli?.part;
    if (part) {
      let spec = composites.get(part.flag);
      if (!spec) {
        spec = { kind: 'composite', flag: part.flag, description: part.description, wires: [], defs: [] };
        composites.set(part.flag, spec);
        specs.push(spec);
      }
      spec.wires.push(wire);
      spec.defs.push(def);
      continue;
    }
    specs.push({
      kind: 'param',
      flag: flagNameOf(ep, wire, def),
      wire,
      def,
      repeatable: wire === ep.deviceParam && ep.multiDevice === true,
      device: wire === ep.deviceParam,
      file: paramType(def.type).file,
    });
  }
  for (const family of ep.families ?? []) specs.push({ kind: 'family', flag: family.name, family });
  return specs;
}

/** `top,left,width,height`: the last word of each part's wire name, in order. */
function compositeFields(spec: { wires: readonly string[] }): string {
  return spec.wires.map((w) => w.split('.').pop()).join(',');
}

/** commander's attribute name for a flag (`person-code` → `personCode`). */
export function attributeOf(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `--person-code <text>`, `--latest [0|1]`, `--access <FLAG,FROM,TO...>`. */
export function flagSyntax(spec: FlagSpec): string {
  if (spec.kind === 'family') return `--${spec.flag} <${spec.family.cliFormat}>`;
  if (spec.kind === 'composite') return `--${spec.flag} <${compositeFields(spec)}>`;
  if (spec.def.type === 'flag') return `--${spec.flag} [0|1]`;
  if (spec.flag === 'serial' || spec.flag === 'sn') return `--${spec.flag} <serial>`;
  return `--${spec.flag} <${paramType(spec.def.type).placeholder}>`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n} bytes`;
}

/** A help text that states a default itself. */
const DEFAULT_WORD = /\bdefault\b/i;

/** The documented limits of one parameter, as words for `--help`. */
export function limitsOf(def: ParamDef): string[] {
  const out: string[] = [];
  const desc = def.description;
  if (def.required) out.push('required');
  const format = paramType(def.type).help;
  if (format && def.fallback) out.push(`${format}; anything else is accepted and shows ${def.fallback.meaning}`);
  else if (format) out.push(format);
  if (def.rangeEnd) out.push('a date alone means through that day (23:59:59)');
  if (def.min !== undefined && def.max !== undefined) {
    const range = `${def.min}–${def.max}`;
    if (!desc.includes(range)) out.push(range);
  } else if (def.min !== undefined) out.push(`≥ ${def.min}`);
  else if (def.max !== undefined) out.push(`≤ ${def.max}`);
  if (def.decimals !== undefined) out.push(`at most ${def.decimals} decimal${def.decimals === 1 ? '' : 's'}`);
  if (def.minLength !== undefined && def.maxLength !== undefined)
    out.push(`${def.minLength}–${def.maxLength} characters`);
  else if (def.maxLength !== undefined && !desc.includes(`${def.maxLength} characters`)) {
    out.push(`≤ ${def.maxLength} characters`);
  } else if (def.minLength !== undefined) out.push(`≥ ${def.minLength} characters`);
  if (def.values?.length) {
    const list = def.values.join(' / ');
    if (!desc.includes(list)) out.push(`one of ${def.values.join(', ')}`);
  }
  if (def.type === 'base64') {
    const what = { jpeg: 'JPEG', png: 'PNG', 'jpeg-or-png': 'JPEG or PNG', binary: 'any' }[def.content ?? 'binary'];
    out.push(`${what} file path ('-' reads stdin)`);
    if (def.maxBytes !== undefined) out.push(`≤ ${formatBytes(def.maxBytes)} after base64`);
  }
  if (def.type === 'json' && def.maxBytes !== undefined) out.push(`≤ ${formatBytes(def.maxBytes)}`);
  if (def.maxItems !== undefined) out.push(`at most ${def.maxItems} ids, comma-separated`);
  // A description that already states its default (`(default 1)`) is not followed by it twice.
  if (def.default !== undefined && !DEFAULT_WORD.test(desc)) out.push(`default ${def.default}`);
  return out;
}

export function flagHelp(spec: FlagSpec, ep: EndpointDef): string {
  if (spec.kind === 'family') {
    const f = spec.family;
    const rules: string[] = [`repeatable, at most ${f.max}`];
    if (f.interval?.min && f.interval.max) rules.push(`inside ${f.interval.min} – ${f.interval.max}`);
    if (f.interval?.noOverlap) rules.push('no overlaps');
    const fields = f.fields.map((m) => `${m.name}: ${m.def.description}`).join('; ');
    return `${f.description} (${fields}) [${rules.join('; ')}]`;
  }
  if (spec.kind === 'composite') {
    const required = spec.defs.some((d) => d.required) ? 'required; ' : '';
    return `${spec.description} [${required}${spec.wires.length} values: ${compositeFields(spec)}]`;
  }
  const limits = limitsOf(spec.def);
  if (spec.repeatable) limits.unshift('repeatable: one call per device');
  return limits.length ? `${spec.def.description} [${limits.join('; ')}]` : spec.def.description;
}

/** Maps a parameter name from a ParamIssue or an API error back to the flag the user typed. */
export function flagMapper(ep: EndpointDef, specs: readonly FlagSpec[]): (name: string) => string {
  const byWire = new Map<string, string>();
  for (const s of specs) {
    if (s.kind === 'param') byWire.set(s.wire, `--${s.flag}`);
    else if (s.kind === 'composite') for (const w of s.wires) byWire.set(w, `--${s.flag}`);
    else byWire.set(s.family.name, `--${s.flag}`);
  }
  const one = (name: string): string => {
    const direct = byWire.get(name);
    if (direct) return direct;
    const m = /^(.+)_(\d+)$/.exec(name);
    if (m) {
      const family = ep.families?.find((f) => f.name === m[1] || f.fields.some((x) => x.name === m[1]));
      if (family) return `--${family.name} (entry ${m[2]})`;
    }
    return name;
  };
  // "one of" issues name their alternatives as 'picture|recogLogSerialNo+recogLogId'.
  return (name) =>
    /[|+]/.test(name)
      ? name
          .split('|')
          .map((alt) => alt.split('+').map(one).join(' + '))
          .join(' | ')
      : one(name);
}

async function readStdin(ctx: Context): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of ctx.io.stdin) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

async function readFileFlag(ctx: Context, flag: string, path: string, stdinTaken?: string): Promise<Buffer> {
  if (path === '-') {
    if (stdinTaken) {
      throw new UsageError(
        `--${flag} -: standard input already carries ${stdinTaken}; give the file by name (or the token in FACETCTL_TOKEN or a profile)`,
      );
    }
    const bytes = await readStdin(ctx);
    if (bytes.length === 0) throw new UsageError(`--${flag}: standard input was empty`);
    return bytes;
  }
  return readInputFile(resolve(ctx.cwd, path), `--${flag}`, path);
}

/** A single-device command given `--serial` twice would silently answer for the last one only. */
function singleDevice(flag: string, values: unknown[]): unknown {
  const distinct = new Set(values.map(String));
  if (distinct.size > 1) {
    throw new UsageError(
      `--${flag}: this command takes one device (given ${distinct.size}); commands that accept several say "repeatable" in --help`,
    );
  }
  return values[values.length - 1];
}

/**
 * Parsed commander options → the input coerceParams takes (wire names, family names, Buffers).
 * Files are read here; a missing file is a usage error naming the flag.
 */
export async function inputFromFlags(
  ctx: Context,
  specs: readonly FlagSpec[],
  opts: Record<string, unknown>,
  /** What standard input is already read for (`the token (--token-stdin)`): a file flag `-` is then refused. */
  stdinTaken?: string,
): Promise<Record<string, unknown>> {
  const input: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = opts[attributeOf(spec.flag)];
    if (value === undefined) continue;
    if (spec.kind === 'family') {
      input[spec.family.name] = value;
    } else if (spec.kind === 'composite') {
      const parts = String(value).split(',');
      if (parts.length !== spec.wires.length) {
        throw new UsageError(`--${spec.flag}: give ${spec.wires.length} values as ${compositeFields(spec)}`);
      }
      spec.wires.forEach((w, i) => {
        input[w] = parts[i].trim();
      });
    } else if (spec.device && !spec.repeatable && Array.isArray(value)) {
      input[spec.wire] = singleDevice(spec.flag, value);
    } else if (spec.file) {
      input[spec.wire] = await readFileFlag(ctx, spec.flag, String(value), stdinTaken);
    } else {
      input[spec.wire] = value === true ? '1' : value;
    }
  }
  return input;
}
