import type { Option } from 'commander';

/**
 * What a shell may offer after an option: fixed values (enums from the registry), files, or profile
 * names. Kept beside commander's Option rather than as `.choices()`, because the registry's values
 * also accept friendly forms (`--sex 女性`) that coerceParams converts and commander would refuse.
 */
export type CompletionValues = readonly string[] | 'file' | 'profile';

const meta = new WeakMap<Option, CompletionValues>();

export function setCompletionValues(opt: Option, values: CompletionValues): void {
  meta.set(opt, values);
}

export function completionValuesOf(opt: Option): CompletionValues | undefined {
  return meta.get(opt) ?? (opt.argChoices ? [...opt.argChoices] : undefined);
}
