/**
 * The part of the facetCloud client the export workflows use, written structurally so the
 * workflows depend on behaviour, not on the client's construction (and tests can hand in a fake to
 * reach states the emulator cannot produce).
 */

import type { FacetClient } from '../../core/client.js';

export type ExportClient = Pick<FacetClient, 'json' | 'call' | 'fetchPicture'>;

export { endpoint } from '../../registry/index.js';
