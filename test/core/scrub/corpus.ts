// The scrubber's corpus: every secret and PII family in each of the four carriers the guard
// scrubs (HTTP headers, URL query strings, JSON arguments, free text), plus look-alikes that
// must come through unchanged. scrub.corpus.test.ts runs every case; its size is asserted so
// the corpus cannot silently shrink.
import type { PiiCounts } from '../../../core/types.ts';

export type Carrier = 'header' | 'query' | 'json' | 'text';
export type Family =
  | 'email'
  | 'phone'
  | 'card'
  | 'shopify'
  | 'meta'
  | 'stripe'
  | 'aws'
  | 'github'
  | 'slack'
  | 'jwt'
  | 'pem'
  | 'db-url'
  | 'google'
  | 'openai'
  | 'sendgrid'
  | 'bearer'
  | 'param'
  | 'header'
  | 'survivor';

export interface CorpusCase {
  family: Family;
  carrier: Carrier;
  name: string;
  /** header: a header record · query: a URL · json: a JSON value · text: a string. */
  input: unknown;
  /** The exact expected output. */
  expected: unknown;
  /** Substrings that must not appear anywhere in the output (the raw secret). */
  absent: string[];
  /** Expected finding counts; missing types are 0. */
  counts: Partial<PiiCounts>;
}

/** How a scrubbed query value is written back: URL-encoded, with our [tokens] left readable. */
export function encodeLikeScrubber(s: string): string {
  return encodeURIComponent(s).replace(/%5B/g, '[').replace(/%5D/g, ']');
}

const TOKEN_OF = {
  email: '[email_redacted]',
  phone: '[phone_redacted]',
  card: '[card_redacted]',
  secret: '[REDACTED]',
} as const;
type CountKey = keyof typeof TOKEN_OF;

interface Sample {
  name: string;
  /** The sensitive text as it appears. */
  raw: string;
  /** What the scrubber turns it into (default: the family's token). */
  scrubbed?: string;
  /** What must be gone (default: raw). */
  absent?: string[];
}

/**
 * One sample placed in all four carriers, each time next to harmless neighbours (an id, an
 * order name, a UUID, a `limit` parameter) that must survive beside it.
 */
function inFourCarriers(family: Family, kind: CountKey, samples: Sample[]): CorpusCase[] {
  return samples.flatMap(({ name, raw, scrubbed = TOKEN_OF[kind], absent = [raw] }) => {
    const counts = { [kind]: 1 };
    return [
      {
        family,
        carrier: 'header' as const,
        name,
        counts,
        absent,
        input: { 'x-debug-note': `see ${raw}`, 'x-request-id': '2f1c3a9e-0a6b-4c1d-9e8f-7a6b5c4d3e2f' },
        expected: { 'x-debug-note': `see ${scrubbed}`, 'x-request-id': '2f1c3a9e-0a6b-4c1d-9e8f-7a6b5c4d3e2f' },
      },
      {
        family,
        carrier: 'query' as const,
        name,
        counts,
        absent,
        input: `https://api.example.com/v1/items?note=${encodeURIComponent(`see ${raw}`)}&limit=50`,
        expected: `https://api.example.com/v1/items?note=${encodeLikeScrubber(`see ${scrubbed}`)}&limit=50`,
      },
      {
        family,
        carrier: 'json' as const,
        name,
        counts,
        absent,
        input: { id: 632910392, note: `see ${raw}`, tags: ['summer', 'SKU-12345-XL'] },
        expected: { id: 632910392, note: `see ${scrubbed}`, tags: ['summer', 'SKU-12345-XL'] },
      },
      {
        family,
        carrier: 'text' as const,
        name,
        counts,
        absent,
        input: `upstream said: see ${raw} (order #1001)`,
        expected: `upstream said: see ${scrubbed} (order #1001)`,
      },
    ];
  });
}

// ---- PII -----------------------------------------------------------------------------------

const EMAILS = inFourCarriers('email', 'email', [
  { name: 'plain address', raw: 'jane.doe@example.com' },
  { name: 'plus tag, upper case, two-level TLD', raw: 'JOHN+orders@shop.co.uk' },
  { name: 'underscore local part, subdomain', raw: 'ops_team@mail.example.io' },
  { name: 'digits and dash', raw: 'first.last-1@example.org' },
]);

