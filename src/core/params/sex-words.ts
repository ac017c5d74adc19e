/**
 * The words a spreadsheet may hold for the sex column (registPersonForCloud's `sex`: male / female),
 * lower-cased: read by the enum coercion (types.ts) and named in its refusal (checks.ts).
 */
export const SEX_WORDS: Readonly<Record<string, 'male' | 'female'>> = {
  male: 'male',
  m: 'male',
  男: 'male',
  男性: 'male',
  female: 'female',
  f: 'female',
  女: 'female',
  女性: 'female',
};

/** Whether an enum's values are the two sexes (the words above then apply). */
export function isSexEnum(values: readonly (string | number)[] | undefined): boolean {
  return values?.includes('male') === true && values.includes('female');
}
