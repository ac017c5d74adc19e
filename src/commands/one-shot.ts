/**
 * Which runs are one-shot: every command but the long-running ones makes a call or two and exits.
 * src/cli.ts gives those Node's own HTTP client for start-up (Context.httpEngine); the in-process test
 * helper (test/helpers/cli.ts) asks the same question, so tests run the engine real runs use.
 */
import type { HttpEngine } from '../core/http.js';

/**
 * Words of the long-running commands (bulk import, exports, the emulator, the push receiver, the
 * demo, watching). Their benchmarks are undici's; they keep it.
 */
const LONG_RUNNING: ReadonlySet<string> = new Set([
  'import',
  'export',
  'server',
  'listen',
  'demo',
  'tail',
  'stats',
  '--watch',
]);

/** True when `argv` (the words after `facetctl`) names no long-running command. */
export function isOneShot(argv: readonly string[]): boolean {
  return !argv.some((word) => LONG_RUNNING.has(word));
}

/**
 * The engine for direct API requests of a run (core/http.ts): `node` (node:http/https, ~150 ms less
 * start-up than undici's code, WebAssembly parser and Agent) for one-shot commands, `undici` for the
 * long-running ones. Proxied requests use undici's ProxyAgent either way.
 */
export function httpEngineFor(argv: readonly string[]): HttpEngine {
  return isOneShot(argv) ? 'node' : 'undici';
}
