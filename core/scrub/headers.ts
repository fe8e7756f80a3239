// HTTP headers: a credential header's value is replaced whole (names kept, so the audit can
// still say "an Authorization header was sent"); every other value goes through the text
// scrubber (a `Referer` or `Link` header can carry a token or an email).
import type { PiiCounts } from '../types.ts';
import { isSensitiveHeaderName } from './names.ts';
import { isPhoneName, scrubPhoneContextValue } from './phone.ts';
import { scrubTextInto } from './text.ts';
import { REDACTED, isScrubToken } from './tokens.ts';

type HeaderValue = string | string[];

function redact(value: string, counts: PiiCounts): string {
  if (value === '' || isScrubToken(value)) return value;
  counts.secret++;
  return REDACTED;
}

export function scrubHeadersInto(headers: Record<string, string | string[] | undefined>, counts: PiiCounts): Record<string, HeaderValue> {
  const out: Record<string, HeaderValue> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    const scrubOne = isSensitiveHeaderName(name)
      ? (v: string) => redact(v, counts)
      : isPhoneName(name)
        ? (v: string) => scrubPhoneContextValue(scrubTextInto(v, counts), counts)
        : (v: string) => scrubTextInto(v, counts);
    // Node hands numbers through for some headers despite the types; keep them as text.
    out[name] = Array.isArray(value) ? value.map((v) => scrubOne(String(v))) : scrubOne(String(value));
  }
  return out;
}
