// Reads the guard's configuration from its environment once, at start, and validates it.
// Secrets live only in this object and in the forwarding layer; nothing here is ever logged.
import { z } from 'zod';
import {
  DEFAULTS,
  ENV,
  HOST_PATTERN,
  INSTANCE_ID,
  META_API_VERSION,
  POLICY_MODES,
  SHOPIFY_API_VERSION,
  normaliseShopDomain,
  type PolicyMode,
} from '../core/protocol/index.ts';
import { resolveDataDir } from '../store/data-dir.ts';
import { scrubText } from '../core/scrub/scrubber.ts';
import { CredentialRefError, hasCredentialReferences, resolveCredentialReferences } from './credential-ref.ts';

export type { PolicyMode };

export interface ShopifyConfig {
  store: string; // "my-shop.myshopify.com"
  token: string;
  apiVersion: string;
  baseUrl: string; // "https://my-shop.myshopify.com" or a local stand-in
}

export interface MetaConfig {
  token: string;
  apiVersion: string;
  baseUrl: string;
}

export interface HostRule {
  /** Lower-case host pattern: "api.example.com", "*.example.com", "*" or "host:port". */
  pattern: string;
  /** True for exact hosts: only those may resolve to private or loopback addresses. */
  exact: boolean;
}

export interface GuardConfig {
  shopify: ShopifyConfig | null;
  meta: MetaConfig | null;
  httpAllow: HostRule[];
  /** Hostnames named exactly (no wildcard) in the allow list, lower-case, no port or brackets. */
  httpExactHosts: ReadonlySet<string>;
  /** host pattern → headers injected into http_request calls to that host. */
  httpCredentials: Map<string, Record<string, string>>;
  dataDir: string;
  policy: PolicyMode;
  /** WARDEN_AUTO_PAUSE: a critical alert pauses agent writes (default on; the control file's auto_pause: false also turns it off). */
  autoPause: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  retentionDays: number;
  maxEvents: number;
  cloud: { url: string; keyId: string; secret: string; intervalMs: number } | null;
  /** WARDEN_INSTANCE_ID: the id the launching editor window chose, else null (a new id per start). */
  instanceId: string | null;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * A value quoted in a config error, so the user sees what is wrong. Scrubbed whole before it is
 * shortened: a token pasted into the wrong variable must not leak, not even its first bytes
 * (a cut token no longer looks like a token to the scrubber).
 */
function shown(raw: string, max: number): string {
  return JSON.stringify(scrubText(raw).slice(0, max));
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${shown(raw, 40)}`);
  }
  return n;
}

/** on/off, true/false, 1/0 (any case); unset or empty: the default. */
function switchFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = raw.trim().toLowerCase();
  if (v === 'on' || v === 'true' || v === '1') return true;
  if (v === 'off' || v === 'false' || v === '0') return false;
  throw new ConfigError(`${name} must be on or off (or true/false, 1/0), got ${shown(raw, 20)}`);
}

function baseUrlFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (!raw) return fallback;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a valid URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ConfigError(`${name} must be http(s)`);
  return u.origin + u.pathname.replace(/\/+$/, '');
}

function normaliseShop(raw: string): string {
  const shop = normaliseShopDomain(raw);
  if (shop === null) throw new ConfigError(`${ENV.shopifyStore} must be a shop name or *.myshopify.com domain, got ${shown(raw, 60)}`);
  return shop;
}

export function parseHostPatterns(raw: string | undefined): HostRule[] {
  if (!raw) return [];
  return raw
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((p) => {
      const pattern = p.toLowerCase();
      if (!HOST_PATTERN.test(pattern)) {
        throw new ConfigError(`WARDEN_HTTP_ALLOW: ${shown(p, 80)} is not a host pattern (host, *.domain, * or host:port)`);
      }
      return { pattern, exact: !pattern.includes('*') };
    });
}

const credentialsSchema = z.record(z.string().min(1), z.record(z.string().min(1), z.string()));

function parseCredentials(raw: string | undefined): Map<string, Record<string, string>> {
  if (!raw) return new Map();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // Never echo the value: it holds secrets.
    throw new ConfigError('WARDEN_HTTP_CREDENTIALS is not valid JSON (expected {"host": {"Header": "value"}})');
  }
  const parsed = credentialsSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError('WARDEN_HTTP_CREDENTIALS must map host patterns to objects of header name → string value');
  }
  return new Map(Object.entries(parsed.data).map(([host, headers]) => [host.toLowerCase(), headers]));
}

/**
 * The guard's configuration with credential references (`file:`, `_COMMAND`) resolved first:
 * what the server uses. Awaits any credential command (bounded by its timeout).
 */
export async function loadGuardConfig(env: NodeJS.ProcessEnv = process.env): Promise<GuardConfig> {
  let resolved: NodeJS.ProcessEnv;
  try {
    resolved = await resolveCredentialReferences(env);
  } catch (err) {
    if (err instanceof CredentialRefError) throw new ConfigError(err.message);
    throw err;
  }
  return loadConfig(resolved);
}

/** The configuration from an environment whose credentials are values (loadGuardConfig resolves references). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GuardConfig {
  // A reference must never be taken for the secret itself (and sent upstream as a token).
  if (hasCredentialReferences(env)) throw new ConfigError('credential references (file:, _COMMAND) are resolved by loadGuardConfig');
  const shopifyToken = env[ENV.shopifyToken];
  const shopifyStore = env[ENV.shopifyStore];
  let shopify: ShopifyConfig | null = null;
  if (shopifyToken || shopifyStore) {
    if (!shopifyToken) throw new ConfigError('WARDEN_SHOPIFY_STORE is set but WARDEN_SHOPIFY_TOKEN is not');
    if (!shopifyStore) throw new ConfigError('WARDEN_SHOPIFY_TOKEN is set but WARDEN_SHOPIFY_STORE is not');
    const store = normaliseShop(shopifyStore);
    const apiVersion = env[ENV.shopifyApiVersion] || DEFAULTS.shopifyApiVersion;
    if (!SHOPIFY_API_VERSION.test(apiVersion))
      throw new ConfigError(`WARDEN_SHOPIFY_API_VERSION must look like 2025-10, got ${shown(apiVersion, 20)}`);
    shopify = { store, token: shopifyToken, apiVersion, baseUrl: baseUrlFromEnv(env, ENV.shopifyBaseUrl, `https://${store}`) };
  }

