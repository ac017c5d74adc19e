/**
 * The endpoint registry: every endpoint of both APIs as data. The CLI, the client and the emulator
 * all derive their behaviour from these entries.
 */

import { configEndpoints } from './config.js';
import { configKeys, defaultConfig } from './config-keys.js';
import { deviceEndpoints } from './device.js';
import { logEndpoints } from './log.js';
import { personEndpoints } from './person.js';
import { senselinkEndpoints } from './senselink.js';
import { systemEndpoints } from './system.js';
import { toolEndpoints } from './tool.js';
import type { ApiName, EndpointDef } from './types.js';

export type { ConfigKey } from './config-keys.js';
export { TEMP_RANGES_BY_UNIT } from './config-keys.js';
export { type GroupDef, groups } from './groups.js';
export * from './types.js';
export { configKeys, defaultConfig };

export const endpoints = Object.freeze([
  ...deviceEndpoints,
  ...logEndpoints,
  ...personEndpoints,
  ...configEndpoints,
  ...systemEndpoints,
  ...toolEndpoints,
  ...senselinkEndpoints,
]);

/** Every endpoint's id, `group.action` (`'person.toDevice'`), checked at compile time. */
export type EndpointId = (typeof endpoints)[number]['id'];

const byId = new Map<string, EndpointDef>(endpoints.map((ep) => [ep.id, ep]));

/** The entry of a known endpoint: `endpoint('person.toDevice')` (a typo does not compile). */
export function endpoint(id: EndpointId): EndpointDef {
  return byId.get(id) as EndpointDef;
}

/** The entry for an id read at run time (a user's input, a journal), or undefined. */
export function endpointById(id: string): EndpointDef | undefined {
  return byId.get(id);
}

function normaliseWords(word: string): string {
  return word.trim().replace(/\s+/g, ' ');
}

/** Matches the kebab command words (`'recog list'`) or the API action (`'getRecogLog'`) within a group. */
export function findEndpoint(group: string, word: string): EndpointDef | undefined {
  const w = normaliseWords(word);
  return endpoints.find(
    (ep) =>
      ep.group === group &&
      (ep.command.join(' ') === w || ep.action === w || ep.action.toLowerCase() === w.toLowerCase()),
  );
}

const facetByPath = new Map(endpoints.filter((ep) => ep.api === 'facetcloud').map((ep) => [ep.path, ep]));

/** Turns `/api/v1/plus/image/{image_id}` into a matcher for concrete paths. */
function templateMatcher(template: string): RegExp {
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('([^/]+)');
  return new RegExp(`^${pattern}$`);
}

/**
 * The `{name}` segments of a concrete path that matches `ep.path` (`/api/v1/plus/image/{image_id}` and
 * `/api/v1/plus/image/abc` → `{ image_id: 'abc' }`), percent-decoded. Undefined when the path does not
 * match, or when a segment holds a malformed percent-escape (`%E0%A4%A`), which names nothing.
 */
export function pathParamsOf(ep: EndpointDef, path: string): Record<string, string> | undefined {
  const m = templateMatcher(ep.path).exec(path.split('?')[0]);
  if (!m) return undefined;
  const names = [...ep.path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]);
  const out: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) {
    try {
      out[names[i]] = decodeURIComponent(m[i + 1]);
    } catch {
      return undefined;
    }
  }
  return out;
}

const senselinkMatchers = endpoints
  .filter((ep) => ep.api === 'senselink')
  .map((ep) => ({ ep, re: templateMatcher(ep.path) }));

/**
 * The endpoint a request path belongs to. facetCloud paths are taken below the base URL
 * (`/person/toDevice`; a leading `/api1` is stripped); SenseLink templates match concrete paths.
 * SenseLink's GET and POST record share a path, so the GET one is returned for it only when `method` says so.
 */
export function endpointForPath(api: ApiName, path: string, method?: 'GET' | 'POST'): EndpointDef | undefined {
  const clean = path.split('?')[0];
  if (api === 'facetcloud') {
    return facetByPath.get(clean.startsWith('/api1/') ? clean.slice(5) : clean);
  }
  const matches = senselinkMatchers.filter((m) => m.re.test(clean)).map((m) => m.ep);
  if (method) return matches.find((ep) => ep.methods.includes(method));
  return matches[0];
}
