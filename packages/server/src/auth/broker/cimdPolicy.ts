/**
 * Which Client ID Metadata Document URLs the broker fetches: https only, and never one whose
 * host resolves to a loopback, private, link-local, metadata or other special-use address.
 * Checked before the fetch (here, after DNS resolution); oidc-provider checks the connected
 * socket's address again, which also covers a name that resolves differently the second time.
 * Size (5 KiB), time (2.5 s) and caching (the document's Cache-Control within our bounds) are
 * oidc-provider's, configured in providerConfiguration.ts.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const SPECIAL_USE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) SPECIAL_USE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) SPECIAL_USE.addSubnet(net, prefix, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it maps. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export function isSpecialUseAddress(address: string): boolean {
  const { address: a, family } = unmapped(address);
  return SPECIAL_USE.check(a, family);
}

export function isLoopbackAddress(address: string): boolean {
  const { address: a, family } = unmapped(address);
  return LOOPBACK.check(a, family);
}

export interface CimdFetchPolicy {
  /** Test-only (never in production): loopback addresses are allowed. */
  allowLoopback: boolean;
  resolve?: (host: string) => Promise<string[]>;
}

const resolveAll = async (host: string) => (await lookup(host, { all: true, verbatim: true })).map((r) => r.address);

/** True when the URL may be fetched as a client's metadata document. */
export async function cimdFetchAllowed(clientId: string, policy: CimdFetchPolicy): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await (policy.resolve ?? resolveAll)(host);
  } catch {
    return false;
  }
  if (addresses.length === 0) return false;
  return addresses.every((address) => !isSpecialUseAddress(address) || (policy.allowLoopback && isLoopbackAddress(address)));
}
