// Endpoint patterns: the URL path with every data-like segment replaced by a placeholder, so
// the pattern can be matched by rules, grouped in the audit log and uploaded without carrying
// ids or customer data. Query strings are never part of the pattern.
//
// The pattern is also the CANONICAL spelling of the path: every spelling the upstream serves
// the same way gives the same pattern, so a rule cannot be walked around by spelling a path
// differently. Case, duplicate slashes, trailing dots, percent-encoded unreserved characters,
// Shopify `/admin/…` without `/api/{version}` (served with the oldest stable version) and Meta
// paths without a version or with the `me` / `app` aliases are all folded here. Spellings that
// cannot be folded unambiguously (encoded separators on Shopify and Meta) are reported by
// pathRefusal() and refused by the guard.
import type { Platform } from '../types.ts';

const SHOPIFY_VERSION = /^(?:\d{4}-\d{2}|unstable)$/;
const META_VERSION = /^v\d+(?:\.\d+)?$/;
/** Meta node aliases that name an object (the token's user or app) like an id does. */
const META_NODE_ALIASES = new Set(['me', 'app']);

/** `name.json`, `theme.liquid`: the extension is kept, the name is normalised. */
const WITH_EXTENSION = /^(.+?)(\.[A-Za-z]{1,6})$/;

const NUMERIC = /^\d+$/;
/** Meta compound ids such as page-post ids `123_456`. */
const NUMERIC_COMPOUND = /^\d+_\d+$/;
const META_ACCOUNT = /^act_\d+$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GID = /^gid:\/\//;
const LONG_HEX = /^(?=[a-f]*\d)[0-9a-f]{16,}$/i;
const BASE64_LIKE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
/** Opaque ids such as `ORD-12345` or `sku_000123`: id-ish characters and several digits. */
const ID_CHARS = /^[A-Za-z0-9._~:-]+$/;
/** Anything that still carries this many digits is data (phone numbers and the like). */
const MANY_DIGITS = /(?:\d\D*){4}/;
const MAX_SEGMENT = 64;

/** Percent-encodings no Shopify or Meta path needs and that servers may read as a separator. */
const AMBIGUOUS_ENCODING = /%(?:2f|5c|25|[01][0-9a-f]|7f)/i;
/** Encoded separators a generic server may decode into a path separator. */
const ENCODED_SEPARATOR = /%(?:2f|5c)/gi;

export function normalizeEndpoint(platform: Platform, url: URL): string {
  return normalizePath(platform, url.pathname);
}

/**
 * Why a path cannot be scored unambiguously, or null. Shopify and Meta ids and edges never need
 * an encoded "/", "\\", "%" or control character; a server or proxy that decodes one could
 * route the call somewhere the pattern does not say. Dot-only segments likewise.
 */
export function pathRefusal(platform: Platform, pathname: string): string | null {
  if (platform === 'generic') return null;
  if (pathname.includes('%') && AMBIGUOUS_ENCODING.test(pathname)) {
    return 'the path contains an encoded "/", "\\", "%" or control character, so Warden cannot tell which resource it names; send the path without encoding it';
  }
  if (/\/\.+(?:\/|$)/.test(pathname)) return 'the path contains a "." or ".." segment; send the resolved path';
  return null;
}

/**
 * normalizeEndpoint on a URL's pathname: the canonical pattern. Hand-written loop over the
 * segments: this runs on every request.
 */
export function normalizePath(platform: Platform, pathname: string): string {
  if (platform === 'generic' && pathname.includes('%')) pathname = pathname.replace(ENCODED_SEPARATOR, '/');
  let start = 1;
  if (platform === 'shopify') {
    // A base URL may carry a prefix (a local stand-in, a proxy): the Shopify API starts at /admin.
    const admin = indexOfAdmin(pathname);
    if (admin > 0) start = admin + 1;
  }
  const segments: string[] = [];
  while (start <= pathname.length) {
    let end = pathname.indexOf('/', start);
    if (end === -1) end = pathname.length;
    if (end > start) {
      const segment = canonicalSegment(pathname.slice(start, end));
      if (segment !== '') segments.push(segment);
    }
    start = end + 1;
  }
  if (platform === 'shopify') return shopifyPattern(segments);
  if (platform === 'meta') return metaPattern(segments);
  let out = '';
  for (const s of segments) out += '/' + normalizeSegment(s).toLowerCase();
  return out === '' ? '/' : out;
}

/** Where `/admin/` starts, in any case; -1 if nowhere. */
function indexOfAdmin(pathname: string): number {
  const at = pathname.indexOf('/admin/');
  if (at !== -1 || !/[A-Z]/.test(pathname)) return at;
  return pathname.toLowerCase().indexOf('/admin/');
}

/** Trailing dots dropped (`1.json.` is served as `1.json`), encoded unreserved characters decoded. */
function canonicalSegment(raw: string): string {
  let segment = raw;
  if (segment.includes('%')) segment = decodeUnreserved(segment);
  let end = segment.length;
  while (end > 0 && segment.charCodeAt(end - 1) === 46) end--;
  return end === segment.length ? segment : segment.slice(0, end);
}

