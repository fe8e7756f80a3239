// Secrets inside free text: credentials recognised by their format (Shopify, Meta, Stripe,
// AWS, GitHub, Slack, Google, OpenAI/Anthropic, SendGrid, JWTs, PEM private keys), by their
// place (URL userinfo passwords, `?access_token=` parameters, `Bearer …`) or by their label
// (`password: …`, `aws_secret_access_key=…`). Each finding becomes `[REDACTED]` and counts once.
//
// Every pattern is bounded: repeats carry explicit upper bounds, and wherever a pattern has
// repeated groups the group's parts match disjoint characters, so the engine never has two
// ways to match the same text. Linearity on 1 MB adversarial inputs is tested.
import type { PiiCounts } from '../types.ts';
import { isSensitiveParamName } from './names.ts';
import { REDACTED, isScrubToken } from './tokens.ts';

// Pre-checks. V8 scans an alternation of plain literals fastest when few of them start with
// a common letter, so the gates use the rarer inner part of a word where that suffices
// (`k-` for `sk-`, `yJ` for `eyJ`, `ken` for `token`, `zation` for `authorization`) and spell
// out the usual casings instead of /i. A gate may fire without a finding; it must never stay
// silent when a pass below could find something.

/** Something in the string could start a secret, or an email ('@', '%40'). */
const SECRET_OR_EMAIL_HINT = /@|%40|_|=|:\/\/|-----|k-|xox|xapp-|glpat-|SG\.|EAA|AKIA|ASIA|AIza|yJ|Bearer|BEARER|bearer|slack\.com/;
/** A label word that may precede `:` (password/passwd/pwd, secret, token, key, authorization). */
const LABEL_HINT = /wd|WD|word|Word|WORD|hrase|HRASE|sscode|SSCODE|cret|CRET|ken|KEN|key|Key|KEY|zation|ZATION/;
/**
 * The formats in KNOWN_FORMATS below: every prefix ending in `_` (shp…_, sk_live_, whsec_,
 * gh…_, github_pat_, npm_) shares that `_`; the rest are listed.
 */
const FORMAT_HINT = /_|EAA|AKIA|ASIA|AIza|xox|xapp-|k-|SG\.|lpat-/;

function mayBeLabelled(s: string): boolean {
  return (s.includes(':') || s.includes('=')) && LABEL_HINT.test(s);
}

/** False means no secret pass (and no email pass) can find anything in `s`. */
export function mayContainSecretOrEmail(s: string): boolean {
  return SECRET_OR_EMAIL_HINT.test(s) || mayBeLabelled(s);
}

export function scrubSecrets(s: string, counts: PiiCounts): string {
  let out = scrubPrivateKeys(s, counts);
  out = scrubUrlPasswords(out, counts);
  out = scrubSlackWebhooks(out, counts);
  if (out.includes('=')) out = scrubSensitiveParams(out, counts);
  if (mayBeLabelled(out)) out = scrubLabelledSecrets(out, counts);
  if (out.includes('earer') || out.includes('EARER')) out = scrubBearerTokens(out, counts);
  out = scrubJwts(out, counts);
  return FORMAT_HINT.test(out) ? scrubKnownFormats(out, counts) : out;
}

// ---- PEM private keys --------------------------------------------------------------------

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,60}PRIVATE KEY(?: BLOCK)?-----/y;
const PEM_END = /-----END [A-Z0-9 ]{0,60}PRIVATE KEY(?: BLOCK)?-----/g;
/**
 * A key body: base64, whitespace, the literal `\n` of JSON-escaped text and the
 * `Proc-Type: 4,ENCRYPTED` style headers, up to the next `-----` boundary.
 */
const PEM_BODY = /(?:[A-Za-z0-9+/=\s\\:,]|-(?!----)){0,16384}/y;

/**
 * A private key block, header to footer, becomes one `[REDACTED]`. A truncated block (no
 * footer) is redacted through the end of its base64 body. Written as an indexOf loop so a
 * megabyte of headers without footers is one forward pass.
 */
