/**
 * IP addresses and CIDR ranges (IPv4 and IPv6) on Node's `net.BlockList`: `--allow-ip` of
 * `facetctl server` and `push listen`, the emulator's `pictureAllowIp` and the picture policy's
 * `AWS:SourceIp`. An IPv4 address seen through an IPv6 socket (`::ffff:10.0.0.1`) is matched as IPv4.
 */
import { BlockList, isIP } from 'node:net';
import { UsageError } from './errors.js';

/** Whether a caller's address is allowed; `undefined` (unknown address) never is. */
export type IpAllow = (ip: string | undefined) => boolean;

interface Rule {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

function bare(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

/** `203.0.113.5`, `203.0.113.0/24`, `2001:db8::/32` → its parts; undefined when malformed. */
function parseRule(rule: string): Rule | undefined {
  const [addrText, prefixText, extra] = rule.trim().split('/');
  if (extra !== undefined) return undefined;
  const address = bare(addrText);
  const kind = isIP(address);
  if (kind === 0) return undefined;
  const bits = kind === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  return { address, prefix, family: kind === 4 ? 'ipv4' : 'ipv6' };
}

/** Whether `rule` is an address or an address/prefix (`10.0.0.0/8`, `::1`). */
export function isValidIpRule(rule: string): boolean {
  return parseRule(rule) !== undefined;
}

/** The rules as one matcher; malformed rules match nothing. An empty list allows every address. */
export function compileIpRules(rules: readonly string[]): IpAllow {
  if (rules.length === 0) return () => true;
  const list = new BlockList();
  for (const text of rules) {
    const rule = parseRule(text);
    if (rule) list.addSubnet(rule.address, rule.prefix, rule.family);
  }
  return (ip) => {
    if (!ip) return false;
    const b = bare(ip);
    const kind = isIP(b);
    return kind !== 0 && list.check(b, kind === 4 ? 'ipv4' : 'ipv6');
  };
}

/** Whether `ip` is inside `rule` (an address, or an address/prefix). A malformed rule matches nothing. */
export function ipMatches(ip: string, rule: string): boolean {
  return parseRule(rule) !== undefined && compileIpRules([rule])(ip);
}

/**
 * `--allow-ip` rules → a matcher. Throws `UsageError` (exit 2) naming the first malformed rule.
 */
export function createIpAllow(rules: readonly string[], flag = '--allow-ip'): IpAllow {
  const bad = rules.find((r) => !isValidIpRule(r));
  if (bad !== undefined) throw new UsageError(`${flag} ${bad}: not an IP address or CIDR range (e.g. 203.0.113.0/24)`);
  return compileIpRules(rules);
}
