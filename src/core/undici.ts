/**
 * The parts of undici the client uses: `Agent`, `ProxyAgent` and the request API they share
 * (`dispatcher.request`, and `connect`, which `ProxyAgent` uses for its CONNECT tunnel).
 *
 * Why not `import('undici')`: undici's index loads all of undici (fetch, WebSocket, cookies, mocks,
 * caches, about 110 files), and its cookie module reads `globalThis.Headers`, which makes Node compile
 * its own bundled copy of undici as well. For a one-call command that was most of its start-up
 * (BENCHMARKS.md, "Stop 17"). These four files are what the index itself does for the same three
 * names (`Object.assign(Dispatcher.prototype, api)`, then the classes); the version is pinned in
 * package.json, and `test/core/undici.test.ts` checks that they are the very classes the index exports.
 */
import type { Agent as AgentClass, ProxyAgent as ProxyAgentClass } from 'undici';

export interface UndiciParts {
  Agent: typeof AgentClass;
  ProxyAgent: typeof ProxyAgentClass;
}

let loaded: Promise<UndiciParts> | undefined;

/** Loads the parts once per process (later calls get the same promise). */
export function loadUndici(): Promise<UndiciParts> {
  loaded ??= Promise.all([
    import('undici/lib/dispatcher/dispatcher.js'),
    import('undici/lib/api/index.js'),
    import('undici/lib/dispatcher/agent.js'),
    import('undici/lib/dispatcher/proxy-agent.js'),
  ]).then(([dispatcher, api, agent, proxyAgent]) => {
    Object.assign(dispatcher.default.prototype, api.default);
    return { Agent: agent.default, ProxyAgent: proxyAgent.default };
  });
  return loaded;
}
