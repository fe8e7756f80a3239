// SSRF guard for http_request: which hosts an agent may reach, and which addresses a host may
// resolve to. Checked on the URL before connecting AND on every resolved address at connect
// time (undici's connect lookup), so DNS rebinding and redirects cannot slip past.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { HostRule } from '../config.ts';

export class SsrfError extends Error {
  override name = 'SsrfError';
}

const forbidden = new BlockList();
// IPv4: this-network, private, CGNAT, loopback, link-local (cloud metadata), IETF, TEST-NETs,
// benchmarking, multicast and reserved.
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  forbidden.addSubnet(net, prefix, 'ipv4');
// IPv6: unspecified, loopback, IPv4-mapped (checked again as IPv4 below), discard, ULA,
// link-local, site-local, multicast, documentation, NAT64 well-known prefix.
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['64:ff9b::', 96],
] as const)
  forbidden.addSubnet(net, prefix, 'ipv6');

/** Link-local and metadata addresses are refused even for explicitly allowed hosts. */
const alwaysForbidden = new BlockList();
alwaysForbidden.addSubnet('169.254.0.0', 16, 'ipv4');
alwaysForbidden.addSubnet('fe80::', 10, 'ipv6');
alwaysForbidden.addAddress('fd00:ec2::254', 'ipv6');

function mappedV4(ip: string): string | null {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return m ? m[1]! : null;
}

/** Why an address may not be reached, or null when it may. */
export function forbiddenAddressReason(ip: string, explicitlyAllowed: boolean): string | null {
  const v4 = mappedV4(ip);
  const addr = v4 ?? ip;
  const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
  if (alwaysForbidden.check(addr, family)) return `${addr} is a link-local/metadata address`;
  if (!explicitlyAllowed && forbidden.check(addr, family)) return `${addr} is a loopback, private or reserved address`;
  return null;
}

function hostMatches(pattern: string, host: string, port: string): boolean {
  const [patHost, patPort] = pattern.startsWith('[')
    ? [pattern.slice(0, pattern.indexOf(']') + 1), pattern.slice(pattern.indexOf(']') + 2) || undefined]
    : (pattern.split(':') as [string, string | undefined]);
  if (patPort !== undefined && patPort !== port) return false;
  if (patHost === '*') return true;
  if (patHost.startsWith('*.')) return host.endsWith(patHost.slice(1));
  return patHost === host;
}

/** The allow rule that admits host:port, or null. Hosts are compared lower-case. */
export function findHostRule(rules: readonly HostRule[], host: string, port: string): HostRule | null {
  const h = host.toLowerCase();
  let best: HostRule | null = null;
  for (const r of rules) {
    if (!hostMatches(r.pattern, h, port)) continue;
    if (r.exact) return r;
    best ??= r;
  }
  return best;
}

export function defaultPort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** Checks a URL before any connection: scheme, allow list, literal IP addresses. */
export function checkUrl(url: URL, rules: readonly HostRule[]): HostRule {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SsrfError(`scheme ${url.protocol} is not allowed (only http and https)`);
  }
  if (url.username || url.password) throw new SsrfError('URLs with embedded credentials are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const rule = findHostRule(rules, url.hostname, defaultPort(url));
  if (!rule) {
    throw new SsrfError(
      rules.length === 0
        ? 'http_request is disabled: no host is allowed (set WARDEN_HTTP_ALLOW)'
        : `host ${url.hostname} is not in WARDEN_HTTP_ALLOW`,
    );
  }
  if (isIP(host)) {
    const reason = forbiddenAddressReason(host, rule.exact);
    if (reason) throw new SsrfError(`refused: ${reason}`);
  }
  return rule;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A dns.lookup replacement for undici's connector: resolves, then refuses the connection if
 * any resolved address is forbidden for this host. `isExplicit` tells whether the host was
 * allowed by an exact (non-wildcard) rule.
 */
export function guardedLookup(isExplicit: (host: string) => boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true, family: options.family ?? 0 }, (err, addresses) => {
      if (err) return callback(err, []);
      const explicit = isExplicit(hostname);
      for (const a of addresses) {
        const reason = forbiddenAddressReason(a.address, explicit);
        if (reason) {
          const e = new SsrfError(`refused: ${hostname} resolves to ${reason}`) as NodeJS.ErrnoException;
          e.code = 'EWARDENSSRF';
          return callback(e, []);
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };
}