const PHONES = inFourCarriers('phone', 'phone', [
  { name: 'UK international', raw: '+44 20 7946 0958' },
  { name: 'US international with area in parentheses', raw: '+1 (415) 555-0132' },
  { name: 'Germany international', raw: '+49 30 901820' },
  { name: 'France international, pairs', raw: '+33 1 42 68 53 00' },
  { name: 'Japan international, dashes', raw: '+81 3-1234-5678' },
  { name: 'India international', raw: '+91 98765 43210' },
  { name: 'E.164 without separators', raw: '+14155550132' },
  { name: 'US national with parentheses', raw: '(415) 555-0132' },
  { name: 'US national with dashes', raw: '415-555-0132' },
  { name: 'US toll-free with leading 1', raw: '1-800-555-0199' },
  { name: 'UK mobile, trunk 0', raw: '07700 900123' },
  { name: 'UK London, trunk 0', raw: '020 7946 0958' },
]);

const CARDS = inFourCarriers('card', 'card', [
  { name: 'Visa, spaced', raw: '4111 1111 1111 1111' },
  { name: 'Visa, dashed', raw: '4111-1111-1111-1111' },
  { name: 'Mastercard', raw: '5555555555554444' },
  { name: 'Mastercard 2-series', raw: '2223003122003222' },
  { name: 'Amex 15 digits', raw: '378282246310005' },
  { name: 'Discover, spaced', raw: '6011 0009 9013 9424' },
  { name: 'JCB', raw: '3530111333300000' },
  { name: 'Diners 14 digits', raw: '30569309025904' },
  { name: 'Visa 13 digits', raw: '4222222222222' },
]);

// ---- Secrets by format ----------------------------------------------------------------------

const SHOPIFY = inFourCarriers('shopify', 'secret', [
  { name: 'admin access token shpat_', raw: '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' },
  { name: 'custom app token shpca_', raw: 'shpca_0123456789abcdef0123456789abcdef' },
  { name: 'private app token shppa_', raw: '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' },
  { name: 'shared secret shpss_', raw: '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' },
]);

const META = inFourCarriers('meta', 'secret', [
  { name: 'user token EAAG', raw: 'EAAGm0PX4ZCpsBAKZA2x7bQ9ZBWZAnjZCZBR0Z3ZBZAZCDQ8gZB0vZAK1lZCf5ZC7ZBwZDZD' },
  { name: 'page token EAAB', raw: 'EAABsbCS1iHgBOZBz9xZC4kQZB3ZCq7ZAlZBVpN0rZA8ZBcZAHMZCY6ZBWZA2ZB5gZDZD' },
  { name: 'system user token EAAJ', raw: 'EAAJZCw3ZBkZCq0BAO4e7VZC9bQkZAZB2ZCn4ZBT6ZCV1ZARZBzZAq8vZB3ZCsZD' },
]);

