// The parts of an absolute URL that classification needs. WHATWG `new URL()` costs ~0.6 µs,
// a third of the classify budget, so plain URLs (lower-case host name or dotted IPv4, optional
// port, path of unreserved characters, no dot segments) are split by hand; anything else —
// user info, upper case, IPv6, odd characters — goes through `new URL()`, so both ways give
// the same answer.

export interface UrlParts {
  /** Lower-case host name without port, as URL.hostname. */
  hostname: string;
  /** Host name plus non-default port, as URL.host. */
  host: string;
  /** As URL.pathname: starts with "/", no query or fragment. */
  pathname: string;
}

export function urlParts(raw: string): UrlParts {
  return splitPlainUrl(raw) ?? fromWhatwg(new URL(raw));
}

export function fromWhatwg(url: URL): UrlParts {
  return { hostname: url.hostname, host: url.host, pathname: url.pathname };
}

const DOTTED_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Path characters WHATWG leaves as they are (unreserved, sub-delims, ":", "@", "%", "/"). */
const PATH_CHAR = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@%/") {
  PATH_CHAR[c.charCodeAt(0)] = 1;
}

function splitPlainUrl(raw: string): UrlParts | null {
  let i: number;
  let defaultPort: string;
  if (raw.startsWith('https://')) {
    i = 8;
    defaultPort = '443';
  } else if (raw.startsWith('http://')) {
    i = 7;
    defaultPort = '80';
  } else return null;

  const hostStart = i;
  for (; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46) continue;
    if (c === 58 || c === 47 || c === 63 || c === 35) break;
    return null;
  }
  const hostname = raw.slice(hostStart, i);
  if (!isPlainHostname(hostname)) return null;

  let host = hostname;
  if (raw.charCodeAt(i) === 58) {
    const portStart = ++i;
    while (i < raw.length && raw.charCodeAt(i) >= 48 && raw.charCodeAt(i) <= 57) i++;
    const port = raw.slice(portStart, i);
    if (port === '' || port.length > 5 || port.charCodeAt(0) === 48 || Number(port) > 65535) return null;
    if (port !== defaultPort) host = hostname + ':' + port;
  }

  const pathStart = i;
  for (; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 63 || c === 35) break;
    if (c >= 128 || PATH_CHAR[c] === 0) return null;
  }
  if (pathStart < i && raw.charCodeAt(pathStart) !== 47) return null;
  const pathname = pathStart === i ? '/' : raw.slice(pathStart, i);
  // Dot segments (also percent-encoded) are resolved by WHATWG: leave them to it.
  if (pathname.includes('/.') || pathname.includes('%2e') || pathname.includes('%2E')) return null;
  return { hostname, host, pathname };
}

function isPlainHostname(hostname: string): boolean {
  if (hostname === '' || hostname.startsWith('.') || hostname.includes('..')) return false;
  const bare = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  const lastLabel = bare.slice(bare.lastIndexOf('.') + 1);
  const first = lastLabel.charCodeAt(0);
  // A numeric last label makes WHATWG parse the host as IPv4 (and rewrite it): only plain
  // dotted-decimal addresses, which it keeps as they are, are taken here.
  if (first >= 48 && first <= 57) return DOTTED_IPV4.test(hostname);
  return lastLabel !== '';
}
