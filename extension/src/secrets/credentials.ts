// The credentials the extension keeps in SecretStorage: their storage keys, their shape, and
// the validation of every value a user types. Pure (no vscode). Validation messages describe
// the expected form and never repeat the value: it may be a secret.
import { HOST_PATTERN, normaliseShopDomain } from '../../../core/protocol/env.ts';

/** SecretStorage keys. Each holds one JSON document (or a bare token for Meta). */
export const SECRET_KEYS = {
  shopify: 'warden.shopify',
  meta: 'warden.meta.token',
  http: 'warden.http.credentials',
  cloud: 'warden.cloud.key',
} as const;
export type CredentialKind = keyof typeof SECRET_KEYS;

export interface Credentials {
  shopify?: { store: string; token: string };
  metaToken?: string;
  /** host pattern → header name → value. */
  http: Record<string, Record<string, string>>;
  cloud?: { keyId: string; secret: string };
}

export const CREDENTIAL_LABELS: Record<CredentialKind, string> = {
  shopify: 'Shopify store and Admin API token',
  meta: 'Meta access token',
  http: 'HTTP host credentials',
  cloud: 'cloud-lite key',
};

// ---- input validation (undefined = valid) ---------------------------------------------------

export function checkShopDomain(raw: string): string | undefined {
  if (raw.trim() === '') return 'Enter the store, e.g. my-shop or my-shop.myshopify.com';
  return normaliseShopDomain(raw) === null
    ? 'Not a Shopify store: use my-shop or my-shop.myshopify.com (letters, digits and "-")'
    : undefined;
}

const SHOPIFY_TOKEN = /^(shpat|shpca|shppa)_[A-Za-z0-9_-]{16,200}$/;
export function checkShopifyToken(raw: string): string | undefined {
  const t = raw.trim();
  if (t === '') return 'Paste the Admin API access token (starts with shpat_)';
  if (!/^(shpat|shpca|shppa)_/.test(t)) return 'An Admin API token starts with shpat_, shpca_ or shppa_';
  if (!SHOPIFY_TOKEN.test(t)) return 'After its prefix, a token has 16 to 200 letters, digits, "_" or "-" (no spaces)';
  return undefined;
}

const META_TOKEN = /^EAA[A-Za-z0-9]{20,1000}$/;
export function checkMetaToken(raw: string): string | undefined {
  const t = raw.trim();
  if (t === '') return 'Paste the Meta access token (starts with EAA)';
  if (!t.startsWith('EAA')) return 'A Meta access token starts with EAA';
  if (!META_TOKEN.test(t)) return 'A Meta access token is EAA followed by 20 to 1000 letters and digits (no spaces)';
  return undefined;
}

export function checkHostPattern(raw: string): string | undefined {
  const p = raw.trim().toLowerCase();
  if (p === '') return 'Enter a host, e.g. api.example.com, *.example.com or localhost:8080';
  return HOST_PATTERN.test(p) ? undefined : 'Not a host pattern: use host, *.domain, host:port (no scheme or path)';
}

/** RFC 7230 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
export function checkHeaderName(raw: string): string | undefined {
  const n = raw.trim();
  if (n === '') return 'Enter a header name, e.g. Authorization or X-Api-Key';
  return HEADER_NAME.test(n) ? undefined : 'A header name is 1 to 100 letters, digits or !#$%&\'*+.^_`|~- (no spaces or ":")';
}

export function checkHeaderValue(raw: string): string | undefined {
  if (raw.trim() === '') return 'Enter the header value';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(raw)) return 'A header value cannot contain line breaks or control characters';
  return raw.length > 8192 ? 'A header value is at most 8192 characters' : undefined;
}

export function checkCloudKeyId(raw: string): string | undefined {
  return /^[A-Za-z0-9_-]{1,128}$/.test(raw.trim())
    ? undefined
    : 'A key id is 1 to 128 letters, digits, "_" or "-" (as printed by keys create)';
}

export function checkCloudSecret(raw: string): string | undefined {
  const t = raw.trim();
  if (t.length < 16) return 'The secret is the long value printed once by keys create (16 characters or more)';
  return /^[\x21-\x7e]{16,512}$/.test(t) ? undefined : 'The secret is 16 to 512 visible characters, no spaces';
}

// ---- stored documents -----------------------------------------------------------------------

/** Raw SecretStorage values (undefined = not set) → credentials. Damaged entries are skipped and named in `problems`. */
export function parseCredentials(raw: Partial<Record<CredentialKind, string | undefined>>): {
  credentials: Credentials;
  problems: CredentialKind[];
} {
  const credentials: Credentials = { http: {} };
  const problems: CredentialKind[] = [];
  const json = (kind: CredentialKind): unknown => {
    const v = raw[kind];
    if (v === undefined) return undefined;
    try {
      return JSON.parse(v);
    } catch {
      problems.push(kind);
      return undefined;
    }
  };
  const shop = json('shopify') as { store?: unknown; token?: unknown } | undefined;
  if (shop !== undefined) {
    const store = typeof shop?.store === 'string' ? normaliseShopDomain(shop.store) : null;
    if (store !== null && typeof shop.token === 'string' && checkShopifyToken(shop.token) === undefined)
      credentials.shopify = { store, token: shop.token };
    else problems.push('shopify');
  }
  if (raw.meta !== undefined) {
    if (checkMetaToken(raw.meta) === undefined) credentials.metaToken = raw.meta;
    else problems.push('meta');
  }
  const http = json('http');
  if (http !== undefined) {
    if (isHeaderMap(http)) credentials.http = http;
    else problems.push('http');
  }
  const cloud = json('cloud') as { keyId?: unknown; secret?: unknown } | undefined;
  if (cloud !== undefined) {
    if (typeof cloud?.keyId === 'string' && typeof cloud.secret === 'string')
      credentials.cloud = { keyId: cloud.keyId, secret: cloud.secret };
    else problems.push('cloud');
  }
  return { credentials, problems };
}

function isHeaderMap(v: unknown): v is Record<string, Record<string, string>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  return Object.entries(v).every(
    ([host, headers]) =>
      checkHostPattern(host) === undefined &&
      typeof headers === 'object' &&
      headers !== null &&
      Object.entries(headers).every(([n, val]) => checkHeaderName(n) === undefined && typeof val === 'string'),
  );
}

/** Adds (or replaces) one header for one host in the stored map. */
export function withHostHeader(
  current: Record<string, Record<string, string>>,
  host: string,
  header: string,
  value: string,
): Record<string, Record<string, string>> {
  const h = host.trim().toLowerCase();
  const name = header.trim();
  const headers = Object.fromEntries(Object.entries(current[h] ?? {}).filter(([n]) => n.toLowerCase() !== name.toLowerCase()));
  return { ...current, [h]: { ...headers, [name]: value } };
}

/** Which credentials are set (for the Clear Credentials pick list). Never the values. */
export function setKinds(c: Credentials): CredentialKind[] {
  const kinds: CredentialKind[] = [];
  if (c.shopify) kinds.push('shopify');
  if (c.metaToken) kinds.push('meta');
  if (Object.keys(c.http).length > 0) kinds.push('http');
  if (c.cloud) kinds.push('cloud');
  return kinds;
}
