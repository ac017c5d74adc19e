/**
 * The part of the facetCloud client the export workflows use, written structurally so the
 * workflows depend on behaviour, not on the client's construction (and tests can hand in a fake to
 * reach states the emulator cannot produce).
 */

import type { WireParams } from '../../core/params.js';
import type { EndpointDef } from '../../registry/index.js';

export interface ExportClient {
  // biome-ignore lint/suspicious/noExplicitAny: API answers are free-form JSON (docs/contracts.md)
  json<T = any>(ep: EndpointDef, wire: WireParams, opts?: { signal?: AbortSignal }): Promise<T>;
  call(
    ep: EndpointDef,
    wire: WireParams,
    opts?: { signal?: AbortSignal },
  ): Promise<
    // biome-ignore lint/suspicious/noExplicitAny: API answers are free-form JSON (docs/contracts.md)
    | { kind: 'json'; status: number; body: any }
    | { kind: 'binary'; status: number; contentType: string; bytes: number; data?: Buffer }
  >;
  fetchPicture(
    url: string,
    cookie: Record<string, string>,
    opts?: { signal?: AbortSignal },
  ): Promise<{ status: number; body: Buffer }>;
}

export { endpoint } from '../../registry/index.js';
