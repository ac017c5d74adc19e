/**
 * mulberry32: a small deterministic generator of numbers in [0, 1), for the emulator's injected faults
 * (`/_emulator/faults` with a `seed`) and the tests that must replay a run from its seed.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