/** `%41` → `A`, `%2E` → `.`; reserved and other characters stay encoded. */
function decodeUnreserved(segment: string): string {
  return segment.replace(/%([0-9A-Fa-f]{2})/g, (whole, hex: string) => {
    const c = parseInt(hex, 16);
    const unreserved =
      (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 46 || c === 95 || c === 126;
    return unreserved ? String.fromCharCode(c) : whole;
  });
}

/**
 * `/admin/api/{version}/…`; an unversioned `/admin/…` (or `/admin/api/…` without a version) is
 * the same API at the oldest stable version. A last segment without an extension is the `.json`
 * resource (the format the Admin API answers with).
 */
function shopifyPattern(segments: string[]): string {
  if (segments[0]?.toLowerCase() !== 'admin') return joinNormalized(segments);
  const second = segments[1]?.toLowerCase();
  if (second === 'oauth') return joinNormalized(segments);
  let rest: number;
  let out = '/admin';
  if (second === 'api') {
    out += '/api/{version}';
    const version = segments[2]?.toLowerCase();
    rest = version !== undefined && SHOPIFY_VERSION.test(version) ? 3 : 2;
  } else {
    out += '/api/{version}';
    rest = 1;
  }
  for (let i = rest; i < segments.length; i++) {
    let segment = segments[i]!;
    if (i === segments.length - 1 && !segment.includes('.')) segment += '.json';
    out += '/' + normalizeSegment(segment).toLowerCase();
  }
  return out;
}

/** `/{version}/…`: a path without a version is served at the app's default one; `me`, `app` are nodes. */
function metaPattern(segments: string[]): string {
  let out = '/{version}';
  let i = 0;
  if (segments[0] !== undefined && META_VERSION.test(segments[0].toLowerCase())) i = 1;
  for (let node = i; i < segments.length; i++) {
    const segment = segments[i]!.toLowerCase();
    out += '/' + (i === node && META_NODE_ALIASES.has(segment) ? '{id}' : normalizeSegment(segments[i]!).toLowerCase());
  }
  return out;
}

function joinNormalized(segments: string[]): string {
  let out = '';
  for (const s of segments) out += '/' + normalizeSegment(s).toLowerCase();
  return out === '' ? '/' : out;
}

/** One path segment → itself, `{id}`, `act_{id}`, `{value}`, or `{id}.json`-style. */
export function normalizeSegment(raw: string): string {
  const kind = quickKind(raw);
  if (kind === KEEP) return raw;
  if (kind === ID) return '{id}';
  if (kind > 0) return '{id}' + raw.slice(kind);
  const segment = safeDecode(raw);
  // Commas and spaces never name a resource, and would break the `batch …` operation summary.
  if (segment.includes('@') || segment.includes(',') || segment.length > MAX_SEGMENT) return '{value}';
  const ext = WITH_EXTENSION.exec(segment);
  if (ext) {
    const base = classifyToken(ext[1]!);
    return base === null ? raw : base + ext[2]!;
  }
  return classifyToken(segment) ?? raw;
}

const KEEP = -1;
const ID = 0;
const UNKNOWN = -2;

/**
 * The common shapes, by one scan: a plain word with an optional short extension (KEEP),
 * digits (ID), digits plus an extension (the extension's offset), anything else (UNKNOWN).
 */
function quickKind(raw: string): number {
  const n = raw.length;
  if (n === 0 || n > 40) return UNKNOWN;
  let digits = 0;
  while (digits < n && isDigit(raw.charCodeAt(digits))) digits++;
  if (digits === n) return ID;
  if (digits > 0) return raw.charCodeAt(digits) === 46 && isShortExtension(raw, digits + 1) ? digits : UNKNOWN;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (isLetter(c) || c === 95 || c === 45) continue;
    if (c === 46 && i > 0) return isShortExtension(raw, i + 1) ? KEEP : UNKNOWN;
    return UNKNOWN;
  }
  return KEEP;
}

function isShortExtension(raw: string, from: number): boolean {
  const length = raw.length - from;
  if (length < 1 || length > 6) return false;
  for (let i = from; i < raw.length; i++) if (!isLetter(raw.charCodeAt(i))) return false;
  return true;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** The placeholder for a data-like token, or null to keep the segment. */
function classifyToken(token: string): string | null {
  if (NUMERIC.test(token) || NUMERIC_COMPOUND.test(token)) return '{id}';
  if (META_ACCOUNT.test(token)) return 'act_{id}';
  if (UUID.test(token) || GID.test(token) || LONG_HEX.test(token)) return '{id}';
  if (BASE64_LIKE.test(token) && looksEncoded(token)) return '{id}';
  if (MANY_DIGITS.test(token)) return ID_CHARS.test(token) ? '{id}' : '{value}';
  if (/\s/.test(token)) return '{value}';
  return null;
}

/** Tells base64 ids from long words such as `storefront_access_tokens`. */
function looksEncoded(token: string): boolean {
  if (token.endsWith('=')) return true;
  let digits = 0;
  let upper = false;
  let lower = false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
  }
  return digits >= 3 || (digits > 0 && upper && lower);
}

function safeDecode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
