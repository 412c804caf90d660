import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * The one check for outbound traffic the gateway makes on a client's behalf (media URLs, webhooks): the
 * target must be a public unicast address. The check runs inside the socket's own `lookup`, so the address
 * that was checked is the address connected to (a second DNS answer cannot swap in 127.0.0.1).
 */

/** The error code a refused address carries (on the error a connect or a check fails with). */
export const BLOCKED_ADDRESS = 'ERR_BLOCKED_ADDRESS';

const IPV4_RESERVED: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and 255.255.255.255 broadcast
];

// IPv6: only global unicast (2000::/3) can be public; inside it, these are not. Mapped (::ffff:0:0/96) and
// compatible (::/96) forms fall outside 2000::/3 and are refused whatever IPv4 address they carry.
const IPV6_RESERVED_IN_GLOBAL: ReadonlyArray<readonly [string, number]> = [
  ['2001::', 23], // IETF protocol assignments, Teredo (2001::/32) included
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['3fff::', 20], // documentation (RFC 9637)
];

const reserved = new BlockList();
for (const [net, prefix] of IPV4_RESERVED) reserved.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of IPV6_RESERVED_IN_GLOBAL) reserved.addSubnet(net, prefix, 'ipv6');
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

/** True for a public unicast IPv4 or IPv6 address; false for every reserved range and for non-addresses. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !reserved.check(address, 'ipv4');
  if (family === 6) return globalUnicast.check(address, 'ipv6') && !reserved.check(address, 'ipv6');
  return false;
}

/** Resolves a host name to every address it has (the seam tests replace). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

export interface AddressPolicy {
  /** true: private and reserved targets are allowed too (a receiver on the LAN, tests on loopback). */
  allowPrivate: boolean;
  resolve?: Resolver;
  /** Which addresses count as public (default isPublicAddress); tests widen it at this seam. */
  isPublic?: (address: string) => boolean;
}

export function blockedAddressError(host: string): Error {
  return Object.assign(new Error(`${host} is a private or reserved address`), { code: BLOCKED_ADDRESS });
}

/** `[::1]` → `::1`; URL hostnames keep IPv6 literals in brackets. */
export const bareHost = (hostname: string): string => hostname.replace(/^\[(.*)\]$/, '$1');

/** The addresses `hostname` may be reached at under the policy; rejects with BLOCKED_ADDRESS otherwise. */
export async function checkedAddresses(hostname: string, policy: AddressPolicy): Promise<LookupAddress[]> {
  const host = bareHost(hostname);
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family }] : await (policy.resolve ?? systemResolver)(host);
  if (addresses.length === 0) throw Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' });
  if (policy.allowPrivate) return addresses;
  const isPublic = policy.isPublic ?? isPublicAddress;
  // One private answer refuses the name: a public name has no business pointing inside.
  if (addresses.some((entry) => !isPublic(entry.address))) throw blockedAddressError(host);
  return addresses;
}

/** Node connects to an IP literal without calling `lookup`: callers check a literal host with this first. */
export function assertLiteralAllowed(hostname: string, policy: AddressPolicy): void {
  const host = bareHost(hostname);
  if (policy.allowPrivate || isIP(host) === 0) return;
  if (!(policy.isPublic ?? isPublicAddress)(host)) throw blockedAddressError(host);
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:net / node:http(s) that answers only checked addresses. Node skips `lookup` for IP
 * literals, so callers check a literal host with `assertLiteralAllowed` before they connect.
 */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: { all?: boolean } | number, callback: LookupCallback): void => {
    const all = typeof options === 'object' && options.all === true;
    checkedAddresses(hostname, policy).then(
      (addresses) => {
        const first = addresses[0] as LookupAddress;
        if (all) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, all ? [] : '', 0),
    );
  };
}

/** A URL as it may be shown back or logged: `user:pass@` becomes `***:***@` (the receiver still gets them). */
export function withoutCredentials(text: string): string {
  try {
    const url = new URL(text);
    if (!url.username && !url.password) return text;
    url.username = url.username ? '***' : '';
    url.password = url.password ? '***' : '';
    return url.toString();
  } catch {
    return '<invalid URL>';
  }
}
