// 1 MB inputs built to make a badly written pattern backtrack: every family's trigger repeated
// without the rest of the match, near-misses, and long runs. Shared by the liveness test
// (scrub.adversarial.test.ts) and the benchmark (bench/scrub.ts). Each input comes with a check
// of the output, so "fast" cannot come from "gave up".
import { EXTRA_FORMATS } from '../../../core/scrub/extra-formats.ts';
import { PROVIDER_FORMATS } from '../../../core/scrub/provider-formats.ts';
import { scrubLine, scrubText, scrubUrl } from '../../../core/scrub/scrubber.ts';

export const ONE_MB = 1 << 20;

export interface AdversarialInput {
  family: string;
  input: string;
  /** The entry point under test (scrubText unless the input is a URL or a CLI line). */
  scrub(input: string): string;
  /** Returns null when the output is right, else what is wrong. */
  check(output: string): string | null;
}

function repeatTo(unit: string, size = ONE_MB): string {
  return unit.repeat(Math.floor(size / unit.length));
}

function unchanged(input: string) {
  return (output: string) => (output === input ? null : 'expected the input unchanged');
}

/** The output must be exactly `token + sep` for each unit of the input. */
function everyUnitBecomes(unit: string, token: string, sep: string) {
  const count = Math.floor(ONE_MB / unit.length);
  return (output: string) => (output === (token + sep).repeat(count) ? null : `expected ${count} × ${JSON.stringify(token + sep)}`);
}

type Checker = (input: string) => (output: string) => string | null;

function make(family: string, input: string, check: Checker, scrub: (s: string) => string = (s) => scrubText(s)): AdversarialInput {
  return { family, input, scrub, check: check(input) };
}

const BASE64ISH = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=';

/** Every keyword of every provider rule, so each rule runs on the input at least once. */
const PROVIDER_KEYWORDS = [...new Set([...PROVIDER_FORMATS, ...EXTRA_FORMATS].flatMap((f) => f.keywords))];
const TOKEN_TAIL = 'a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ'.repeat(2);

function contains(needle: string, absent?: string) {
  return () => (output: string) =>
    output.includes(needle) && (absent === undefined || !output.includes(absent))
      ? null
      : `expected ${needle}${absent ? ` and no ${absent}` : ''}`;
}

