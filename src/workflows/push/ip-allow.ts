/** `--allow-ip` rules (addresses or CIDR ranges, IPv4 or IPv6) over node's BlockList. */
import { BlockList, isIP } from 'node:net';
import { UsageError } from '../../core/errors.js';

export type IpAllow = (ip: string | undefined) => boolean;

/** An IPv4 address seen through an IPv6 socket (::ffff:10.0.0.1) is matched as IPv4. */
function bare(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

export function createIpAllow(rules: readonly string[]): IpAllow {
  if (rules.length === 0) return () => true;
  const list = new BlockList();
  for (const rule of rules) {
    const [addr, prefixText] = rule.trim().split('/');
    const kind = isIP(addr);
    const bits = kind === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? bits : Number(prefixText);
    if (kind === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
      throw new UsageError(`--allow-ip ${rule}: not an IP address or CIDR range (e.g. 203.0.113.0/24)`);
    }
    list.addSubnet(addr, prefix, kind === 4 ? 'ipv4' : 'ipv6');
  }
  return (ip) => {
    if (!ip) return false;
    const b = bare(ip);
    const kind = isIP(b);
    return kind !== 0 && list.check(b, kind === 4 ? 'ipv4' : 'ipv6');
  };
}
