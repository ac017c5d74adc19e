/**
 * Which proxy, if any, a request goes through: `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for http,
 * none for loopback hosts (the emulator, `npm run demo`, SSH tunnels: a corporate proxy cannot reach
 * them, and a plain-http token must never cross a proxy in clear) and none for hosts `NO_PROXY`
 * names. `NO_PROXY` is read in the forms curl and Go accept, comma- or space-separated:
 *
 * | entry | matches |
 * |---|---|
 * | `*` | every host |
 * | `example.com` | example.com and every subdomain (a.example.com) |
 * | `.example.com` / `*.example.com` | the same (a leading dot or `*.` is ignored, as curl does) |
 * | `example.com:8443` | those hosts on port 8443 only |
 * | `192.168.1.10`, `[::1]`, `::1` | that address (an IP matches only as an IP, never as a suffix) |
 * | `10.0.0.0/8`, `fd00::/8` | any address in the block (CIDR) |
 *
 * Names are compared without case and without a trailing dot. Only literal IPs in the URL match
 * IP and CIDR entries: no DNS lookup is made to decide.
 */
import { BlockList, isIP } from 'node:net';
import { UsageError } from './errors.js';

export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
  /**
   * The user's explicit opt-in (`FACETCTL_PROXY_PLAIN_HTTP=1`) to send the token over plain http
   * through `httpProxy`, which reads every header. Without it such a client is refused.
   */
  plainHttpThroughProxy?: boolean;
}

interface NoProxyRule {
  /** `*` */
  all?: boolean;
  /** A domain (matches itself and its subdomains) or an exact IP. */
  host?: string;
  ip?: boolean;
  cidr?: BlockList;
  port?: string;
}

function stripBrackets(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}

/** 127.0.0.0/8, ::1 (also IPv4-mapped) and localhost: this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = stripBrackets(hostname).toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) {
    if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    // new URL() writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
    return mapped?.[1].startsWith('127.') || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(host);
  }
  return false;
}

function parseRule(entry: string): NoProxyRule | undefined {
  let text = entry.trim().toLowerCase();
  if (!text) return undefined;
  if (text === '*') return { all: true };
  // CIDR: 10.0.0.0/8, fd00::/8
  const slash = text.indexOf('/');
  if (slash > 0) {
    const addr = stripBrackets(text.slice(0, slash));
    const bits = Number(text.slice(slash + 1));
    const family = isIP(addr);
    if (family === 0 || !Number.isInteger(bits)) return undefined;
    const list = new BlockList();
    try {
      list.addSubnet(addr, bits, family === 4 ? 'ipv4' : 'ipv6');
    } catch {
      return undefined;
    }
    return { cidr: list };
  }
  // Port: host:port, [v6]:port (a bare IPv6 address has several colons and no port).
  let port: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    text = bracketed[1];
    port = bracketed[2];
  } else if (isIP(text) !== 6) {
    const m = /^(.*):(\d+)$/.exec(text);
    if (m) {
      text = m[1];
      port = m[2];
    }
  }
  if (isIP(text)) return { host: text, ip: true, port };
  text = text.replace(/^\*?\.+/, '').replace(/\.$/, '');
  return text ? { host: text, port } : undefined;
}

/** `NO_PROXY`'s entries, parsed once per client. */
export function parseNoProxy(noProxy: string | undefined): NoProxyRule[] {
  return (noProxy ?? '')
    .split(/[,\s]+/)
    .map(parseRule)
    .filter((r): r is NoProxyRule => r !== undefined);
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/** true when `url` must not go through a proxy under these `NO_PROXY` rules. */
export function bypassesProxy(url: URL, rules: readonly NoProxyRule[]): boolean {
  const host = stripBrackets(url.hostname.toLowerCase()).replace(/\.$/, '');
  const port = url.port || defaultPort(url.protocol);
  const family = isIP(host);
  return rules.some((r) => {
    if (r.all) return true;
    if (r.cidr) return family !== 0 && r.cidr.check(host, family === 4 ? 'ipv4' : 'ipv6');
    if (r.port && r.port !== port) return false;
    if (r.ip) return family !== 0 && r.host === host;
    return family === 0 && (host === r.host || host.endsWith(`.${r.host}`));
  });
}

/**
 * The proxy that would read a plain-http request to `url` in clear (headers, the ds-api-token
 * included), as `host:port` without its credentials; undefined when `url` is https, goes direct
 * (loopback, `NO_PROXY`) or the user opted in (`plainHttpThroughProxy`).
 */
export function clearTextProxy(url: URL, settings: ProxySettings | undefined): string | undefined {
  if (url.protocol !== 'http:' || settings?.plainHttpThroughProxy) return undefined;
  const proxy = proxyFor(url, settings);
  if (!proxy) return undefined;
  try {
    return new URL(proxy).host || proxy;
  } catch {
    return 'the proxy';
  }
}

/** The port curl assumes for a proxy named without one. */
const CURL_PROXY_PORT = '1080';

/**
 * A proxy as curl reads it: `host:port` without a scheme means `http://host:port`, and a proxy
 * without a port is on 1080 (curl's `-x`/`HTTPS_PROXY` rule), not on its scheme's default.
 */
export function proxyUrl(value: string): string {
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  try {
    const u = new URL(withScheme);
    if (
      u.port === '' &&
      /^https?:$/.test(u.protocol) &&
      !/:\d+(\/|$)/.test(withScheme.replace(/^[^/]*\/\/[^@/]*@/, ''))
    ) {
      u.port = CURL_PROXY_PORT;
      return u.toString().replace(/\/$/, '');
    }
  } catch {
    // Not a URL: assertProxyUrl names it when it is used.
  }
  return withScheme;
}

/**
 * The proxy URL for a request to `url`, or undefined to connect directly: loopback is never
 * proxied, `NO_PROXY` is honoured, https takes `httpsProxy` and http `httpProxy` (read by proxyUrl:
 * a bare `host:port` is http).
 */
export function proxyFor(url: URL, settings: ProxySettings | undefined, rules = parseNoProxy(settings?.noProxy)) {
  if (!settings) return undefined;
  const proxy = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (!proxy?.trim()) return undefined;
  if (isLoopbackHost(url.hostname)) return undefined;
  if (bypassesProxy(url, rules)) return undefined;
  return proxyUrl(proxy);
}

/**
 * A proxy URL undici's ProxyAgent can use (http: or https:), checked before it is made, so a typo in
 * the variable is a usage error naming it, not a stack trace.
 * @param variable `HTTPS_PROXY` or `HTTP_PROXY` (the lower-case spellings are read first)
 * @throws UsageError (exit 2) naming the variable and the value without its password
 */
export function assertProxyUrl(proxy: string, variable: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(proxy);
  } catch {
    parsed = undefined;
  }
  if (parsed && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname) return;
  // A password in it is not shown, parsed or not (`http://user:secret@[bad`).
  const shown = proxy.replace(/(\/\/[^/@:]*:)[^/@]*@/, '$1***@');
  throw new UsageError(
    `${variable}=${shown}: not an HTTP proxy URL; give http://HOST:PORT (or HOST:PORT)${parsed && !/^https?:$/.test(parsed.protocol) ? `; ${parsed.protocol.slice(0, -1)} proxies are not supported` : ''}`,
  );
}