export const ADVERSARIAL_INPUTS: AdversarialInput[] = [
  make('email: "a@" repeated', repeatTo('a@'), unchanged),
  make('email: "%40" repeated', repeatTo('a%40'), unchanged),
  make('email: valid repeated', repeatTo('user@example.com '), () => everyUnitBecomes('user@example.com ', '[email_redacted]', ' ')),
  make(
    'email: 1 MB local part',
    'a'.repeat(ONE_MB - 12) + '@example.com',
    () => (output: string) =>
      output === 'a'.repeat(ONE_MB - 12 - 64) + '[email_redacted]' ? null : 'expected the last 64 chars + domain redacted',
  ),
  make(
    'email: long dotted domain',
    'x@' + repeatTo('ab.', ONE_MB - 2),
    () => (output: string) =>
      output.startsWith('[email_redacted]') && !output.startsWith('x@') ? null : 'expected a redacted address at the start',
  ),
  make('phone: "+1 (" repeated', repeatTo('+1 ('), unchanged),
  make('phone: "+12 345 678 901 " repeated', repeatTo('+12 345 678 901 '), () =>
    everyUnitBecomes('+12 345 678 901 ', '[phone_redacted]', ' '),
  ),
  make('phone: "(415) " repeated', repeatTo('(415) '), unchanged),
  make('phone: "0" and spaces', repeatTo('0 '), unchanged),
  make('card: "1 " repeated', repeatTo('1 '), unchanged),
  make('card: one long digit run', '7'.repeat(ONE_MB), unchanged),
  make('card: "4111-" repeated', repeatTo('4111-'), unchanged),
  make('card: valid cards repeated', repeatTo('4111 1111 1111 1111 '), () =>
    everyUnitBecomes('4111 1111 1111 1111 ', '[card_redacted]', ' '),
  ),
  make('jwt: "eyJ" repeated', repeatTo('eyJ'), unchanged),
  make('jwt: "eyJa.eyJb." repeated', repeatTo('eyJa.eyJb.'), unchanged),
  make('pem: BEGIN without END repeated', repeatTo('-----BEGIN PRIVATE KEY-----'), () =>
    everyUnitBecomes('-----BEGIN PRIVATE KEY-----', '[REDACTED]', ''),
  ),
  make(
    'pem: BEGIN then 1 MB body, no END',
    '-----BEGIN RSA PRIVATE KEY-----\n' + repeatTo(BASE64ISH + '\n', ONE_MB - 40),
    () => (output: string) =>
      output.startsWith('[REDACTED]') && !output.includes('BEGIN') ? null : 'expected the header and body start redacted',
  ),
  make('db url: "postgres://" repeated', repeatTo('postgres://'), unchanged),
  make('db url: "mongodb://u:" repeated', repeatTo('mongodb://u:'), unchanged),
  make(
    'meta: "EAA" repeated',
    repeatTo('EAA'),
    () => (output: string) =>
      output.startsWith('[REDACTED]') && output.length === ONE_MB - 1 - 2051 + 10 ? null : 'expected the first 2051-char token redacted',
  ),
  make('stripe/openai: "sk-" and "sk_live_" repeated', repeatTo('sk-sk_live_'), unchanged),
  make('shopify: "shpat_" repeated', repeatTo('shpat_'), unchanged),
  make('bearer: "Bearer " repeated', repeatTo('Bearer '), unchanged),
  make('github: "ghp_" repeated', repeatTo('ghp_'), unchanged),
  make(
    'slack: "xoxb-" repeated',
    repeatTo('xoxb-'),
    () => (output: string) => (output.startsWith('[REDACTED]') && output.length < ONE_MB / 20 ? null : 'expected 260-char tokens redacted'),
  ),
  make('slack: webhook path repeated', repeatTo('hooks.slack.com/services/'), unchanged),
  make('aws: "AKIA" repeated', repeatTo('AKIA'), unchanged),
  make(
    'google: "AIza" repeated',
    repeatTo('AIza'),
    () => (output: string) =>
      output.startsWith('[REDACTED]') && output.length === ONE_MB - 68 + 10 ? null : 'expected the first 68-char key redacted',
  ),
  make('sendgrid: "SG." repeated', repeatTo('SG.'), unchanged),
  make('url password: "://a:b@" repeated', repeatTo('://a:b@'), () => everyUnitBecomes('://a:b@', '://a:[REDACTED]@', '')),
  make(
    'labelled: "password: \\"" repeated',
    repeatTo('password: "'),
    () => (output: string) => (output.length < ONE_MB && output.includes('[REDACTED]') ? null : 'expected labelled values redacted'),
  ),
  make(
    'query: "?token=" repeated',
    repeatTo('?token='),
    () => (output: string) =>
      output.length < ONE_MB / 100 && output.includes('?token=[REDACTED]') ? null : 'expected the values redacted',
  ),
  make('query: "&&&=" repeated', repeatTo('&&&='), unchanged),
  make(
    'scrubUrl: 1 MB of parameters',
    'https://x.example.com/p?' + repeatTo('a=1&token=t&', ONE_MB - 24),
    () => (output: string) =>
      output.includes('token=[REDACTED]') && !output.includes('token=t&') ? null : 'expected every token value redacted',
    (s) => scrubUrl(s),
  ),
  make('scrubUrl: "%" repeated', repeatTo('%'), unchanged, (s) => scrubUrl(s)),
  make('scrubLine: 1 MB of 17-digit ids', '[' + repeatTo('23851234567890123,', ONE_MB - 3) + '0]', unchanged, (s) => scrubLine(s)),
  // Provider rules (gitleaks data): every keyword, glued, and each followed by a token run.
  make(
    'providers: every keyword repeated',
    repeatTo(PROVIDER_KEYWORDS.join(' ') + ' '),
    () => (output: string) => (output.length <= ONE_MB ? null : 'expected no growth'),
  ),
  make(
    'providers: keywords glued',
    repeatTo(PROVIDER_KEYWORDS.join('')),
    () => (output: string) => (output.length <= ONE_MB ? null : 'expected no growth'),
  ),
  make('providers: keyword + token run', repeatTo(PROVIDER_KEYWORDS.map((k) => k + TOKEN_TAIL).join(' ') + ' '), contains('[REDACTED]')),
  make(
    'providers: keyword_key = "token',
    repeatTo(PROVIDER_KEYWORDS.map((k) => `${k}_key = "${TOKEN_TAIL}`).join(' ')),
    contains('[REDACTED]'),
  ),
  // Labels in prose and command lines, cookie lines, key lines, the entropy detector.
  make('prose: "password is " repeated', repeatTo('password is '), unchanged),
  make('prose: "password is hunter2! " repeated', repeatTo('password is hunter2! '), () =>
    everyUnitBecomes('password is hunter2! ', 'password is [REDACTED]', ' '),
  ),
  make('curl: "-u a:" repeated', repeatTo('-u a:'), contains('[REDACTED]')),
  make('curl: "curl -u admin:pw " repeated', repeatTo('curl -u admin:pw '), () =>
    everyUnitBecomes('curl -u admin:pw ', 'curl -u admin:[REDACTED]', ' '),
  ),
  make('cli: "--password " repeated', repeatTo('--password '), unchanged),
  make('cookie: "Cookie: " repeated', repeatTo('Cookie: '), unchanged),
  make('cookie: "Set-Cookie: a=b\\n" repeated', repeatTo('Set-Cookie: a=b\n'), () =>
    everyUnitBecomes('Set-Cookie: a=b\n', 'Set-Cookie: [REDACTED]', '\n'),
  ),
  make('key line: 1 MB base64 run', repeatTo('Ab1+'), unchanged),
  make('key line: "MII" repeated', repeatTo('MII'), unchanged),
  make('entropy: "a_key=" repeated', repeatTo('a_key='), unchanged),
  make('entropy: key then 1 MB token', 'signing_key: ' + repeatTo('aB3dE5gH7j', ONE_MB - 13), unchanged),
  // Phones in context, 00 prefix, JSON in text, percent-decoding, emails.
  make('phone: "tel: 1 " repeated', repeatTo('tel: 1 '), unchanged),
  make('phone: "call (" repeated', repeatTo('call ('), unchanged),
  make('phone: "tel: 030 901820 47 " repeated', repeatTo('tel: 030 901820 47 '), () =>
    everyUnitBecomes('tel: 030 901820 47 ', 'tel: [phone_redacted]', ' '),
  ),
  make('phone: "0044 20 " repeated', repeatTo('0044 20 '), unchanged),
  make(
    'phone: 1 MB phone field',
    JSON.stringify({ phone: repeatTo('020 7946 0958, ', ONE_MB - 20) }),
    contains('[phone_redacted]', '7946'),
    (s) => scrubLine(s),
  ),
  make(
    'phone: 1 MB phone parameter',
    'https://x.example.com/?phone=' + repeatTo('1%202%20', ONE_MB - 30),
    contains('[phone_redacted]', '1%202%201%202%201%202%20'),
    (s) => scrubUrl(s),
  ),
  make("json in text: '{\"' repeated", repeatTo('{"'), unchanged),
  make('json in text: unclosed object', repeatTo('{"a":', ONE_MB - 1) + '}', unchanged),
  make(
    'json in text: 20k name/value pairs',
    JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ name: `password${i}`, value: 'x' }))),
    contains('[REDACTED]', '"value":"x"'),
    (s) => scrubLine(s),
  ),
  make('percent: "%25" repeated', repeatTo('%25'), unchanged),
  make('percent: double-encoded emails repeated', repeatTo('a%2540b.co '), () => everyUnitBecomes('a%2540b.co ', '[email_redacted]', ' ')),
  make(
    'email: 1 MB non-ASCII local part',
    'é'.repeat(ONE_MB - 12) + '@example.com',
    () => (output: string) =>
      output === 'é'.repeat(ONE_MB - 12 - 64) + '[email_redacted]' ? null : 'expected the last 64 chars + domain redacted',
  ),
  make('email: git remotes repeated', repeatTo('git@github.com:a/b '), unchanged),
  make(
    'scrubLine: 1 MB of nesting',
    '['.repeat(ONE_MB / 2) + ']'.repeat(ONE_MB / 2),
    () => (output: string) =>
      output.includes('"[REDACTED]"') && output.length < 2000 ? null : 'expected nesting beyond the depth limit cut',
    (s) => scrubLine(s),
  ),
];
