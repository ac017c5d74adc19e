/**
 * facetctl as a library: the emulator for your own CI, the client, the registry, and the CLI's
 * `run` (for embedding or testing with your own Context).
 */
export { run } from './commands/index.js';
export { type CallAnswer, type ClientConfig, createClient, type FacetClient } from './core/client.js';
export type { Context } from './core/context.js';
export * from './core/errors.js';
export type { ProcessProbe } from './core/safe-file.js';
export { type EmulatorHandle, type EmulatorOptions, startEmulator } from './emulator/index.js';
export {
  type EndpointDef,
  type EndpointId,
  endpoint,
  endpointById,
  endpoints,
  findEndpoint,
} from './registry/index.js';