  let meta: MetaConfig | null = null;
  const metaToken = env[ENV.metaToken];
  if (metaToken) {
    const apiVersion = env[ENV.metaApiVersion] || DEFAULTS.metaApiVersion;
    if (!META_API_VERSION.test(apiVersion))
      throw new ConfigError(`WARDEN_META_API_VERSION must look like v23.0, got ${shown(apiVersion, 20)}`);
    meta = { token: metaToken, apiVersion, baseUrl: baseUrlFromEnv(env, ENV.metaBaseUrl, 'https://graph.facebook.com') };
  }

  const policy = (env[ENV.policy] || DEFAULTS.policy) as PolicyMode;
  if (!POLICY_MODES.includes(policy)) {
    throw new ConfigError(`WARDEN_POLICY must be monitor, confirm or block, got ${shown(String(env[ENV.policy]), 20)}`);
  }

  let cloud: GuardConfig['cloud'] = null;
  if (env[ENV.cloudUrl]) {
    const keyId = env[ENV.cloudKeyId];
    const secret = env[ENV.cloudSecret];
    if (!keyId || !secret) {
      throw new ConfigError('WARDEN_CLOUD_URL is set but WARDEN_CLOUD_KEY_ID or WARDEN_CLOUD_SECRET is not');
    }
    cloud = {
      url: baseUrlFromEnv(env, ENV.cloudUrl, ''),
      keyId,
      secret,
      intervalMs: intFromEnv(env, ENV.uploadIntervalMs, DEFAULTS.uploadIntervalMs, 1_000, 3_600_000),
    };
  }

  const instanceId = env[ENV.instanceId] || null;
  if (instanceId !== null && !INSTANCE_ID.test(instanceId)) {
    throw new ConfigError(`WARDEN_INSTANCE_ID must be 1 to 64 letters, digits, "_" or "-", got ${shown(instanceId, 70)}`);
  }

  const httpAllow = parseHostPatterns(env[ENV.httpAllow]);
  return {
    shopify,
    meta,
    httpAllow,
    httpExactHosts: new Set(httpAllow.filter((r) => r.exact).map((r) => r.pattern.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''))),
    httpCredentials: parseCredentials(env[ENV.httpCredentials]),
    dataDir: resolveDataDir(null, env),
    policy,
    autoPause: switchFromEnv(env, ENV.autoPause, true),
    timeoutMs: intFromEnv(env, ENV.timeoutMs, 30_000, 100, 600_000),
    maxResponseBytes: intFromEnv(env, ENV.maxResponseBytes, 20 * 1024 * 1024, 1024, 512 * 1024 * 1024),
    retentionDays: intFromEnv(env, ENV.retentionDays, DEFAULTS.retentionDays, 1, 3650),
    maxEvents: intFromEnv(env, ENV.maxEvents, DEFAULTS.maxEvents, 1_000, 100_000_000),
    cloud,
    instanceId,
  };
}

/** Every secret value in the config, for tests and for last-line-of-defence redaction. */
export function configSecrets(c: GuardConfig): string[] {
  const out: string[] = [];
  if (c.shopify) out.push(c.shopify.token);
  if (c.meta) out.push(c.meta.token);
  for (const headers of c.httpCredentials.values()) out.push(...Object.values(headers));
  if (c.cloud) out.push(c.cloud.secret);
  return out.filter((s) => s.length >= 4);
}
