// Which names mark a value as a secret: HTTP header names, URL/query parameter names and
// JSON object keys. Three lists because the three carriers differ in how ambiguous a name is:
// `key` is a credential in a query string (`?key=AIza…`) but a plain field in JSON (Shopify
// metafields have `key: "color"`), so each carrier has its own rule.
//
// The same few dozen names come by on every request, so each check remembers its answers
// (a bounded memo: pure, just cheaper the second time).

const MEMO_LIMIT = 2048;

export function memoized(check: (name: string) => boolean): (name: string) => boolean {
  const memo = new Map<string, boolean>();
  return (name) => {
    let answer = memo.get(name);
    if (answer === undefined) {
      answer = check(name);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(name, answer);
    }
    return answer;
  };
}

/** Header names that are credentials themselves (compared lower-cased). */
const SENSITIVE_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-shopify-access-token',
  'x-shopify-hmac-sha256',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
  'x-amz-security-token',
  'x-hub-signature',
  'x-hub-signature-256',
]);

/** Fragments that make any header name sensitive (`x-csrf-token`, `x-client-secret`, …). */
const SENSITIVE_HEADER_PARTS = [
  'token',
  'secret',
  'password',
  'passwd',
  'api-key',
  'apikey',
  'api_key',
  'signature',
  'session',
  'credential',
  'hmac',
  'authorization',
  'cookie',
];

/** `auth` as a whole dash/underscore-separated word (`x-auth`, `x-auth-user`), not `:authority`. */
const AUTH_WORD = /(?:^|[-_])auth(?:[-_]|$)/;

function headerNameIsSensitive(name: string): boolean {
  const lower = name.toLowerCase();
  if (SENSITIVE_HEADERS.has(lower)) return true;
  for (const part of SENSITIVE_HEADER_PARTS) if (lower.includes(part)) return true;
  // `x-functions-key`, `ocp-apim-subscription-key`: a header ending in "key" carries one.
  return lower.endsWith('-key') || lower.endsWith('_key') || AUTH_WORD.test(lower);
}

/** Query/URL parameter names whose value is a credential (normalized: lower case, `-`/`.` → `_`). */
const SENSITIVE_PARAMS = new Set([
  'access_token',
  'token',
  'key',
  'api_key',
  'apikey',
  'secret',
  'client_secret',
  'signature',
  'sig',
  'password',
  'passwd',
  'pwd',
  'code',
  'auth_code',
  'authorization_code',
  'refresh_token',
  'id_token',
  'auth',
  'authorization',
  'session',
  'sessionid',
  'session_id',
  'hmac',
  'appsecret_proof',
  'fb_exchange_token',
  'jwt',
  'otp',
  'passcode',
  'private_key',
  'credential',
  'credentials',
]);

/** Suffixes of the compact name (separators removed) that mark a credential in any carrier. */
const SECRET_SUFFIXES = ['token', 'secret', 'password', 'passwd', 'apikey', 'privatekey', 'secretkey', 'accesskey'];

function endsWithAny(s: string, suffixes: readonly string[]): boolean {
  for (const suffix of suffixes) if (s.endsWith(suffix)) return true;
  return false;
}

/** Lower case, `-`/`.` → `_`, and for PHP-style `a[b]` names the innermost part `b`. */
function normalizeParamName(name: string): string {
  let n = name.trim().toLowerCase();
  if (n.endsWith('[]')) n = n.slice(0, -2);
  const open = n.lastIndexOf('[');
  if (open !== -1 && n.endsWith(']')) n = n.slice(open + 1, -1);
  return n.replace(/[-.]/g, '_');
}

function paramNameIsSensitive(name: string): boolean {
  if (name.length === 0 || name.length > 128) return false;
  const n = normalizeParamName(name);
  if (SENSITIVE_PARAMS.has(n)) return true;
  if (n.endsWith('_key') || n.endsWith('_signature') || n.endsWith('_credential')) return true;
  return endsWithAny(n.replace(/_/g, ''), SECRET_SUFFIXES);
}

/**
 * JSON keys that unambiguously hold a secret, compared compacted (lower case, no `_`, `-`,
 * `.` or spaces) so `accessToken`, `access_token` and `Access-Token` are one name. Plain `key`,
 * `code` and `session` are deliberately absent: in JSON they are ordinary fields.
 */
const SECRET_JSON_KEYS = new Set([
  'password',
  'passwd',
  'passphrase',
  'token',
  'secret',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'apikey',
  'clientsecret',
  'appsecretproof',
  'privatekey',
  'secretkey',
  'credential',
  'credentials',
  'signature',
  'hmac',
  'awssecretaccesskey',
  'xshopifyaccesstoken',
  'pwd',
  'passcode',
  'auth', // Docker config.json: auths.<registry>.auth is base64 user:password
  'secretstring', // AWS Secrets Manager GetSecretValue
  'secretbinary',
  'dockerconfigjson', // Kubernetes dockerconfigjson secrets
]);

function jsonKeyIsSensitive(key: string): boolean {
  if (key.length === 0 || key.length > 128) return false;
  const compact = key.toLowerCase().replace(/[-_.\s]/g, '');
  return SECRET_JSON_KEYS.has(compact) || endsWithAny(compact, SECRET_SUFFIXES);
}

export const isSensitiveHeaderName = memoized(headerNameIsSensitive);
export const isSensitiveParamName = memoized(paramNameIsSensitive);
export const isSensitiveJsonKey = memoized(jsonKeyIsSensitive);

/**
 * Names that suggest, without saying, that a value is a credential (`signingKey`, `authValue`,
 * `x-custom-auth`, `webhook_salt`): their value goes only when it is also random-looking
 * (entropy.ts), so `key: "color"` and `idempotencyKey: <uuid>` survive.
 */
const SECRET_HINT_WORDS = new Set([
  'key',
  'apikey',
  'secret',
  'token',
  'auth',
  'pass',
  'password',
  'passwd',
  'pwd',
  'cred',
  'creds',
  'credential',
  'credentials',
  'sig',
  'signature',
  'hmac',
  'salt',
  'cookie',
  'session',
  'bearer',
  'private',
]);
/** Word boundaries inside a name: separators, and lower→upper case changes (camelCase). */
const NAME_WORDS = /[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])/g;

function nameHintsAtSecret(name: string): boolean {
  if (name.length === 0 || name.length > 128) return false;
  for (const word of name.match(NAME_WORDS) ?? []) if (SECRET_HINT_WORDS.has(word.toLowerCase())) return true;
  return false;
}

/** Whole words only: `signingKey`, `x-custom-auth`, `hash_salt` hint; `keyboard`, `passenger` do not. */
export const isSecretHintName = memoized(nameHintsAtSecret);

/** Any of the three carriers' rules: used for `{name, value}` pairs, whose carrier is unknown. */
export function isSensitiveName(name: string): boolean {
  return isSensitiveJsonKey(name) || isSensitiveParamName(name) || isSensitiveHeaderName(name);
}
