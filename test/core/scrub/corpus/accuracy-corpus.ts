// The accuracy corpus: labelled cases generated from fake credentials in real formats (never
// real ones), phone numbers from libphonenumber's example set, addresses and look-alikes, each
// placed in the four carriers the guard scrubs (HTTP headers, URL query, JSON, free text).
// Deterministic (seeded), so the published figures are reproducible. Read by the accuracy
// script (scripts/scrub-accuracy.ts) and its test.
import { getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import examples from 'libphonenumber-js/examples.mobile.json';

export type Carrier = 'header' | 'query' | 'json' | 'text';
export type Expect = 'secret' | 'email' | 'phone' | 'card' | 'none';

export interface AccuracyCase {
  family: string;
  carrier: Carrier;
  name: string;
  /** header: a header record · query: a URL · json: a JSON value · text: a string. */
  input: unknown;
  expect: Expect;
  /** What must be gone from the output when expect is not none. */
  sensitive: string[];
}

// ---- Fake values in real formats ------------------------------------------------------------

let seed = 0x5eed;
function random(): number {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const LOWER_NUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '_-';
function pick(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  // Real keys of this length always hold a digit and a letter; so do the fakes.
  return /\d/.test(s) || !/\d/.test(alphabet) ? s : '7' + s.slice(1);
}
const digits = (n: number) => pick('0123456789', n);

interface Secret {
  name: string;
  raw: string;
}

const s = (name: string, raw: string): Secret => ({ name, raw });

/** Provider credentials by family. */
function providerSecrets(): Record<string, Secret[]> {
  return {
    cloud: [
      s('AWS access key id', 'AKIA' + pick(UPPER_NUM, 16)),
      s('AWS temporary key id', 'ASIA' + pick(UPPER_NUM, 16)),
      s('GCP API key', 'AIza' + pick(B64URL, 35)),
      s('GCP OAuth access token', 'ya29.' + pick(B64URL, 120)),
      s('Azure AD client secret', pick(ALNUM, 3) + '8Q~' + pick(ALNUM, 34)),
      s('Alibaba access key id', 'LTAI' + pick(ALNUM, 20)),
      s('DigitalOcean PAT', 'dop_v1_' + pick(HEX, 64)),
      s('Doppler token', 'dp.pt.' + pick(ALNUM, 43)),
      s('Heroku API key v2', 'HRKU-AA' + pick(B64URL, 58)),
      s('Bedrock API key', 'ABSK' + pick(B64, 130)),
      // Known hard: a bare AWS secret access key has no prefix; gitleaks needs a label too.
      s('AWS secret access key, no label', pick(B64, 40)),
    ],
    ai: [
      s('OpenAI project key', 'sk-proj-' + pick(B64URL, 74) + 'T3BlbkFJ' + pick(B64URL, 74)),
      s('OpenAI legacy key', 'sk-' + pick(ALNUM, 20) + 'T3BlbkFJ' + pick(ALNUM, 20)),
      s('Anthropic API key', 'sk-ant-api03-' + pick(B64URL, 93) + 'AA'),
      s('Anthropic admin key', 'sk-ant-admin01-' + pick(B64URL, 93) + 'AA'),
      s('Hugging Face token', 'hf_' + pick('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 34)),
      s('Perplexity key', 'pplx-' + pick(ALNUM, 48)),
      s('Groq key', 'gsk_' + pick(ALNUM, 52)),
      s('Replicate token', 'r8_' + pick(ALNUM, 37)),
      s('Gemini API key', 'AIza' + pick(B64URL, 35)),
    ],
    'ci-registry': [
      s('GitHub PAT', 'ghp_' + pick(ALNUM, 36)),
      s('GitHub OAuth token', 'gho_' + pick(ALNUM, 36)),
      s('GitHub fine-grained PAT', 'github_pat_' + pick(ALNUM, 22) + '_' + pick(ALNUM, 59)),
      s('GitHub app token', 'ghs_' + pick(ALNUM, 36)),
      s('GitLab PAT', 'glpat-' + pick(B64URL, 20)),
      s('GitLab pipeline trigger', 'glptt-' + pick(HEX, 40)),
      s('GitLab runner token', 'glrt-' + pick(B64URL, 20)),
      s('npm token', 'npm_' + pick(ALNUM, 36)),
      s('PyPI upload token', 'pypi-AgEIcHlwaS5vcmc' + pick(B64URL, 60)),
      s('Docker Hub PAT', 'dckr_pat_' + pick(B64URL, 27)),
      s('JFrog API key', 'AKCp' + pick(ALNUM, 69)),
      s('Postman API key', 'PMAK-' + pick(HEX, 24) + '-' + pick(HEX, 34)),
    ],
    'chat-mail': [
      s('Slack bot token', 'xoxb-' + digits(12) + '-' + digits(13) + '-' + pick(ALNUM, 24)),
      s('Slack user token', 'xoxp-' + digits(12) + '-' + digits(12) + '-' + digits(13) + '-' + pick(HEX, 32)),
      s('Slack app token', 'xapp-1-A' + pick(UPPER_NUM, 10) + '-' + digits(13) + '-' + pick(HEX, 64)),
      s('Discord bot token', 'MT' + pick(ALNUM, 24) + '.' + pick(B64URL, 6) + '.' + pick(B64URL, 38)),
      s('Telegram bot token', digits(10) + ':AA' + pick(B64URL, 33)),
      s('SendGrid key', 'SG.' + pick(B64URL, 22) + '.' + pick(B64URL, 43)),
      s('Mailgun private key', 'key-' + pick(HEX, 32)),
      s('Mailchimp key', pick(HEX, 32) + '-us' + digits(2)),
      s('Twilio API key', 'SK' + pick(HEX, 32)),
      s(
        'Postmark-like server token (labelled)',
        'X-Postmark-Server-Token: ' + pick(HEX, 8) + '-' + pick(HEX, 4) + '-' + pick(HEX, 4) + '-' + pick(HEX, 4) + '-' + pick(HEX, 12),
      ),
      s('Mailgun signing key', pick(HEX, 32) + '-' + pick(HEX, 8) + '-' + pick(HEX, 8)),
    ],
    payment: [
      s('Stripe live secret', 'sk_live_' + pick(ALNUM, 99)),
      s('Stripe restricted key', 'rk_live_' + pick(ALNUM, 99)),
      s('Stripe webhook secret', 'whsec_' + pick(ALNUM, 32)),
      s('Square access token', 'EAAA' + pick(B64URL, 60)),
      s('Square OAuth secret', 'sq0csp-' + pick(B64URL, 43)),
      s('Braintree access token', 'access_token$production$' + pick(LOWER_NUM, 16) + '$' + pick(HEX, 32)),
      s('Shopify admin token', 'shpat_' + pick(HEX, 32)),
      s('Shopify shared secret', 'shpss_' + pick(HEX, 32)),
      s('Shopify custom app token', 'shpca_' + pick(HEX, 32)),
      s('Shopify private app token', 'shppa_' + pick(HEX, 32)),
      s('Adyen-like API key (labelled)', 'x-api-key: AQE' + pick(B64URL, 60)),
    ],
    database: [
      s('Postgres URL', 'postgres://app:' + pick(ALNUM, 18) + '@db.internal:5432/shop'),
      s('MySQL URL', 'mysql://root:' + pick(ALNUM, 16) + '@10.0.0.5/orders'),
      s('MongoDB SRV URL', 'mongodb+srv://svc:' + pick(ALNUM, 20) + '@cluster0.ab1cd.mongodb.net/prod'),
      s('Redis URL', 'redis://:' + pick(ALNUM, 24) + '@cache.internal:6379/0'),
      s('ADO.NET connection string', 'Server=sql1;Database=shop;User Id=app;Password=' + pick(ALNUM, 16) + ';'),
      s('JDBC URL', 'jdbc:mysql://db/shop?user=app&password=' + pick(ALNUM, 14)),
      s('Azure storage connection string', 'DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey=' + pick(B64, 86) + '==;'),
      s('AMQP URL', 'amqps://worker:' + pick(ALNUM, 20) + '@mq.internal/vhost'),
    ],
    webhook: [
      s('Slack webhook', 'https://hooks.slack.com/services/T' + pick(UPPER_NUM, 8) + '/B' + pick(UPPER_NUM, 8) + '/' + pick(ALNUM, 24)),
      s('Discord webhook', 'https://discord.com/api/webhooks/' + digits(18) + '/' + pick(B64URL, 68)),
      s(
        'Teams webhook',
        'https://acme.webhook.office.com/webhookb2/' +
          pick(HEX, 8) +
          '-' +
          pick(HEX, 4) +
          '-' +
          pick(HEX, 4) +
          '-' +
          pick(HEX, 4) +
          '-' +
          pick(HEX, 12) +
          '@' +
          pick(HEX, 8) +
          '-' +
          pick(HEX, 4) +
          '-' +
          pick(HEX, 4) +
          '-' +
          pick(HEX, 4) +
          '-' +
          pick(HEX, 12) +
          '/IncomingWebhook/' +
          pick(HEX, 32) +
          '/' +
          pick(HEX, 8) +
          '-' +
          pick(HEX, 4) +
          '-' +
          pick(HEX, 4) +
          '-' +
          pick(HEX, 4) +
          '-' +
          pick(HEX, 12),
      ),
      s(
        'Google Chat webhook',
        'https://chat.googleapis.com/v1/spaces/AAAA' +
          pick(ALNUM, 7) +
          '/messages?key=AIza' +
          pick(B64URL, 35) +
          '&token=' +
          pick(B64URL, 43),
      ),
      s('Zapier hook with token', 'https://hooks.example.com/catch/' + digits(7) + '?token=' + pick(ALNUM, 32)),
      s('Generic webhook with signature', 'https://api.example.com/hooks/in?sig=' + pick(HEX, 64)),
    ],
  };
}

// ---- Placing a sample in the four carriers --------------------------------------------------

const UUID = '2f1c3a9e-0a6b-4c1d-9e8f-7a6b5c4d3e2f';
const GID = 'gid://shopify/Product/8123456789012';

/** Free text holding the sensitive value, in one of a few sentence shapes. */
const SENTENCES = [
  (v: string) => `request failed: ${v}`,
  (v: string) => `config loaded (${v}) for order #1001`,
  (v: string) => `retrying with ${v} after 429`,
];

function fourCarriers(family: string, name: string, text: string, expect: Expect, sensitive: string[]): AccuracyCase[] {
  return [
    { family, carrier: 'header', name, expect, sensitive, input: { 'x-debug-note': text, 'x-request-id': UUID } },
    {
      family,
      carrier: 'query',
      name,
      expect,
      sensitive,
      input: `https://api.example.com/v1/notes?note=${encodeURIComponent(text)}&limit=50`,
    },
    { family, carrier: 'json', name, expect, sensitive, input: { id: GID, note: text } },
    { family, carrier: 'text', name, expect, sensitive, input: text },
  ];
}

let sentence = 0;
function secretCases(family: string, secrets: Secret[]): AccuracyCase[] {
  return secrets.flatMap(({ name, raw }) => {
    const text = SENTENCES[sentence++ % SENTENCES.length]!(raw);
    const sensitive = [secretPart(raw)];
    return fourCarriers(family, name, text, 'secret', sensitive);
  });
}

/** For a labelled or URL sample, the part that is the secret (after the last `:`/`=`). */
function secretPart(raw: string): string {
  const url = /:\/\/[^:/@]*:([^@]+)@/.exec(raw);
  if (url) return url[1]!;
  const labelled = /(?:Password=|password=|AccountKey=|: )([^;&\s]+)/.exec(raw);
  if (labelled) return labelled[1]!;
  const tail = /\/([A-Za-z0-9_-]{16,})$/.exec(raw) ?? /(?:token|sig)=([A-Za-z0-9_-]+)$/.exec(raw);
  if (tail) return tail[1]!;
  return raw;
}

// ---- Labels, cookies, structures, PEM lines -----------------------------------------------

function labelCases(): AccuracyCase[] {
  const pw = () => pick(ALNUM, 10) + '!';
  const samples: [string, string, string][] = [];
  const add = (name: string, build: (v: string) => string, v = pw()) => samples.push([name, build(v), v]);
  add('"password is" prose', (v) => `the new password is ${v}`);
  add('"password was set to"', (v) => `admin password was set to ${v} by support`);
  add('pwd: label', (v) => `pwd: ${v}`);
  add('PWD= env', (v) => `PWD=${v} ./deploy.sh`);
  add('passphrase label', (v) => `passphrase: "${v}"`);
  add('passphrase prose', (v) => `the passphrase is ${v}`);
  add('curl -u', (v) => `curl -u admin:${v} https://api.example.com/v1`);
  add('curl --user', (v) => `curl --user "deploy:${v}" https://ci.example.com`);
  add('--password flag', (v) => `mysql --password=${v} -h db shop`);
  add('--token flag', (v) => `cli login --token ${v}`);
  add('secret label JSON-ish', (v) => `{"client_secret": "${v}"}`);
  add('Authorization Basic', (v) => `Authorization: Basic ${btoa('user:' + v)}`, pw());
  add('api key prose', (v) => `your api key is ${v}`, pick(ALNUM, 24));
  add('passcode label', (v) => `passcode=${v}`);
  add('entropy: unknown key name', (v) => `webhook_signing_key: ${v}`, pick(ALNUM, 32));
  add('entropy: x-custom-auth', (v) => `x-custom-auth=${v}`, pick(B64URL, 40));
  add('entropy: session value', (v) => `session_blob: "${v}"`, pick(B64, 48));
  add('entropy: private salt', (v) => `hash_salt = ${v}`, pick(ALNUM, 24));
  // Known hard: a password in prose with no label word at all.
  add('password with no label', (v) => `log in with ${v} tomorrow`);
  add('password after "use"', (v) => `use ${v} for the staging admin`);
  return samples.flatMap(([name, text, v]) => {
    const sensitive = [name === 'Authorization Basic' ? btoa('user:' + v) : v];
    return fourCarriers('labels', name, text, 'secret', sensitive);
  });
}

function cookieCases(): AccuracyCase[] {
  const out: AccuracyCase[] = [];
  for (let i = 0; i < 6; i++) {
    const sid = pick(B64URL, 32);
    const line =
      i % 2 === 0 ? `Set-Cookie: _session_id=${sid}; Path=/; HttpOnly; Secure` : `Cookie: _shopify_y=${pick(HEX, 8)}; _session=${sid}`;
    const name = i % 2 === 0 ? 'Set-Cookie line' : 'Cookie line';
    out.push(
      {
        family: 'cookies',
        carrier: 'header',
        name,
        expect: 'secret',
        sensitive: [sid],
        input: { [i % 2 === 0 ? 'set-cookie' : 'cookie']: line.slice(line.indexOf(':') + 2) },
      },
      {
        family: 'cookies',
        carrier: 'query',
        name,
        expect: 'secret',
        sensitive: [sid],
        input: `https://logs.example.com/q?line=${encodeURIComponent(line)}`,
      },
      { family: 'cookies', carrier: 'json', name, expect: 'secret', sensitive: [sid], input: { level: 'debug', msg: line } },
      { family: 'cookies', carrier: 'text', name, expect: 'secret', sensitive: [sid], input: `> ${line}` },
    );
  }
  return out;
}

function harCases(): AccuracyCase[] {
  const out: AccuracyCase[] = [];
  const shapes: [string, (v: string) => object][] = [
    [
      'HAR header pair',
      (v) => ({
        headers: [
          { name: 'Accept', value: 'application/json' },
          { name: 'Authorization', value: `Bearer ${v}` },
        ],
      }),
    ],
    ['HAR cookie pair', (v) => ({ cookies: [{ name: '_secure_session_id', value: v, httpOnly: true }] })],
    [
      'HAR query pair',
      (v) => ({
        queryString: [
          { name: 'limit', value: '50' },
          { name: 'access_token', value: v },
        ],
      }),
    ],
    ['HAR X-Shopify-Access-Token', (v) => ({ headers: [{ name: 'X-Shopify-Access-Token', value: v }] })],
    ['HAR postData params', (v) => ({ postData: { params: [{ name: 'client_secret', value: v }] } })],
    ['HAR Set-Cookie response header', (v) => ({ headers: [{ name: 'set-cookie', value: `sid=${v}; Path=/` }] })],
  ];
  for (const [name, build] of shapes) {
    const v = pick(B64URL, 28);
    const json = build(v);
    const text = JSON.stringify(json);
    out.push(
      { family: 'har', carrier: 'header', name, expect: 'secret', sensitive: [v], input: { 'x-har-entry': text } },
      {
        family: 'har',
        carrier: 'query',
        name,
        expect: 'secret',
        sensitive: [v],
        input: `https://har.example.com/upload?entry=${encodeURIComponent(text)}`,
      },
      { family: 'har', carrier: 'json', name, expect: 'secret', sensitive: [v], input: { log: { entries: [{ request: json }] } } },
      { family: 'har', carrier: 'text', name, expect: 'secret', sensitive: [v], input: `har: ${text}` },
    );
  }
  return out;
}

function k8sDockerCases(): AccuracyCase[] {
  const out: AccuracyCase[] = [];
  const shapes: [string, (v: string) => object][] = [
    [
      'k8s env pair',
      (v) => ({
        env: [
          { name: 'NODE_ENV', value: 'production' },
          { name: 'DB_PASSWORD', value: v },
        ],
      }),
    ],
    ['k8s env API key', (v) => ({ env: [{ name: 'STRIPE_API_KEY', value: v }] })],
    ['k8s Secret data', (v) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app' }, data: { 'db-pass': btoa(v) } })],
    ['k8s Secret stringData', (v) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app' }, stringData: { config: v } })],
    ['docker config auths', (v) => ({ auths: { 'ghcr.io': { auth: btoa('bot:' + v) } } })],
    ['docker identitytoken', (v) => ({ auths: { 'registry.example.com': { identitytoken: v } } })],
    ['docker-compose env list', (v) => ({ services: { web: { environment: [`POSTGRES_PASSWORD=${v}`] } } })],
    ['docker run -e', (v) => ({ cmd: `docker run -e API_TOKEN=${v} app:1.2.3` })],
  ];
  for (const [name, build] of shapes) {
    const v = pick(ALNUM, 20);
    const json = build(v);
    const encoded = name.includes('data') && !name.includes('string') ? btoa(v) : name.includes('auths') ? btoa('bot:' + v) : v;
    const text = JSON.stringify(json);
    out.push(
      { family: 'k8s-docker', carrier: 'header', name, expect: 'secret', sensitive: [encoded], input: { 'x-manifest': text } },
      {
        family: 'k8s-docker',
        carrier: 'query',
        name,
        expect: 'secret',
        sensitive: [encoded],
        input: `https://deploy.example.com/apply?manifest=${encodeURIComponent(text)}`,
      },
      { family: 'k8s-docker', carrier: 'json', name, expect: 'secret', sensitive: [encoded], input: json },
      { family: 'k8s-docker', carrier: 'text', name, expect: 'secret', sensitive: [encoded], input: `applying ${text}` },
    );
  }
  return out;
}

function secretsManagerCases(): AccuracyCase[] {
  const out: AccuracyCase[] = [];
  const shapes: [string, (v: string) => object][] = [
    [
      'AWS GetSecretValue',
      (v) => ({
        ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf',
        Name: 'prod/db',
        SecretString: JSON.stringify({ username: 'app', password: v }),
        VersionStages: ['AWSCURRENT'],
      }),
    ],
    ['AWS SecretBinary', (v) => ({ Name: 'prod/tls', SecretBinary: btoa(v) })],
    ['Vault KV v2 read', (v) => ({ data: { data: { api_key: v, owner: 'payments' }, metadata: { version: 3 } } })],
    ['GCP access secret version', (v) => ({ name: 'projects/1/secrets/stripe/versions/1', payload: { data: btoa(v) } })],
    ['AWS SSM GetParameter', (v) => ({ Parameter: { Name: '/prod/stripe/secret', Type: 'SecureString', Value: v } })],
    [
      'Azure Key Vault secret',
      (v) => ({ value: v, id: 'https://kv1.vault.azure.net/secrets/db-password/abc', attributes: { enabled: true } }),
    ],
  ];
  for (const [name, build] of shapes) {
    const v = pick(ALNUM, 24);
    const json = build(v);
    const sensitive = name === 'AWS SecretBinary' || name === 'GCP access secret version' ? btoa(v) : v;
    const text = JSON.stringify(json);
    out.push(
      { family: 'secrets-manager', carrier: 'header', name, expect: 'secret', sensitive: [sensitive], input: { 'x-debug-response': text } },
      {
        family: 'secrets-manager',
        carrier: 'query',
        name,
        expect: 'secret',
        sensitive: [sensitive],
        input: `https://logs.example.com/q?body=${encodeURIComponent(text)}`,
      },
      { family: 'secrets-manager', carrier: 'json', name, expect: 'secret', sensitive: [sensitive], input: json },
      { family: 'secrets-manager', carrier: 'text', name, expect: 'secret', sensitive: [sensitive], input: `response: ${text}` },
    );
  }
  return out;
}

function pemLineCases(): AccuracyCase[] {
  const out: AccuracyCase[] = [];
  const lines = [
    ['first body line (MII…)', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ' + pick(B64, 14)],
    ['RSA first line', 'MIIEowIBAAKCAQEA' + pick(B64, 48)],
    ['64-char body line', pick(B64, 64)],
    ['64-char body line 2', pick(B64, 64)],
    ['64-char body line 3', pick(B64, 64)],
    ['BEGIN line alone', '-----BEGIN RSA PRIVATE KEY-----'],
    ['END line alone', '-----END PRIVATE KEY-----'],
    ['EC key first line', 'MHcCAQEEI' + pick(B64, 55)],
  ];
  for (const [name, line] of lines) {
    const expect: Expect = 'secret';
    out.push(
      { family: 'pem-lines', carrier: 'header', name: name!, expect, sensitive: [line!], input: { 'x-log-line': line } },
      {
        family: 'pem-lines',
        carrier: 'query',
        name: name!,
        expect,
        sensitive: [line!],
        input: `https://logs.example.com/q?line=${encodeURIComponent(line!)}`,
      },
      { family: 'pem-lines', carrier: 'json', name: name!, expect, sensitive: [line!], input: { level: 'info', line } },
      { family: 'pem-lines', carrier: 'text', name: name!, expect, sensitive: [line!], input: `2026-06-01T10:00:00Z key: ${line}` },
    );
  }
  return out;
}

// ---- PII --------------------------------------------------------------------------------------

const PHONE_COUNTRIES: CountryCode[] = ['US', 'GB', 'DE', 'FR', 'IT', 'ES', 'NL', 'IN', 'JP', 'BR', 'AU', 'MX', 'CN', 'KR', 'ZA'];

/** Valid national numbers: the country's example, and variants of it that still validate. */
function phoneNumbers(country: CountryCode): string[] {
  const example = getExampleNumber(country, examples);
  if (!example) return [];
  const national = example.nationalNumber;
  const out = [example.formatNational()];
  for (let i = 1; i <= 9 && out.length < 2; i++) {
    const variant = national.slice(0, -2) + String((Number(national.slice(-2)) + i * 11) % 100).padStart(2, '0');
    const parsed = parsePhoneNumberFromString(variant, country);
    if (parsed?.isValid()) out.push(parsed.formatNational());
  }
  return out;
}

function phoneCases(): AccuracyCase[] {
  const out: AccuracyCase[] = [];
  const labels = ['tel:', 'Phone', 'call', 'mobile:', 'WhatsApp'];
  const keys = ['phone', 'mobile', 'tel', 'whatsapp', 'fax'];
  let i = 0;
  for (const country of PHONE_COUNTRIES) {
    for (const number of phoneNumbers(country)) {
      const name = `${country} national ${number}`;
      const label = labels[i % labels.length]!;
      const key = keys[i % keys.length]!;
      i++;
      out.push(
        {
          family: 'phone',
          carrier: 'header',
          name,
          expect: 'phone',
          sensitive: [number],
          input: { [`x-customer-${key}`]: number, 'x-request-id': UUID },
        },
        {
          family: 'phone',
          carrier: 'query',
          name,
          expect: 'phone',
          sensitive: [number],
          input: `https://api.example.com/customers/search?${key}=${encodeURIComponent(number)}&limit=5`,
        },
        { family: 'phone', carrier: 'json', name, expect: 'phone', sensitive: [number], input: { customer: { id: GID, [key]: number } } },
        { family: 'phone', carrier: 'text', name, expect: 'phone', sensitive: [number], input: `${label} ${number} for order #1001` },
      );
    }
    // Known hard: a national number with neither context nor phone punctuation.
    const bare = getExampleNumber(country, examples)?.nationalNumber;
    if (bare && country === 'US')
      out.push(...fourCarriers('phone', `${country} bare digits, no context`, `ref ${bare} noted`, 'phone', [bare]));
    const intl = getExampleNumber(country, examples)?.formatInternational();
    if (intl) out.push(...fourCarriers('phone', `${country} international ${intl}`, `customer reachable at ${intl}`, 'phone', [intl]));
  }
  return out;
}

const INTL_EMAILS = [
  'josé.garcía@correo.es',
  'müller@bücher.de',
  'пользователь@пример.рф',
  '用户@例子.中国',
  'θέμα@παράδειγμα.ελ',
  'उपयोगकर्ता@उदाहरण.भारत',
  'user@example.xn--p1ai',
  'çağrı@şirket.com.tr',
  'søren@blåbær.dk',
  'anaïs+shop@exemple.fr',
  'støtte@nordic-shop.no',
  'info@xn--bcher-kva.de',
];

function emailCases(): AccuracyCase[] {
  return INTL_EMAILS.flatMap((email) => fourCarriers('intl-email', email, `ship to ${email} tomorrow`, 'email', [email]));
}

function encodedCases(): AccuracyCase[] {
  const pw = pick(ALNUM, 12);
  const token = 'ghp_' + pick(ALNUM, 36);
  const samples: [string, string, Expect, string][] = [
    ['email encoded once', 'contact=' + encodeURIComponent('jane.doe@example.com'), 'email', 'jane.doe'],
    ['email encoded twice', 'to ' + encodeURIComponent(encodeURIComponent('jane.doe@example.com')), 'email', 'jane.doe'],
    ['GitHub token encoded twice', 'next=' + encodeURIComponent(encodeURIComponent(`/cb?token=${token}`)), 'secret', token.slice(4)],
    ['password label encoded', encodeURIComponent(`password: ${pw}`), 'secret', pw],
    ['password label double-encoded', encodeURIComponent(encodeURIComponent(`password=${pw}`)), 'secret', pw],
    ['phone +44 encoded', 'phone ' + encodeURIComponent('+44 20 7946 0958'), 'phone', '7946'],
    ['Stripe key encoded twice', encodeURIComponent(encodeURIComponent(`key is sk_live_${pick(ALNUM, 40)}`)), 'secret', 'sk_live_'],
    ['Bearer encoded', encodeURIComponent(`Authorization: Bearer ${token}`), 'secret', token],
    ['card encoded', 'card=' + encodeURIComponent('4111 1111 1111 1111'), 'card', '1111%201111'],
    ['url password encoded', encodeURIComponent(`postgres://app:${pw}x@db/shop`), 'secret', pw],
  ];
  return samples.flatMap(([name, text, expect, sensitive]) => fourCarriers('encoded', name, text, expect, [sensitive]));
}

// ---- Look-alikes: must come through unchanged -----------------------------------------------

const LOOK_ALIKES: [string, string][] = [
  [
    'GraphQL variable definition',
    'mutation login($email: String!, $password: String!) { customerAccessTokenCreate(input: {email: $email, password: $password}) { customerAccessToken { accessToken expiresAt } } }',
  ],
  ['GraphQL token argument', 'query($t: String!) { node(token: $t) { id } }'],
  ['GraphQL secret variable', 'mutation($secret: ID!) { webhookSubscriptionDelete(id: $secret) { deletedWebhookSubscriptionId } }'],
  ['GraphQL apiKey field selection', '{ app { apiKey title handle } }'],
  ['git SSH URL', 'git@github.com:acme/storefront.git'],
  ['git SSH URL with path', 'remote: git@gitlab.com:group/sub/project.git'],
  ['ssh:// git URL', 'ssh://git@bitbucket.org/acme/app.git'],
  ['sizes list', 'Sizes: XS, S, M, L, XL, XXL'],
  ['shoe sizes', 'EU 38, 39, 40, 41, 42, 43'],
  ['UPS tracking', 'tracking 1Z999AA10123456784'],
  ['USPS tracking', 'USPS 9400 1000 0000 0000 0000 00'],
  ['FedEx tracking', 'FedEx 7712 3456 7890'],
  ['DHL tracking', 'DHL JD014600006281230704'],
  ['tracking numbers list', 'tracking_numbers: 1Z999AA10123456784, 9400111899223197428490'],
  ['Shopify GID', 'gid://shopify/Product/8123456789012'],
  ['Shopify variant GID', 'gid://shopify/ProductVariant/44123456789012'],
  ['Shopify order GID', 'gid://shopify/Order/5912345678901'],
  ['ISO timestamp', '2026-06-01T10:15:30.123Z'],
  ['timestamp with offset', '2026-06-01 10:15:30+02:00'],
  ['epoch ms', 'created 1767225600000'],
  ['epoch s', 'updated_at=1767225600'],
  ['date dd-mm-yyyy', 'due 01-12-2024'],
  ['UUID', '2f1c3a9e-0a6b-4c1d-9e8f-7a6b5c4d3e2f'],
  ['UUID uppercase', 'F47AC10B-58CC-4372-A567-0E02B2C3D479'],
  ['idempotency key', 'Idempotency-Key 9b2e4c1a-7d3f-4e5b-8a6c-1f2e3d4c5b6a'],
  ['SKU', 'SKU-TSHIRT-BLK-XL-2026'],
  ['SKU list', 'skus: AB-1234-XL, AB-1234-L, AB-1234-M'],
  ['version', 'warden v0.1.0 on node 20.18.1'],
  ['semver prerelease', '2.0.0-beta.3+build.20260601'],
  ['API version', '/admin/api/2025-10/products.json'],
  ['price', 'total 1299.99 EUR'],
  ['prices list', 'prices: 19.99, 24.50, 129.00, 1,299.00'],
  ['order number', 'order #1001234 shipped'],
  ['order name', 'Order name #SO-2026-000123'],
  ['Meta ad account', 'act_1234567890123456'],
  ['Meta object id', '23851234567890123'],
  ['hex color', 'color #1a2b3c'],
  ['git commit', 'commit 3f2a9c1e8b7d6f5a4e3d2c1b0a9f8e7d6c5b4a39'],
  ['Mongo object id', 'id 507f1f77bcf86cd799439011'],
  ['ZIP codes', 'ZIP 94107, 10001-1234'],
  ['IP address', 'client 203.0.113.42:443'],
  ['password is required', 'Error: password is required'],
  ['password too short', 'password is too short (min 12 chars)'],
  ['token expired', 'the token is expired, please re-authenticate'],
  ['key: color', 'metafield key: color'],
  ['sk- handle', 'handle sk-blue-hoodie-with-zip'],
  ['secret santa', 'Secret Santa gift guide'],
  ['bearer bonds', 'a history of bearer bonds'],
  ['logo@2x', 'logo@2x.png'],
  ['npm scope', '@shopify/polaris@13.9.0'],
  ['email-ish handle', 'twitter @acme_store'],
  ['phone-less digits', 'qty 3, weight 1.25 kg, dims 30x20x10'],
  ['time range', '09:00-17:30 Mon-Fri'],
  ['barcode EAN', 'EAN 4006381333931'],
  ['ISBN', 'ISBN 978-3-16-148410-0'],
  ['IBAN-like id', 'ref RF18 5390 0754 7034'],
  ['cursor', 'page_info=eyJsYXN0X2lkIjo4MTIzfQ'],
  ['base64 image prefix', 'data:image/png;base64,iVBORw0KGgo='],
  ['hash sha256 hex', 'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ['content-length', 'Content-Length: 348123'],
  ['rate limit header', 'X-Shopify-Shop-Api-Call-Limit: 39/40'],
  ['call count', 'api call limit 40/40 at 2026-06-01 10:00:00'],
  ['phone-label without number', 'phone: unknown'],
  ['call with order id', 'call failed for order 1001234567'],
  ['tel in word', 'hotel booking 2026-07-01'],
  ['public key name', 'public_key: pk_test_short'],
  ['cache key', 'cache_key=products:8123456789012'],
  ['sort key', 'sortKey: CREATED_AT'],
  ['session count', 'session_count: 1234'],
  ['token count', 'prompt tokens: 1234, completion tokens: 567'],
  ['auth type', 'auth_type: oauth2'],
  ['signature algorithm', 'signature_method=HMAC-SHA256'],
  ['key id', 'kid: 2026-06-key'],
  ['redacted already', 'password: [REDACTED]'],
  ['env var reference', 'password: ${DB_PASSWORD}'],
  ['placeholder', 'api_key: <your-api-key>'],
  ['keyboard SKU', 'keyboard_sku: KB7x9QpL2mN4vR8tZ1wY'],
  ['passenger id', 'passenger_id=PX4k9LmQ2rT7vW1zY8bN'],
  ['product handle with digits', 'handle: linen-shirt-2026-sand-xl'],
  ['Shopify checkout token look', 'checkout_id: 5912345678901'],
  ['shop domain', 'shop=demo-shop.myshopify.com'],
  ['tracking URL', 'https://www.ups.com/track?tracknum=1Z999AA10123456784'],
  ['image URL', 'https://cdn.shopify.com/s/files/1/0612/3456/7890/products/shirt_800x.jpg?v=1767225600'],
  ['base64 product id', 'id: Z2lkOi8vc2hvcGlmeS9Qcm9kdWN0LzgxMjM0NTY3ODkwMTI='],
];

function lookAlikeCases(): AccuracyCase[] {
  return LOOK_ALIKES.flatMap(([name, text]) => [
    { family: 'look-alike', carrier: 'header' as const, name, expect: 'none' as const, sensitive: [], input: { 'x-debug-note': text } },
    {
      family: 'look-alike',
      carrier: 'query' as const,
      name,
      expect: 'none' as const,
      sensitive: [],
      input: `https://api.example.com/v1/items?q=${encodeURIComponent(text)}&limit=50`,
    },
    { family: 'look-alike', carrier: 'json' as const, name, expect: 'none' as const, sensitive: [], input: { id: GID, note: text } },
    { family: 'look-alike', carrier: 'text' as const, name, expect: 'none' as const, sensitive: [], input: text },
  ]);
}

/** Structured look-alikes: JSON shapes that resemble the secret-bearing ones. */
function structuredLookAlikes(): AccuracyCase[] {
  const json: [string, unknown][] = [
    ['metafield key/value', { metafields: [{ namespace: 'custom', key: 'color', value: 'sand' }] }],
    ['HAR Accept header pair', { headers: [{ name: 'Accept', value: 'application/json' }] }],
    [
      'k8s non-secret env',
      {
        env: [
          { name: 'NODE_ENV', value: 'production' },
          { name: 'PORT', value: '8080' },
        ],
      },
    ],
    ['k8s ConfigMap data', { kind: 'ConfigMap', data: { 'log-level': 'debug', region: 'eu-west-1' } }],
    ['GraphQL variables', { query: 'mutation($password: String!) { x(password: $password) { id } }', variables: { first: 50 } }],
    ['idempotencyKey UUID', { idempotencyKey: '2f1c3a9e-0a6b-4c1d-9e8f-7a6b5c4d3e2f' }],
    ['tokenCount', { inputTokens: 1234, outputTokens: 567, tokenType: 'bearer' }],
    ['sessionId numeric', { sessionId: 8123456789012 }],
    ['order with tracking', { order: { name: '#1001', tracking_number: '1Z999AA10123456784', total_price: '129.99' } }],
    ['line items', { line_items: [{ sku: 'AB-1234-XL', quantity: 2, price: '19.99' }] }],
    ['phone-named but empty', { phone: null, phone_verified: false }],
    ['ad insights', { impressions: '12345', clicks: '678', spend: '123.45', date_start: '2026-06-01' }],
    ['public key pem header only', { public_key: '-----BEGIN PUBLIC KEY-----' }],
    ['cursor', { pageInfo: { endCursor: 'eyJsYXN0X2lkIjo4MTIzfQ', hasNextPage: true } }],
    ['webhook topic', { topic: 'orders/create', address: 'https://example.com/webhooks/orders' }],
    ['api version', { apiVersion: '2025-10', keyVersion: 'v23.0' }],
  ];
  return json.map(([name, input]) => ({
    family: 'look-alike',
    carrier: 'json' as const,
    name,
    expect: 'none' as const,
    sensitive: [],
    input,
  }));
}

export function buildAccuracyCorpus(): AccuracyCase[] {
  seed = 0x5eed;
  sentence = 0;
  const providers = providerSecrets();
  return [
    ...Object.entries(providers).flatMap(([family, secrets]) => secretCases(family, secrets)),
    ...labelCases(),
    ...cookieCases(),
    ...harCases(),
    ...k8sDockerCases(),
    ...secretsManagerCases(),
    ...pemLineCases(),
    ...phoneCases(),
    ...emailCases(),
    ...encodedCases(),
    ...lookAlikeCases(),
    ...structuredLookAlikes(),
  ];
}
