/** IPv4/IPv6 addresses and CIDR ranges for `--allow-ip` and `pictureAllowIp`. */
import { isIP } from 'node:net';

function v4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) + BigInt(Number(part)), 0n);
}

function v6ToBigInt(ip: string): bigint {
  let text = ip;
  const v4tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4tail) {
    const n = v4ToBigInt(v4tail[1]);
    text = `${text.slice(0, -v4tail[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  const parts = [...h, ...Array(fill).fill('0'), ...t];
  return parts.reduce((acc, p) => (acc << 16n) + BigInt(Number.parseInt(p || '0', 16)), 0n);
}

function normalise(ip: string): { v: 4 | 6; n: bigint } | undefined {
  const bare = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const kind = isIP(bare);
  if (kind === 4) return { v: 4, n: v4ToBigInt(bare) };
  if (kind === 6) return { v: 6, n: v6ToBigInt(bare) };
  return undefined;
}

/** Whether `ip` is inside `rule` (an address, or an address/prefix). Malformed rules match nothing. */
export function ipMatches(ip: string, rule: string): boolean {
  const [addr, prefixText] = rule.trim().split('/');
  const a = normalise(ip);
  const r = normalise(addr);
  if (!a || !r || a.v !== r.v) return false;
  const bits = a.v === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return false;
  const shift = BigInt(bits - prefix);
  return a.n >> shift === r.n >> shift;
}

export function isValidIpRule(rule: string): boolean {
  const [addr, prefixText] = rule.trim().split('/');
  const r = normalise(addr);
  if (!r) return false;
  if (prefixText === undefined) return true;
  const p = Number(prefixText);
  return Number.isInteger(p) && p >= 0 && p <= (r.v === 4 ? 32 : 128);
}
