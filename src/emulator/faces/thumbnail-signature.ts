/** The basic mode's signature: a 16×16 greyscale thumbnail normalised to zero mean and unit variance. */

export const SIGNATURE_SIDE = 16;

export function normalisedSignature(grey: Buffer): number[] {
  const values = Array.from(grey);
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  // A flat picture has no structure to compare: an all-zero signature correlates with nothing.
  if (sd < 1e-9) return values.map(() => 0);
  return values.map((v) => Math.round(((v - mean) / sd) * 1e4) / 1e4);
}

/** Pearson correlation of two normalised signatures (−1…1); 0 when they cannot be compared. */
export function signatureCorrelation(a: number[], b: number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum / a.length;
}
