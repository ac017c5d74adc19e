/** Short polling for tests: no fixed sleeps, the test's own timeout bounds the wait. */

/** Calls `probe` every 10 ms until it returns something other than `undefined`, and returns that. */
export async function until<T>(probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}