function scrubPrivateKeys(s: string, counts: PiiCounts): string {
  if (!s.includes('-----BEGIN')) return s;
  let out = '';
  let copiedUpTo = 0;
  let searchFrom = 0;
  let footerMissing = false; // once no footer follows position p, none follows any later p
  for (;;) {
    const begin = s.indexOf('-----BEGIN', searchFrom);
    if (begin === -1) break;
    PEM_BEGIN.lastIndex = begin;
    const header = PEM_BEGIN.exec(s);
    if (header === null) {
      searchFrom = begin + 10;
      continue;
    }
    const bodyStart = begin + header[0].length;
    let end = -1;
    if (!footerMissing) {
      PEM_END.lastIndex = bodyStart;
      const footer = PEM_END.exec(s);
      if (footer === null) footerMissing = true;
      else end = footer.index + footer[0].length;
    }
    if (end === -1) {
      PEM_BODY.lastIndex = bodyStart;
      PEM_BODY.exec(s);
      end = PEM_BODY.lastIndex;
    }
    out += s.slice(copiedUpTo, begin) + REDACTED;
    counts.secret++;
    copiedUpTo = end;
    searchFrom = end;
  }
  return copiedUpTo === 0 ? s : out + s.slice(copiedUpTo);
}

// ---- Places: URL passwords, webhook URLs, query parameters, Bearer ------------------------

