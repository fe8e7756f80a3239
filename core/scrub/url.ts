// URLs: the query string and fragment are split into parameters and judged by name
// (`access_token=…` → `access_token=[REDACTED]`, name kept); every other part goes through the
// text scrubber, percent-decoded when it is encoded (`john%40example.com`). Hand-split rather
// than `new URL()`, which throws on malformed input and normalises what it keeps.
import type { PiiCounts } from '../types.ts';
import { percentDecodeOnce } from './decode.ts';
import { isSensitiveParamName } from './names.ts';
import { isPhoneName, scrubPhoneContextValue } from './phone.ts';
import { scrubNameInto, scrubTextInto } from './text.ts';
import { REDACTED, isScrubToken } from './tokens.ts';

/** One round of tolerant decoding (a malformed escape stays); scrubText decodes a second. */
function decodeOrKeep(s: string): string {
  return percentDecodeOnce(s);
}

/** Encodes a scrubbed value back, leaving our `[…]` tokens readable. */
function encodeScrubbed(s: string): string {
  try {
    return encodeURIComponent(s).replace(/%5B/g, '[').replace(/%5D/g, ']');
  } catch {
    return s;
  }
}

/** A URL component: scrubbed as written, or decoded → scrubbed → re-encoded if encoded. */
function scrubComponent(raw: string, counts: PiiCounts, phoneContext = false): string {
  const decoded = decodeOrKeep(raw);
  const scrub = (s: string) => (phoneContext ? scrubPhoneContextValue(scrubTextInto(s, counts), counts) : scrubTextInto(s, counts));
  if (decoded === raw) return scrub(raw);
  const scrubbed = scrub(decoded);
  return scrubbed === decoded ? raw : encodeScrubbed(scrubbed);
}

function scrubParam(param: string, counts: PiiCounts): string {
  const eq = param.indexOf('=');
  if (eq === -1) return scrubComponent(param, counts);
  const name = param.slice(0, eq);
  const value = param.slice(eq + 1);
  if (value !== '' && !isScrubToken(value) && isSensitiveParamName(decodeOrKeep(name))) {
    counts.secret++;
    return `${name}=${REDACTED}`;
  }
  const scrubbedName = name.includes('%') ? scrubComponent(name, counts) : scrubNameInto(name, counts);
  return `${scrubbedName}=${scrubComponent(value, counts, isPhoneName(decodeOrKeep(name)))}`;
}

function scrubParams(query: string, counts: PiiCounts): string {
  let out = '';
  let start = 0;
  for (;;) {
    const amp = query.indexOf('&', start);
    const end = amp === -1 ? query.length : amp;
    out += scrubParam(query.slice(start, end), counts);
    if (amp === -1) return out;
    out += '&';
    start = amp + 1;
  }
}

export function scrubUrlInto(url: string, counts: PiiCounts): string {
  const hash = url.indexOf('#');
  const beforeHash = hash === -1 ? url : url.slice(0, hash);
  const question = beforeHash.indexOf('?');
  const base = question === -1 ? beforeHash : beforeHash.slice(0, question);
  let out = scrubTextInto(base, counts);
  if (question !== -1) out += '?' + scrubParams(beforeHash.slice(question + 1), counts);
  // Fragments carry tokens too (OAuth implicit flow: `#access_token=…`).
  if (hash !== -1) out += '#' + scrubParams(url.slice(hash + 1), counts);
  return out;
}
