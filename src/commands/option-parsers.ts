/**
 * The value parsers commander options share, written once: repeatable flags and whole numbers in a
 * range. Each throws commander's `InvalidArgumentError`, which the CLI reports as exit 2 naming the flag.
 */
import { InvalidArgumentError } from 'commander';

/** A repeatable flag: every value, in order (`--serial A --serial B` → ['A', 'B']). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A repeatable flag whose values may also be comma-separated (`--serials A,B --serials C`), blanks dropped. */
export function collectCommaList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** A repeatable `key=value` flag (`api --field`); a value without `=` is refused. */
export function collectKeyValue(value: string, previous: string[] | undefined): string[] {
  if (!value.includes('=')) throw new InvalidArgumentError(`expected key=value (got '${value}')`);
  return [...(previous ?? []), value];
}

/**
 * A whole number from `min` to `max` inclusive (digits only: no sign, no decimals). `what` (the flag)
 * starts the message when given, as commander does not always name the flag.
 */
export function intIn(min: number, max: number, what?: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${what ? `${what} ` : ''}must be a whole number from ${min} to ${max} (got '${value}')`,
      );
    }
    return n;
  };
}

/** A whole number ≥ 0 (`--retries`). */
export function nonNegativeInt(what: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`${what} must be a whole number (got '${value}')`);
    return Number(value);
  };
}

/** A whole number ≥ 1 (`--limit`). */
export function positiveInt(what: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < 1)
      throw new InvalidArgumentError(`${what} must be a whole number above 0 (got '${value}')`);
    return Number(value);
  };
}

/** A number above 0, decimals allowed (`--timeout 2.5`). `unit` names it in the message. */
export function positiveNumber(_what: string, unit: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`must be ${unit} above 0 (got '${value}')`);
    return n;
  };
}

/** A TCP port, 0–65535 (0: any free port). */
export const port = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535)
    throw new InvalidArgumentError(`must be a port number 0–65535 (got '${value}')`);
  return n;
};

/**
 * A path flag's value (`--state <file>`, `--pictures <dir>`): refused when empty or blank, as an
 * unset variable in a cron line gives (`--state "$STATE"`): an export would silently stop being
 * incremental, a journal or report would silently not be written.
 */
export function pathValue(flag: string) {
  return (value: string): string => {
    if (value.trim() === '') {
      throw new InvalidArgumentError(`${flag} is empty (an unset variable in a script?): give a path`);
    }
    return value;
  };
}

/** `--out`'s value: a path (pathValue), or `-` for stdout, the same as leaving `--out` out. */
export function outValue(flag: string) {
  const path = pathValue(flag);
  return (value: string): string | undefined => (value === '-' ? undefined : path(value));
}

/** The parser a declared flag gets from its placeholder when it has none: path flags (`<file>`, `<dir>`). */
export function placeholderParser(flags: string): ((value: string) => unknown) | undefined {
  const m = /(--[a-z0-9-]+)\s+<(file|dir)>/.exec(flags);
  if (!m) return undefined;
  return m[1] === '--out' ? outValue(m[1]) : pathValue(m[1]);
}
