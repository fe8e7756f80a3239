// Secrets found by what stands next to them in free text, beyond the `name: value` labels of
// secrets.ts: prose ("the password is hunter2"), command lines (`curl -u user:pass`,
// `--password …`), Cookie/Set-Cookie header lines in logs, private-key lines logged one at a
// time, and any random-looking value next to a secret-like name (the entropy detector).
//
// Every pattern is bounded and its adjacent parts match disjoint characters, so a failed
// attempt is abandoned after a bounded number of steps (tested on 1 MB inputs).
import type { PiiCounts } from '../types.ts';
import { looksLikeSecretValue, shannonEntropy } from './entropy.ts';
import { isSecretHintName } from './names.ts';
import { hasRun, isBase64Char } from './runs.ts';
import { REDACTED, isScrubToken } from './tokens.ts';

// ---- Prose: "password is hunter2", "the passphrase was 'correct horse'" -------------------

const PROSE =
  /(?<![A-Za-z])(password|passwd|passphrase|passcode|pwd|pin code|secret|api key|access key|token)([ \t]{1,4}(?:is|was|will be|=|:)[ \t]{1,4}(?:set to[ \t]{1,4}|now[ \t]{1,4})?)(["'`]?)([^\s"'`]{4,256})/gi;
/** Words that follow "password is" in error messages and UI text, not in leaks. */
const PROSE_STOP =
  /^(?:required|invalid|incorrect|wrong|too|missing|empty|not|expired|null|undefined|correct|valid|blank|reset|changed|set|being|needed|weak|strong|mandatory|optional|ok|okay|updated|saved|stored|hidden|masked|shown|the|a|an|your|their|our|his|her|its|this|that|case|now|still|already|different|same|used|unchanged|present|absent|sent|redacted|secret|encrypted|hashed|\*+|\.+)[.,;:!?)]*$/i;
const HAS_DIGIT_OR_SYMBOL = /[\d!#$%&*+/=?@^_~-]/;

function scrubProse(s: string, counts: PiiCounts): string {
  return s.replace(PROSE, (match, label: string, sep: string, quote: string, value: string) => {
    if (isScrubToken(value) || value.startsWith('[') || PROSE_STOP.test(value)) return match;
    // A bare word needs a digit or a symbol, or enough length, to read as a secret.
    if (quote === '' && !HAS_DIGIT_OR_SYMBOL.test(value) && value.length < 10) return match;
    counts.secret++;
    return `${label}${sep}${quote}${REDACTED}`;
  });
}

// ---- Command lines: curl -u user:pass, --password …, mysql -p… ------------------------------

const CURL_USER = /(?<![\w-])(-u|--user|--proxy-user|-U)([ \t]{1,4}|=)(["']?)([^\s:"']{0,128}):([^\s"']{1,256})/g;
const CLI_SECRET_FLAG =
  /(?<![\w-])(--(?:password|passwd|pass|token|api-key|apikey|secret|client-secret|access-token|auth-token|private-key))(=|[ \t]{1,4})(["']?)([^\s"']{1,512})/gi;

function scrubCommandLines(s: string, counts: PiiCounts): string {
  let out = s;
  if (out.includes('-u') || out.includes('-U') || out.includes('--user') || out.includes('--proxy-user')) {
    out = out.replace(CURL_USER, (match, flag: string, sep: string, quote: string, user: string, password: string) => {
      if (isScrubToken(password) || password.startsWith(REDACTED)) return match;
      counts.secret++;
      return `${flag}${sep}${quote}${user}:${REDACTED}`;
    });
  }
  if (out.includes('--')) {
    out = out.replace(CLI_SECRET_FLAG, (match, flag: string, sep: string, quote: string, value: string) => {
      if (isScrubToken(value) || value.startsWith(REDACTED) || value.startsWith('-') || value.startsWith('$')) return match;
      counts.secret++;
      return `${flag}${sep}${quote}${REDACTED}`;
    });
  }
  return out;
}

// ---- Cookie and Set-Cookie lines in logs ----------------------------------------------------

/** A Cookie/Set-Cookie header written as text: its whole value, to the end of the line. */
const COOKIE_LINE = /(?<![\w-])((?:set-)?cookie)([ \t]{0,4}:[ \t]{0,4})([^\r\n]{1,8192})/gi;

function scrubCookieLines(s: string, counts: PiiCounts): string {
  return s.replace(COOKIE_LINE, (match, name: string, sep: string, value: string) => {
    if (value.startsWith(REDACTED) || !value.includes('=')) return match;
    counts.secret++;
    return `${name}${sep}${REDACTED}`;
  });
}

// ---- Private-key lines logged one at a time ---------------------------------------------------

/**
 * A DER key body starts `MII` (an ASN.1 SEQUENCE); the other lines of a PEM body are 64
 * base64 characters. A footer alone (`-----END … PRIVATE KEY-----`) goes too.
 */
const KEY_LINE =
  /(?<![A-Za-z0-9+/=])(?:MII[A-Za-z0-9+/]{37,1021}={0,2}|[A-Za-z0-9+/]{64}|-----END [A-Z0-9 ]{0,60}PRIVATE KEY-----)(?![A-Za-z0-9+/=])/g;
const UPPER = /[A-Z]/;
const LOWER = /[a-z]/;
const DIGIT = /\d/;

function scrubKeyLines(s: string, counts: PiiCounts): string {
  return s.replace(KEY_LINE, (match: string) => {
    const random =
      match.startsWith('-----') || (UPPER.test(match) && LOWER.test(match) && DIGIT.test(match) && shannonEntropy(match) >= 4.5);
    if (!random) return match;
    counts.secret++;
    return REDACTED;
  });
}

// ---- The entropy detector: a random value next to a secret-like name ---------------------

/**
 * `name: value`, `name=value`, `"name": "value"`: a name (starting where a name can start),
 * the separator, then a token. Names, separators and values use disjoint first characters.
 */
const NAMED_VALUE = /(?<![\w.-])([A-Za-z][\w.-]{0,63})(\\?["']?[ \t]{0,4}(?:=|:)[ \t]{0,4}\\?["']?)([A-Za-z0-9+/=_.~-]{16,1024})/g;

function scrubNamedRandomValues(s: string, counts: PiiCounts): string {
  return s.replace(NAMED_VALUE, (match, name: string, sep: string, value: string) => {
    if (!isSecretHintName(name) || !looksLikeSecretValue(value)) return match;
    counts.secret++;
    return `${name}${sep}${REDACTED}`;
  });
}

// Pre-checks: plain-literal alternations in the usual casings (V8 scans those fastest; see
// secrets.ts). A gate may fire without a finding; it must never stay silent when its pass
// could find something.

/** The label words of PROSE (password/passwd/passphrase/passcode/pwd, secret, key, token). */
const PROSE_HINT = /wd|WD|word|Word|WORD|hrase|HRASE|sscode|SSCODE|cret|CRET|ken|KEN|key|Key|KEY/;
/** The whole words of names.ts's SECRET_HINT_WORDS, by an inner part. */
const NAME_HINT =
  /ey|EY|cret|CRET|ken|KEN|uth|UTH|ass|ASS|wd|WD|red|RED|sig|Sig|SIG|mac|MAC|alt|ALT|ookie|OOKIE|ession|ESSION|earer|EARER|rivate|RIVATE/;
/** A key line is a run of 40+ base64 characters (or an END footer). */
const KEY_LINE_RUN = 40;

function mayHoldKeyLine(s: string): boolean {
  return s.includes('-----END') || hasRun(s, KEY_LINE_RUN, isBase64Char, () => true);
}

export function scrubContextSecrets(s: string, counts: PiiCounts): string {
  let out = s;
  const labelled = out.includes(':') || out.includes('=');
  if (out.includes('ookie') || out.includes('OOKIE')) out = scrubCookieLines(out, counts);
  if ((labelled || out.includes(' is ') || out.includes(' was ')) && PROSE_HINT.test(out)) out = scrubProse(out, counts);
  if (out.includes('-u') || out.includes('-U') || out.includes('--')) out = scrubCommandLines(out, counts);
  if (labelled && out.length >= 17 && NAME_HINT.test(out)) out = scrubNamedRandomValues(out, counts);
  if (out.length >= 20 && mayHoldKeyLine(out)) out = scrubKeyLines(out, counts);
  return out;
}
