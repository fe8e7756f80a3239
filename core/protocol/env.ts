// Names and defaults shared by the guard, its CLI and the extension (which builds the guard's
// environment from SecretStorage and settings): defined once here.

/** The guard's environment variables (DESIGN.md "Guard tools"). */
export const ENV = {
  shopifyStore: 'WARDEN_SHOPIFY_STORE',
  shopifyToken: 'WARDEN_SHOPIFY_TOKEN',
  shopifyApiVersion: 'WARDEN_SHOPIFY_API_VERSION',
  shopifyBaseUrl: 'WARDEN_SHOPIFY_BASE_URL',
  metaToken: 'WARDEN_META_TOKEN',
  metaApiVersion: 'WARDEN_META_API_VERSION',
  metaBaseUrl: 'WARDEN_META_BASE_URL',
  httpAllow: 'WARDEN_HTTP_ALLOW',
  httpCredentials: 'WARDEN_HTTP_CREDENTIALS',
  dataDir: 'WARDEN_DATA_DIR',
  policy: 'WARDEN_POLICY',
  autoPause: 'WARDEN_AUTO_PAUSE',
  cloudUrl: 'WARDEN_CLOUD_URL',
  cloudKeyId: 'WARDEN_CLOUD_KEY_ID',
  cloudSecret: 'WARDEN_CLOUD_SECRET',
  uploadIntervalMs: 'WARDEN_UPLOAD_INTERVAL_MS',
  timeoutMs: 'WARDEN_TIMEOUT_MS',
  maxResponseBytes: 'WARDEN_MAX_RESPONSE_BYTES',
  retentionDays: 'WARDEN_RETENTION_DAYS',
  maxEvents: 'WARDEN_MAX_EVENTS',
  /** Set by the extension so each window recognises alerts from the guard it launched. */
  instanceId: 'WARDEN_INSTANCE_ID',
} as const;

/** Variables that hold secrets: never logged, shown or copied without the user's say-so. */
export const SECRET_ENV: readonly string[] = [ENV.shopifyToken, ENV.metaToken, ENV.httpCredentials, ENV.cloudSecret];

/**
 * `<secret variable>_COMMAND` (e.g. `WARDEN_SHOPIFY_TOKEN_COMMAND="op read …"`): the guard runs it
 * once at start and uses its output as the secret (guard-server/credential-ref.ts). Empty means
 * unset: the extension sets it empty when it supplies the secret itself.
 */
export const CREDENTIAL_COMMAND_SUFFIX = '_COMMAND';
/** How long a credential command may run at start (ms). */
export const CREDENTIAL_TIMEOUT_ENV = 'WARDEN_CREDENTIAL_TIMEOUT_MS';

/** The data dir is `~/<DATA_DIR_NAME>` unless WARDEN_DATA_DIR names another (store/data-dir.ts resolves it). */
export const DATA_DIR_NAME = '.warden';

export const DEFAULTS = {
  shopifyApiVersion: '2025-10',
  metaApiVersion: 'v23.0',
  policy: 'monitor',
  uploadIntervalMs: 30_000,
  retentionDays: 90,
  maxEvents: 1_000_000,
} as const;

/** A guard instance id given through WARDEN_INSTANCE_ID (it also names journal files). */
export const INSTANCE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** One WARDEN_HTTP_ALLOW entry, lower-case: "api.example.com", "*.example.com", "*", "host:port" or "[::1]:8080". */
export const HOST_PATTERN = /^(\*|\*\.[a-z0-9.-]+|[a-z0-9.-]+|\[[0-9a-f:]+\])(:\d{1,5})?$/;

/** Shopify Admin API versions: "2025-10" or "unstable". */
export const SHOPIFY_API_VERSION = /^\d{4}-\d{2}$|^unstable$/;
/** Meta Graph API versions: "v23.0". */
export const META_API_VERSION = /^v\d{1,2}\.\d$/;

/**
 * "My-Shop", "my-shop.myshopify.com" or "https://my-shop.myshopify.com/admin" →
 * "my-shop.myshopify.com"; null when it is not a shop name or *.myshopify.com domain.
 */
export function normaliseShopDomain(raw: string): string | null {
  const shop = raw
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '');
  const full = shop.includes('.') ? shop : `${shop}.myshopify.com`;
  return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(full) ? full : null;
}
