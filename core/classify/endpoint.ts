// Endpoint patterns: the URL path with every data-like segment replaced by a placeholder, so
// the pattern can be matched by rules, grouped in the audit log and uploaded without carrying
// ids or customer data. Query strings are never part of the pattern.
import type { Platform } from '../types.ts';

const SHOPIFY_VERSION = /^(?:\d{4}-\d{2}|unstable)$/;
const META_VERSION = /^v\d+(?:\.\d+)?$/;

/** `name.json`, `theme.liquid`: the extension is kept, the name is normalised. */
const WITH_EXTENSION = /^(.+?)(\.[A-Za-z]{1,6})$/;

const NUMERIC = /^\d+$/;
/** Meta compound ids such as page-post ids `123_456`. */
const NUMERIC_COMPOUND = /^\d+_\d+$/;
const META_ACCOUNT = /^act_\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GID = /^gid:\/\//;
const LONG_HEX = /^(?=[a-f]*\d)[0-9a-f]{16,}$/i;
const BASE64_LIKE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
/** Opaque ids such as `ORD-12345` or `sku_000123`: id-ish characters and several digits. */
const ID_CHARS = /^[A-Za-z0-9._~:-]+$/;
/** Anything that still carries this many digits is data (phone numbers and the like). */
const MANY_DIGITS = /(?:\d\D*){4}/;
const MAX_SEGMENT = 64;

export function normalizeEndpoint(platform: Platform, url: URL): string {
  return normalizePath(platform, url.pathname);
}

/** normalizeEndpoint on a URL's pathname. Hand-written loop: this runs on every request. */
export function normalizePath(platform: Platform, pathname: string): string {
  let start = 1;
  if (platform === 'shopify') {
    // A base URL may carry a prefix (a local stand-in, a proxy): the Shopify API starts at /admin.
    const admin = pathname.indexOf('/admin/');
    if (admin > 0) start = admin + 1;
  }
  let out = '';
  let index = 0;
  let adminApi = false;
  while (start <= pathname.length) {
    let end = pathname.indexOf('/', start);
    if (end === -1) end = pathname.length;
    if (end > start) {
      const segment = pathname.slice(start, end);
      if (index === 1) adminApi = segment === 'api' && out === '/admin';
      if (index === 2 && adminApi && platform === 'shopify' && SHOPIFY_VERSION.test(segment)) out += '/{version}';
      else if (index === 0 && platform === 'meta' && META_VERSION.test(segment)) out += '/{version}';
      else out += '/' + normalizeSegment(segment);
      index++;
    }
    start = end + 1;
  }
  return out === '' ? '/' : out;
}

/** One path segment → itself, `{id}`, `act_{id}`, `{value}`, or `{id}.json`-style. */
export function normalizeSegment(raw: string): string {
  const kind = quickKind(raw);
  if (kind === KEEP) return raw;
  if (kind === ID) return '{id}';
  if (kind > 0) return '{id}' + raw.slice(kind);
  const segment = safeDecode(raw);
  if (segment.includes('@') || segment.length > MAX_SEGMENT) return '{value}';
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