const STRIPE = inFourCarriers('stripe', 'secret', [
  { name: 'live secret key', raw: 'sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUv' },
  { name: 'test secret key', raw: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc' },
  { name: 'restricted key', raw: 'rk_live_51H8xYzAbCdEfGhIjKlMnOpQr' },
  { name: 'publishable key', raw: 'pk_live_51H8xYzAbCdEfGhIjKlMnOpQr' },
  { name: 'webhook signing secret', raw: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
]);

const AWS = inFourCarriers('aws', 'secret', [
  { name: 'access key id AKIA', raw: 'AKIAIOSFODNN7EXAMPLE' },
  { name: 'temporary key id ASIA', raw: 'ASIAY34FZKBOKMUTVV7A' },
  {
    name: 'labelled secret access key',
    raw: 'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    scrubbed: 'aws_secret_access_key=[REDACTED]',
    absent: ['wJalrXUtnFEMI'],
  },
]);

const GITHUB = inFourCarriers('github', 'secret', [
  { name: 'personal access token ghp_', raw: 'ghp_R2d2C3poBB8aLuke5kyWalker0123456789' },
  { name: 'OAuth token gho_', raw: 'gho_16C7e42F292c6912E7710c838347Ae178B4a' },
  { name: 'app installation token ghs_', raw: 'ghs_9aB8cD7eF6gH5iJ4kL3mN2oP1qR0sT9uV8wX' },
  { name: 'fine-grained PAT', raw: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF' },
]);

const SLACK = inFourCarriers('slack', 'secret', [
  { name: 'bot token xoxb-', raw: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx' },
  { name: 'user token xoxp-', raw: 'xoxp-123456789012-123456789012-123456789012-0123456789abcdef0123456789abcdef' },
  { name: 'app-level token xapp-', raw: 'xapp-1-A0123456789-1234567890123-abcdef0123456789' },
  {
    name: 'incoming webhook URL',
    raw: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    scrubbed: 'https://hooks.slack.com/services/[REDACTED]',
    absent: ['T00000000/B00000000'],
  },
]);

const JWTS = inFourCarriers('jwt', 'secret', [
  {
    name: 'HS256 JWT',
    raw: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  },
  {
    name: 'Shopify session token',
    raw: 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJodHRwczovL2RlbW8ubXlzaG9waWZ5LmNvbS9hZG1pbiIsImRlc3QiOiJodHRwczovL2RlbW8ubXlzaG9waWZ5LmNvbSJ9.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  },
]);

const PEM_RSA = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun',
  'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK',
  '-----END RSA PRIVATE KEY-----',
].join('\n');
const PEM_OPENSSH = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');
const PEMS = inFourCarriers('pem', 'secret', [
  { name: 'RSA private key block', raw: PEM_RSA, absent: ['MIIEowIBAAKCAQEA', 'PRIVATE KEY'] },
  { name: 'OpenSSH private key, escaped newlines', raw: PEM_OPENSSH.replace(/\n/g, '\\n'), absent: ['b3BlbnNzaC1rZXkt', 'PRIVATE KEY'] },
]);

const DB_URLS = inFourCarriers('db-url', 'secret', [
  {
    name: 'postgres',
    raw: 'postgres://app:s3cr3tPass@db.internal:5432/shop',
    scrubbed: 'postgres://app:[REDACTED]@db.internal:5432/shop',
    absent: ['s3cr3tPass'],
  },
  {
    name: 'mysql',
    raw: 'mysql://root:hunter2!@10.0.0.5:3306/orders',
    scrubbed: 'mysql://root:[REDACTED]@10.0.0.5:3306/orders',
    absent: ['hunter2!'],
  },
  {
    name: 'mongodb+srv',
    raw: 'mongodb+srv://admin:pa55word@cluster0.abcde.mongodb.net/db',
    scrubbed: 'mongodb+srv://admin:[REDACTED]@cluster0.abcde.mongodb.net/db',
    absent: ['pa55word'],
  },
  {
    name: 'redis with empty user',
    raw: 'redis://:Zx9QwErTy@cache.internal:6379/0',
    scrubbed: 'redis://:[REDACTED]@cache.internal:6379/0',
    absent: ['Zx9QwErTy'],
  },
]);

const GOOGLE = inFourCarriers('google', 'secret', [
  { name: 'API key', raw: 'AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe' },
  { name: 'Maps key', raw: 'AIzaSyB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1w' },
]);

const OPENAI = inFourCarriers('openai', 'secret', [
  { name: 'OpenAI project key', raw: 'sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90' },
  { name: 'OpenAI legacy key', raw: 'sk-3kX9vQ2mN8pL4rT6wY1zA5bC7dE0fG2hJ4kL6mN8' },
  { name: 'Anthropic key', raw: 'sk-ant-api03-Xy9Zw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc8Ba7-AbCdEf' },
]);

const SENDGRID = inFourCarriers('sendgrid', 'secret', [
  { name: 'API key', raw: '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' },
  { name: 'API key 2', raw: 'SG.aBcDeFgHiJkLmNoPqRsTuV.wXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ01' },
]);

const BEARERS = inFourCarriers('bearer', 'secret', [
  { name: 'opaque bearer token', raw: 'Bearer abc123def456ghi789', scrubbed: 'Bearer [REDACTED]', absent: ['abc123def456ghi789'] },
  {
    name: 'lower-case bearer, dashed token',
    raw: 'bearer 0a1b2c3d-4e5f-6789-abcd',
    scrubbed: 'bearer [REDACTED]',
    absent: ['0a1b2c3d-4e5f'],
  },
]);

// ---- Secrets by name: URL parameters, JSON keys, headers ----------------------------------------

function param(carrier: Carrier, name: string, input: unknown, expected: unknown, absent: string[], secret = 1): CorpusCase {
  return { family: 'param', carrier, name, input, expected, absent, counts: { secret } };
}

const PARAMS: CorpusCase[] = [
  // query strings: the value goes, the name stays
  ...(
    [
      ['access_token', 'EAAB0nlyAFakeButLong123'],
      ['token', 'tok_9f8e7d6c5b4a'],
      ['key', 'AIzaLikeButNotQuite123'],
      ['api_key', 'k-2f9a8b7c'],
      ['apikey', 'ZXhhbXBsZWtleQ'],
      ['client_secret', 'cs_live_abcdef123'],
      ['signature', 'a1b2c3d4e5f6'],
      ['sig', '9f8e7d6c'],
      ['password', 'hunter2'],
      ['code', '4/0AX4XfWh-oauth-code'],
      ['refresh_token', 'rt_1a2b3c4d5e'],
      ['id_token', 'idt_0a9b8c7d'],
      ['hmac', '0f1e2d3c4b5a69788796a5b4c3d2e1f0'],
      ['appsecret_proof', 'f00dfeed0123456789'],
      ['fb_exchange_token', 'shortLivedToken42'],
      ['hub.verify_token', 'my-verify-token-77'],
      ['X-Amz-Signature', 'd6f2a1b0c9e8d7f6'],
      ['session', 's%3Aabc123.def'],
      ['webhook_secret', 'whk_77aa88bb'],
    ] as Array<[string, string]>
  ).map(([name, value]) =>
    param(
      'query',
      `query parameter ${name}`,
      `https://graph.example.com/v23.0/me?fields=id,name&${name}=${value}&limit=25`,
      `https://graph.example.com/v23.0/me?fields=id,name&${name}=[REDACTED]&limit=25`,
      [`=${value}`],
    ),
  ),
  param(
    'query',
    'token in the fragment (OAuth implicit flow)',
    'https://app.example.com/callback#access_token=ya29.a0AfH6SM&expires_in=3599',
    'https://app.example.com/callback#access_token=[REDACTED]&expires_in=3599',
    ['ya29.a0AfH6SM'],
  ),
  param(
    'query',
    'two tokens in one URL',
    'https://api.example.com/x?client_id=42&client_secret=abcSecret99&code=xyzCode11',
    'https://api.example.com/x?client_id=42&client_secret=[REDACTED]&code=[REDACTED]',
    ['abcSecret99', 'xyzCode11'],
    2,
  ),
  param(
    'query',
    'URL-encoded parameter name',
    'https://api.example.com/x?access%5Ftoken=EAAsomething99&limit=5',
    'https://api.example.com/x?access%5Ftoken=[REDACTED]&limit=5',
    ['EAAsomething99'],
  ),
  // free text: URLs inside messages, labelled values
  param(
    'text',
    'URL with access_token in an error message',
    'GET https://graph.facebook.com/v23.0/me?access_token=abc123xyz&fields=id failed',
    'GET https://graph.facebook.com/v23.0/me?access_token=[REDACTED]&fields=id failed',
    ['abc123xyz'],
  ),
  param(
    'text',
    'URL with key= in a log line',
    'fetch https://maps.example.com/api?key=k9q8w7e6&q=berlin',
    'fetch https://maps.example.com/api?key=[REDACTED]&q=berlin',
    ['k9q8w7e6'],
  ),
  param('text', 'password: label', 'login failed for admin, password: Tr0ub4dor&3', 'login failed for admin, password: [REDACTED]&3', [
    'Tr0ub4dor',
  ]),
  param(
    'text',
    'JSON-looking text with a secret key',
    '{"client_secret":"cs_9988776655","client_id":"42"}',
    '{"client_secret":"[REDACTED]","client_id":"42"}',
    ['cs_9988776655'],
  ),
  param('text', 'camel-case label', 'login PassWord: Hunter2x ok', 'login PassWord: [REDACTED] ok', ['Hunter2x']),
  param(
    'text',
    'GraphQL argument with a password',
    'mutation { customerCreate(input: {email: "x", password: "s3cret!"}) { userErrors { message } } }',
    'mutation { customerCreate(input: {email: "x", password: "[REDACTED]"}) { userErrors { message } } }',
    ['s3cret!'],
  ),
  param('text', 'env-style label', 'STRIPE_SECRET_KEY=ABCDEFabcdef123456 loaded', 'STRIPE_SECRET_KEY=[REDACTED] loaded', [
    'ABCDEFabcdef123456',
  ]),
  param('text', 'quoted password with a space', "config: password = 'correct horse'", "config: password = '[REDACTED]'", ['correct horse']),
  param(
    'text',
    'escaped JSON inside a log string',
    String.raw`body={\"token\":\"t0k3n-value\"}`,
    String.raw`body={\"token\":\"[REDACTED]\"}`,
    ['t0k3n-value'],
  ),
  // headers: a URL with a token inside a non-credential header
  param(
    'header',
    'Referer with access_token',
    { referer: 'https://app.example.com/?access_token=abc123&x=1' },
    { referer: 'https://app.example.com/?access_token=[REDACTED]&x=1' },
    ['abc123'],
  ),
  param(
    'header',
    'Location with code',
    { location: 'https://app.example.com/cb?code=oauthcode99&state=s1' },
    { location: 'https://app.example.com/cb?code=[REDACTED]&state=s1' },
    ['oauthcode99'],
  ),
  param(
    'header',
    'Link header with sig',
    { link: '<https://cdn.example.com/f.png?sig=abcd1234&exp=1>; rel="preload"' },
    { link: '<https://cdn.example.com/f.png?sig=[REDACTED]&exp=1>; rel="preload"' },
    ['abcd1234'],
  ),
  param('header', 'X-Debug with password label', { 'x-debug': 'db password=pg-pass-77' }, { 'x-debug': 'db password=[REDACTED]' }, [
    'pg-pass-77',
  ]),
  // JSON: secret-named keys, in any casing
  param('json', 'password', { email_verified: true, password: 'hunter2' }, { email_verified: true, password: '[REDACTED]' }, ['hunter2']),
  param('json', 'accessToken (camelCase)', { shop: 'demo', accessToken: 'shop-token-123' }, { shop: 'demo', accessToken: '[REDACTED]' }, [
    'shop-token-123',
  ]),
  param('json', 'client_secret', { client_id: 'abc', client_secret: 'topsecret42' }, { client_id: 'abc', client_secret: '[REDACTED]' }, [
    'topsecret42',
  ]),
  param(
    'json',
    'api_key nested in an array',
    { integrations: [{ name: 'mail', api_key: 'mk-55aa' }] },
    { integrations: [{ name: 'mail', api_key: '[REDACTED]' }] },
    ['mk-55aa'],
  ),
  param(
    'json',
    'refresh_token and id_token',
    { refresh_token: 'rt-1', id_token: 'it-2' },
    { refresh_token: '[REDACTED]', id_token: '[REDACTED]' },
    ['rt-1', 'it-2'],
    2,
  ),
  param('json', 'appsecret_proof', { appsecret_proof: 'f00dfeed99' }, { appsecret_proof: '[REDACTED]' }, ['f00dfeed99']),
  param(
    'json',
    'private_key',
    { type: 'service_account', private_key: 'MIIEvQIBADANBgkq' },
    { type: 'service_account', private_key: '[REDACTED]' },
    ['MIIEvQIBADANBgkq'],
  ),
  param('json', 'numeric secret value', { pin: 1234, password: 98765432 }, { pin: 1234, password: '[REDACTED]' }, ['98765432']),
  param(
    'json',
    'webhookSecret suffix',
    { topic: 'orders/create', webhookSecret: 'whs-abc-77' },
    { topic: 'orders/create', webhookSecret: '[REDACTED]' },
    ['whs-abc-77'],
  ),
];

function header(carrier: Carrier, name: string, input: unknown, expected: unknown, absent: string[], secret = 1): CorpusCase {
  return { family: 'header', carrier, name, input, expected, absent, counts: { secret } };
}

const CREDENTIAL_HEADERS: CorpusCase[] = [
  ...(
    [
      ['Authorization', 'Bearer ya29.a0AfH6SMBx'],
      ['authorization', 'Basic dXNlcjpwYXNzd29yZA=='],
      ['Proxy-Authorization', 'Basic cHJveHk6c2VjcmV0'],
      ['Cookie', 'sid=s%3AabcDEF123; theme=dark'],
      ['X-Shopify-Access-Token', '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'],
      ['X-Api-Key', 'key-8c7b6a5d4e3f'],
      ['Api-Key', 'plain-api-key-value'],
      ['X-Auth-Token', 'auth-tok-00112233'],
      ['X-Access-Token', 'acc-tok-44556677'],
      ['X-Amz-Security-Token', 'FwoGZXIvYXdzEBYaDH'],
      ['X-Shopify-Hmac-Sha256', 'XWmrwMey6OsLMeiZKwP4FppHH3cmAiiJJAweH5Jo4bM='],
      ['X-Hub-Signature', 'sha1=7d38cdd689735b008b3c702edd92eea23791c5f6'],
      ['X-Hub-Signature-256', 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17'],
      ['X-CSRF-Token', 'csrf-998877'],
      ['X-Client-Secret', 'client-secret-value'],
      ['X-Session-Id', 'sess-1234abcd'],
      ['x-goog-api-key', 'goog-key-value'],
      ['Ocp-Apim-Subscription-Key', 'apim-key-value'],
    ] as Array<[string, string]>
  ).map(([name, value]) =>
    header(
      'header',
      `${name} header`,
      { [name]: value, 'content-type': 'application/json' },
      { [name]: '[REDACTED]', 'content-type': 'application/json' },
      [value],
    ),
  ),
  header(
    'header',
    'Set-Cookie with several values',
    { 'set-cookie': ['sid=abc123; HttpOnly', 'csrftoken=xyz789; Path=/'] },
    { 'set-cookie': ['[REDACTED]', '[REDACTED]'] },
    ['abc123', 'xyz789'],
    2,
  ),
  header(
    'text',
    'Authorization line in a log',
    'request headers: Authorization: Basic dXNlcjpwYXNzd29yZA== host: x',
    'request headers: Authorization: Basic [REDACTED] host: x',
    ['dXNlcjpwYXNzd29yZA'],
  ),
  header('text', 'X-Api-Key line in a log', 'sent X-Api-Key: key-8c7b6a5d4e3f to upstream', 'sent X-Api-Key: [REDACTED] to upstream', [
    'key-8c7b6a5d4e3f',
  ]),
  header('text', 'X-Auth-Token line in a log', 'x-auth-token=abc.def.ghi123 rejected', 'x-auth-token=[REDACTED] rejected', [
    'abc.def.ghi123',
  ]),
  header(
    'json',
    'headers object with Authorization',
    { headers: { Authorization: 'Bearer opaque123', Accept: 'application/json' } },
    { headers: { Authorization: '[REDACTED]', Accept: 'application/json' } },
    ['opaque123'],
  ),
  header(
    'json',
    'headers object with Cookie and X-Api-Key',
    { headers: { Cookie: 'sid=1a2b', 'X-Api-Key': 'k-3c4d' } },
    { headers: { Cookie: '[REDACTED]', 'X-Api-Key': '[REDACTED]' } },
    ['sid=1a2b', 'k-3c4d'],
    2,
  ),
  header(
    'json',
    'X-Shopify-Access-Token as a JSON key',
    { 'X-Shopify-Access-Token': 'opaque-admin-token' },
    { 'X-Shopify-Access-Token': '[REDACTED]' },
    ['opaque-admin-token'],
  ),
  header(
    'query',
    'authorization as a query parameter',
    'https://api.example.com/x?authorization=Basic%20abc123&v=2',
    'https://api.example.com/x?authorization=[REDACTED]&v=2',
    ['abc123'],
  ),
  header(
    'query',
    'X-Amz-Security-Token in a presigned URL',
    'https://bucket.s3.amazonaws.com/f.csv?X-Amz-Security-Token=FwoGZXIv&X-Amz-Expires=300',
    'https://bucket.s3.amazonaws.com/f.csv?X-Amz-Security-Token=[REDACTED]&X-Amz-Expires=300',
    ['FwoGZXIv'],
  ),
];

// ---- Look-alikes that must survive ------------------------------------------------------------

function survivor(carrier: Carrier, name: string, input: unknown): CorpusCase {
  return { family: 'survivor', carrier, name, input, expected: input, absent: [], counts: {} };
}

const SURVIVING_TEXT: Array<[string, string]> = [
  ['Shopify product id', 'product 632910392 updated'],
  ['Meta ad set id, 17 digits', 'ad set 23851234567890123 paused'],
  ['Meta campaign id, 18 digits', 'campaign 120210000000000000 active'],
  ['Meta ad account', 'act_1234567890123456 spend cap'],
  ['order name', 'order #1001 fulfilled'],
  ['order name with suffix', 'order #1001-2 split'],
  ['millisecond timestamp', 'ts=1732406400000'],
  ['second timestamp', 'since 1732406400'],
  ['ISO timestamp', '2026-11-23T10:00:00Z'],
  ['ISO timestamp with offset', '2026-11-23T10:00:00+01:00'],
  ['ISO timestamp with millis', '2026-11-23T10:00:00.123Z'],
  ['date', '2026-11-23'],
  ['European date', '23.11.2026'],
  ['US date', '11/23/2026'],
  ['date with dashes, day first', '23-11-2026'],
  ['date and time', '2026-11-23 10:00:00'],
  ['UUID', '550e8400-e29b-41d4-a716-446655440000'],
  ['UUID with digit-heavy groups', '12345678-1234-1234-1234-123456789012'],
  ['SKU', 'SKU-12345-XL'],
  ['SKU with long digits', 'SKU-4111111111111111'],
  ['price', 'price 19.99'],
  ['price with thousands', 'total $1,299.00'],
  ['large price', '1,234,567.89 EUR'],
  ['API version', 'api version 2025-10'],
  ['Meta API version', 'v23.0'],
  ['semver', 'warden 1.2.3'],
  ['GID', 'gid://shopify/Product/8123456789012'],
  ['GID variant', 'gid://shopify/ProductVariant/44012345678901'],
  ['admin path with version', '/admin/api/2025-10/products/8123456789012.json'],
  ['Meta path', '/v23.0/act_1234567890/campaigns'],
  ['plain URL', 'https://demo-shop.myshopify.com/admin/api/2025-10/orders.json?status=any&limit=250'],
  ['URL with page_info cursor', 'https://demo.myshopify.com/admin/api/2025-10/products.json?page_info=eyJsYXN0X2lkIjo4MTIzfQ&limit=50'],
  ['US ZIP', 'San Francisco, CA 94103'],
  ['US ZIP+4', 'ZIP 94103-1234'],
  ['UK postcode', 'London SW1A 1AA'],
  ['hex color', 'color #ff00aa'],
  ['short hex color', 'color #0af'],
  ['git sha', 'commit a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'],
  ['sha256 hex', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['GraphQL cursor', 'after: "eyJsYXN0X2lkIjo4MTIzNDU2Nzg5MDEyLCJsYXN0X3ZhbHVlIjoiODEyMzQ1Njc4OTAxMiJ9"'],
  ['Luhn-invalid 16 digits', 'ref 4111111111111112'],
  ['Luhn-valid 16 digits with no card prefix', 'ref 1234567812345670'],
  ['Luhn-valid 13-digit Shopify-like id', 'product 8123456789017'],
  ['short digit run', 'call extension 5550132'],
  ['7-digit local number', 'desk 555-0132'],
  ['quantity range', 'between 10 and 20 units'],
  ['IP address', 'from 192.168.1.10'],
  ['IPv6', 'from 2001:db8::1'],
  ['percent', '+5% week over week'],
  ['time', 'at 10:00:00'],
  ['duration', 'took 1234 ms'],
  ['retina asset', 'logo@2x.png'],
  ['npm scope', '@shopify/polaris@12.0.0'],
  ['mention', 'thanks @jane'],
  ['local user', 'root@localhost'],
  ['git remote without dot tld', 'git@gitlab'],
  ['bearer in prose', 'bearer bonds are old finance'],
  ['secret in prose', 'the secret sauce recipe'],
  ['password in prose', 'password reset link sent'],
  ['token count', 'max_tokens 1024 used'],
  ['Authorization failed message', 'Authorization failed: invalid scope'],
  ['key colour field', 'key color'],
  ['product handle starting sk-', 'sk-blue-hoodie-large-cotton-blend'],
  ['Asia in prose', 'Ships to ASIA and EU'],
  ['EAA in prose', 'EAA approved'],
  ['short AKIA-like word', 'AKIAX is short'],
  ['shp without token', 'shp_pending'],
  ['JWT-looking but no dots', 'eyJhbGciOiJIUzI1NiJ9'],
  ['base64 host param', 'host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtbw'],
  ['URL without userinfo', 'postgres://db.internal:5432/shop'],
  ['URL with port only', 'http://localhost:8080/health'],
  ['Shopify rate limit header value', '32/40'],
];

const SURVIVORS: CorpusCase[] = [
  ...SURVIVING_TEXT.map(([name, text]) => survivor('text', name, text)),
  // JSON
  survivor('json', 'metafield with key: "color"', {
    metafields: [{ namespace: 'custom', key: 'color', type: 'single_line_text_field', value: 'sand' }],
  }),
  survivor('json', 'ids and timestamps as numbers', { id: 632910392, updated_at: 1732406400000, ad_id: 23851234567890 }),
  survivor('json', 'Shopify GID and SKU', { id: 'gid://shopify/Product/8123456789012', sku: 'SKU-12345-XL', price: '19.99' }),
  survivor('json', 'Luhn-invalid 16-digit number', { reference: 4111111111111112 }),
  survivor('json', 'error code field', { code: 'THROTTLED', message: 'Too many requests' }),
  survivor('json', 'token counts are not tokens', { max_tokens: 1024, total_tokens: 812, token_count: 5 }),
  survivor('json', 'boolean and null under secret-named keys', { hasPassword: false, nextPageToken: null, password: '' }),
  survivor('json', 'GraphQL pagination cursor', { after: 'eyJsYXN0X2lkIjo4MTIzNDU2Nzg5MDEyfQ', first: 50 }),
  survivor('json', 'idempotency key and session object', { idempotencyKey: 'order-1001-retry', session: { id: 7, started: '2026-11-23' } }),
  survivor('json', 'Meta insights params', {
    date_preset: 'last_7d',
    level: 'campaign',
    fields: ['impressions', 'spend'],
    time_range: { since: '2026-11-01', until: '2026-11-23' },
  }),
  survivor('json', 'nested arrays of prices', {
    lines: [
      [1, '19.99'],
      [2, '1,299.00'],
    ],
    currency: 'EUR',
  }),
  survivor('json', 'public key is not private', { publicKey: 'pk-display-only', keyId: 'k1' }),
  survivor('json', 'UUID and version', { request_id: '550e8400-e29b-41d4-a716-446655440000', api_version: '2025-10' }),
  survivor('json', 'hex color and ZIP', { color: '#ff00aa', zip: '94103' }),
  survivor('json', 'empty containers', { a: [], b: {}, c: [[]] }),
  // query strings
  survivor('query', 'Shopify list with fields', 'https://demo.myshopify.com/admin/api/2025-10/products.json?fields=id,title&limit=50'),
  survivor('query', 'since_id', 'https://demo.myshopify.com/admin/api/2025-10/orders.json?since_id=632910392&status=any'),
  survivor(
    'query',
    'page_info cursor',
    'https://demo.myshopify.com/admin/api/2025-10/products.json?page_info=eyJsYXN0X2lkIjo4MTIzfQ&limit=50',
  ),
  survivor(
    'query',
    'encoded timestamp',
    'https://demo.myshopify.com/admin/api/2025-10/orders.json?created_at_min=2026-11-23T10%3A00%3A00Z',
  ),
  survivor(
    'query',
    'Meta insights',
    'https://graph.facebook.com/v23.0/act_1234567890/insights?fields=spend,clicks&date_preset=last_7d&level=adset',
  ),
  survivor('query', 'Meta ids list', 'https://graph.facebook.com/v23.0/?ids=23851234567890123,23851234567890124'),
  survivor(
    'query',
    'time_range JSON, encoded',
    'https://graph.facebook.com/v23.0/act_1/insights?time_range=%7B%22since%22%3A%222026-11-01%22%7D',
  ),
  survivor('query', 'locale and shop', 'https://app.example.com/auth?shop=demo.myshopify.com&locale=en-US'),
  survivor('query', 'fragment anchor', 'https://docs.example.com/guide#section-2'),
  survivor('query', 'no query', 'https://demo.myshopify.com/admin/api/2025-10/shop.json'),
  survivor('query', 'relative path with query', '/admin/api/2025-10/products/8123456789012/variants.json?limit=5'),
  survivor('query', 'malformed percent escape', 'https://x.example.com/a?q=100%&r=%zz'),
  // headers
  survivor('header', 'typical request headers', {
    host: 'demo.myshopify.com',
    'content-type': 'application/json',
    accept: '*/*',
    'user-agent': 'warden/0.1.0 (node 20.20.2)',
  }),
  survivor('header', 'Shopify response headers', {
    'x-shopify-shop-api-call-limit': '32/40',
    'x-request-id': '2f1c3a9e-0a6b-4c1d-9e8f-7a6b5c4d3e2f',
    'x-shopify-api-version': '2025-10',
  }),
  survivor('header', 'Meta usage headers', {
    'x-app-usage': '{"call_count":28,"total_cputime":25,"total_time":25}',
    'x-business-use-case-usage': '{"1234567890":[{"type":"ads_management","call_count":1}]}',
    'x-fb-trace-id': 'AbCdEfGh123',
  }),
  survivor('header', 'Link header with page_info', {
    link: '<https://demo.myshopify.com/admin/api/2025-10/products.json?limit=50&page_info=eyJsYXN0X2lkIjo4MTIzfQ>; rel="next"',
  }),
  survivor('header', 'date, etag, retry-after, content-length', {
    date: 'Sun, 23 Nov 2026 10:00:00 GMT',
    etag: 'W/"5c1e2d3f"',
    'retry-after': '2.0',
    'content-length': '1234',
  }),
  survivor('header', 'multi-value header', { vary: ['Accept', 'Accept-Encoding'] }),
  survivor('header', ':authority pseudo-header', { ':authority': 'graph.facebook.com', ':path': '/v23.0/me' }),
];

export const CORPUS: CorpusCase[] = [
  ...EMAILS,
  ...PHONES,
  ...CARDS,
  ...SHOPIFY,
  ...META,
  ...STRIPE,
  ...AWS,
  ...GITHUB,
  ...SLACK,
  ...JWTS,
  ...PEMS,
  ...DB_URLS,
  ...GOOGLE,
  ...OPENAI,
  ...SENDGRID,
  ...BEARERS,
  ...PARAMS,
  ...CREDENTIAL_HEADERS,
  ...SURVIVORS,
];
