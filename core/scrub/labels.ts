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

/** Pre-check for all the passes above: a digit-free, label-free string has nothing for them. */
const CONTEXT_HINT = /ass|wd|ecret|oken|ey|ookie|-u|-U|--|MII|ND |uth|sig|hmac|salt|ession|rivate|cred/i;
/** The shortest string that could hold a key line (an END footer has 25 characters). */
const KEY_LINE_MIN = 20;

export function scrubContextSecrets(s: string, counts: PiiCounts): string {
  let out = s;
  if (CONTEXT_HINT.test(out)) {
    out = scrubCookieLines(out, counts);
    out = scrubProse(out, counts);
    out = scrubCommandLines(out, counts);
    if (out.includes(':') || out.includes('=')) out = scrubNamedRandomValues(out, counts);
  }
  if (out.length >= KEY_LINE_MIN) out = scrubKeyLines(out, counts);
  return out;
}