/** `scheme://user:password@host` (databases, brokers, any URL): the password goes. */
const URL_PASSWORD = /:\/\/([^\s:/@?#]{0,128}):([^\s/@?#]{1,256})@/g;

function scrubUrlPasswords(s: string, counts: PiiCounts): string {
  if (!s.includes('://') || !s.includes('@')) return s;
  return s.replace(URL_PASSWORD, (match, user: string, password: string) => {
    if (isScrubToken(password)) return match;
    counts.secret++;
    return `://${user}:${REDACTED}@`;
  });
}

/** Slack incoming-webhook URLs are credentials: the path after /services/ goes. */
const SLACK_WEBHOOK = /hooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9/_-]{8,256}/g;

function scrubSlackWebhooks(s: string, counts: PiiCounts): string {
  if (!s.includes('hooks.slack.com')) return s;
  return s.replace(SLACK_WEBHOOK, (_match, kind: string) => {
    counts.secret++;
    return `hooks.slack.com/${kind}/${REDACTED}`;
  });
}

/** `?name=value` / `&name=value` / `#name=value` inside text (URLs in messages and bodies). */
const QUERY_PARAM = /([?&;#])([\w.[\]-]{1,64})=([^&#\s"'<>]{1,8192})/g;

function scrubSensitiveParams(s: string, counts: PiiCounts): string {
  return s.replace(QUERY_PARAM, (match, sep: string, name: string, value: string) => {
    if (isScrubToken(value) || !isSensitiveParamName(name)) return match;
    counts.secret++;
    return `${sep}${name}=${REDACTED}`;
  });
}

/** `Bearer <token>`; the token must contain a non-letter so prose ("bearer bonds") survives. */
const BEARER = /\b([Bb]earer|BEARER)([ \t]{1,4})([A-Za-z0-9._~+/-]{8,4096}={0,4})/g;
const NON_LETTER = /[^A-Za-z]/;

function scrubBearerTokens(s: string, counts: PiiCounts): string {
  return s.replace(BEARER, (match, word: string, space: string, token: string) => {
    if (!NON_LETTER.test(token)) return match;
    counts.secret++;
    return `${word}${space}${REDACTED}`;
  });
}

// ---- Labels: `password: …`, `"client_secret":"…"`, `AWS_SECRET_ACCESS_KEY=…` --------------

/**
 * name, then an optional closing quote and `:` or `=`, then an optional auth scheme, then the
 * value: quoted (up to the closing quote) or bare (up to a delimiter). The two value forms
 * start with different characters, so they never compete.
 */
const LABELLED = new RegExp(
  String.raw`(?<![A-Za-z0-9$])(aws_secret_access_key|aws_session_token|appsecret_proof|authorization|passwd|password|passphrase|passcode|pwd|` +
    String.raw`(?:access|refresh|id|auth|session)[_-]?token|(?:client|app|api)[_-]?secret|(?:secret|private|api)[_-]?key|apikey|secret|token)` +
    String.raw`(\\?["']?[ \t]{0,4}[:=][ \t]{0,4})((?:Bearer|Basic|Token|Digest)[ \t]{1,4})?` +
    // already scrubbed ("Basic [REDACTED]"): do not take the scheme word for the value
    String.raw`(?!(?:Bearer|Basic|Token|Digest)[ \t]{1,4}\[)` +
    String.raw`(?:(\\?["'])([^"'\\\r\n]{1,512})|([^\s"'\\&,;<>{}()[\]]{1,512}))`,
  'gi',
);
/**
 * Values that are not secrets: empty markers, and GraphQL look-alikes — a variable
 * (`password: $password`) or a type in a variable definition (`$token: String!`).
 */
const NOT_A_SECRET = /^(?:null|true|false|undefined|none|nil|\*+|\$|\$[A-Za-z_]\w{0,63}|(?:String|ID|Int|Float|Boolean)!?)$/i;

function scrubLabelledSecrets(s: string, counts: PiiCounts): string {
  return s.replace(
    LABELLED,
    (
      match,
      name: string,
      sep: string,
      scheme: string | undefined,
      quote: string | undefined,
      quoted: string | undefined,
      bare: string | undefined,
    ) => {
      const value = quoted ?? bare ?? '';
      if (isScrubToken(value) || NOT_A_SECRET.test(value)) return match;
      counts.secret++;
      return `${name}${sep}${scheme ?? ''}${quote ?? ''}${REDACTED}`;
    },
  );
}

// ---- Formats: JWTs and prefixed provider keys ---------------------------------------------

/** header.payload.signature, header and payload base64url JSON (`eyJ…`, `ey…`). */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,4096}\.ey[A-Za-z0-9_-]{2,8192}\.[A-Za-z0-9_-]{0,4096}/g;

function scrubJwts(s: string, counts: PiiCounts): string {
  if (!s.includes('eyJ')) return s;
  return s.replace(JWT, () => {
    counts.secret++;
    return REDACTED;
  });
}

/**
 * Provider keys recognised by prefix. Each alternative starts with its own literal, and the
 * bodies are bounded; lengths are generous so a real key is never partly left behind.
 */
const KNOWN_FORMATS = new RegExp(
  String.raw`(?<![A-Za-z0-9])(?:` +
    [
      String.raw`shp(?:at|ca|pa|ss|ua)_[A-Za-z0-9]{20,64}`, // Shopify access/custom/private/shared-secret
      String.raw`EAA[A-Za-z0-9]{30,2048}`, // Meta user/page/system-user tokens
      String.raw`(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,256}`, // Stripe
      String.raw`whsec_[A-Za-z0-9+/=]{16,256}`, // Stripe webhook signing secret
      String.raw`(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])`, // AWS access key id
      String.raw`gh[pousr]_[A-Za-z0-9]{30,255}`, // GitHub tokens
      String.raw`github_pat_[A-Za-z0-9_]{22,255}`, // GitHub fine-grained tokens
      String.raw`xox[abposre]-[A-Za-z0-9-]{10,255}`, // Slack tokens
      String.raw`xapp-[A-Za-z0-9-]{10,255}`, // Slack app-level tokens
      String.raw`AIza[A-Za-z0-9_-]{30,64}`, // Google API keys
      String.raw`sk-[A-Za-z0-9_-]{20,256}`, // OpenAI (sk-, sk-proj-) and Anthropic (sk-ant-)
      String.raw`SG\.[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{16,128}`, // SendGrid
      String.raw`npm_[A-Za-z0-9]{36}`, // npm
      String.raw`glpat-[A-Za-z0-9_-]{20,64}`, // GitLab
    ].join('|') +
    ')',
  'g',
);
const HAS_DIGIT = /\d/;

function scrubKnownFormats(s: string, counts: PiiCounts): string {
  return s.replace(KNOWN_FORMATS, (match: string) => {
    // `sk-` also starts product handles ("sk-blue-hoodie-…"); real keys always have digits.
    if (match.startsWith('sk-') && !HAS_DIGIT.test(match)) return match;
    counts.secret++;
    return REDACTED;
  });
}
