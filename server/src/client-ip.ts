/**
 * The client's address behind reverse proxies. `X-Forwarded-For` is believed only as far
 * as it was written by a proxy this server trusts: anyone can send the header, so an
 * untrusted hop's claim would let one attacker pose as every IP (and dodge every limit).
 */
import { BlockList, isIP } from 'node:net';

/** Off, the number of proxies in front of the server, or the proxies' addresses. */
export type TrustProxy = { kind: 'off' } | { kind: 'hops'; hops: number } | { kind: 'addresses'; list: BlockList };

/** Named ranges for TRUST_PROXY, so a config need not spell out the private networks. */
const NAMED_RANGES: Record<string, [string, number, 'ipv4' | 'ipv6'][]> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  private: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
  ],
};

/** Strips the IPv4-mapped prefix Node puts on IPv4 peers of a dual-stack socket. */
export function plainIp(address: string): string {
  const trimmed = address.trim();
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(trimmed) ? trimmed.slice(7) : trimmed;
}

/**
 * Reads TRUST_PROXY: "false" (or empty), a hop count, or a comma-separated list of
 * addresses, CIDR ranges and the names "loopback" and "private". Returns an error text.
 */
export function parseTrustProxy(raw: string): TrustProxy | string {
  const value = raw.trim().toLowerCase();
  if (value === '' || value === 'false' || value === '0') return { kind: 'off' };
  if (value === 'true')
    return 'say which proxies to trust: a hop count such as 1, or their addresses such as loopback or 10.0.0.0/8';
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= 10 ? { kind: 'hops', hops } : 'a hop count above 10 is surely a mistake';
  }
  const list = new BlockList();
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const named = NAMED_RANGES[entry];
    if (named) {
      for (const [network, prefix, family] of named) list.addSubnet(network, prefix, family);
      continue;
    }
    const [address = '', prefixText] = entry.split('/');
    const family = isIP(address);
    if (!family) return `"${entry}" is not an IP address, a CIDR range, "loopback" or "private"`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefixText === undefined) list.addAddress(address, type);
    else {
      const prefix = Number(prefixText);
      if (!/^\d+$/.test(prefixText) || prefix > (family === 4 ? 32 : 128))
        return `"${entry}" has no valid prefix length`;
      list.addSubnet(address, prefix, type);
    }
  }
  return { kind: 'addresses', list };
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The client's address for one request or handshake. */
export function clientIp(
  trust: TrustProxy,
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
): string {
  const peer = plainIp(remoteAddress ?? '');
  if (trust.kind === 'off' || forwardedFor === undefined) return peer;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  // Nearest hop last: the proxies append the address they received the request from.
  const chain = [...header.split(',').map(plainIp).filter(Boolean), peer];
  let index = chain.length - 1;
  if (trust.kind === 'hops') index = Math.max(0, index - trust.hops);
  else while (index > 0 && isTrusted(trust.list, chain[index]!)) index -= 1;
  // A proxy that passed on something other than an address leaves the peer as the answer.
  return isIP(chain[index]!) ? chain[index]! : peer;
}
