// Is a value random enough to be a credential? Used only next to a secret-like name (a key,
// label or header that says "key", "secret", "token", …), never on free-floating strings, and
// never on the id shapes an API returns: UUIDs, numbers, Shopify GIDs, 24-hex object ids,
// SKUs and versions. Thresholds follow gitleaks' generic rule (3.5 bits per character).

const MIN_LENGTH = 16;
const MAX_LENGTH = 1024;
const MIN_BITS_PER_CHAR = 3.5;

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  const freq = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    freq.set(c, (freq.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of freq.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Shapes of identifiers and other values that are not secrets however random they look. */
const ID_SHAPES = new RegExp(
  [
    String.raw`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`, // UUID
    String.raw`^gid://`, // Shopify GID
    String.raw`^[\d\s.,:+-]+$`, // numbers, dates, times, prices
    String.raw`^v?\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$`, // versions
    String.raw`^[A-Z0-9]{1,12}(?:-[A-Z0-9]{1,12}){1,6}$`, // SKUs (upper case and dashes)
    String.raw`^[a-z0-9]+(?:[-_][a-z0-9]+){1,12}$`, // handles, slugs, snake_case names
    String.raw`^[A-Z0-9]+(?:_[A-Z0-9]+){1,12}$`, // CONSTANT_NAMES
    String.raw`^[Hh][Tt][Tt][Pp][Ss]?://`, // URLs are scrubbed by their own parts
    String.raw`^[A-Za-z][\w]*(?:\.[A-Za-z][\w]*){1,8}$`, // dotted names (scopes, hosts, paths)
  ].join('|'),
);
const CHARSET = /^[A-Za-z0-9+/=_.~-]+$/;
const HEX24 = /^[0-9a-f]{24}$/;

function classes(s: string): number {
  return (/[a-z]/.test(s) ? 1 : 0) + (/[A-Z]/.test(s) ? 1 : 0) + (/\d/.test(s) ? 1 : 0) + (/[+/=_.~-]/.test(s) ? 1 : 0);
}

/**
 * True for a token-like value: 16–1024 characters of a token alphabet (base64, base64url, hex,
 * `._~-`), at least 3.5 bits per character and two character classes, not an id shape. A
 * 24-hex value (Mongo/Meta object id) counts only when `hexIdAllowed` is false.
 */
export function looksLikeSecretValue(value: string, hexIdAllowed = true): boolean {
  const n = value.length;
  if (n < MIN_LENGTH || n > MAX_LENGTH || !CHARSET.test(value) || ID_SHAPES.test(value)) return false;
  if (hexIdAllowed && HEX24.test(value)) return false;
  if (classes(value) < 2) return false;
  return shannonEntropy(value) >= MIN_BITS_PER_CHAR;
}
