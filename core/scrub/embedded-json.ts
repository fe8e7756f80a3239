// JSON written inside text: a HAR entry in a header, a Kubernetes manifest in a log line, a
// secrets-manager response in an error message. Parsed and scrubbed as a value, so the shapes
// value.ts knows (`{name, value}` pairs, Secrets, SecretString) are recognised there too. The
// text is rewritten only when the value held a finding; otherwise it is left byte for byte.
import type { PiiCounts } from '../types.ts';
import { scrubJsonTextInto } from './line.ts';
import { newPiiCounts } from './tokens.ts';

/** An object or array that starts with a quoted key or an object: `{"`, `[{`, `{ "`. */
const JSON_START = /[{[][ \t\r\n]{0,4}["{]/;
/** Larger texts are scrubbed as plain text only (parsing is linear, but so is the budget). */
const MAX_JSON = 256 * 1024;

export function scrubEmbeddedJson(s: string, counts: PiiCounts): string {
  const match = JSON_START.exec(s);
  if (match === null) return s;
  const start = match.index;
  const closer = s[start] === '{' ? '}' : ']';
  const end = s.lastIndexOf(closer);
  if (end <= start || end - start > MAX_JSON) return s;
  const found = newPiiCounts();
  const scrubbed = scrubJsonTextInto(s.slice(start, end + 1), found);
  if (scrubbed === undefined || found.email + found.phone + found.card + found.secret === 0) return s;
  counts.email += found.email;
  counts.phone += found.phone;
  counts.card += found.card;
  counts.secret += found.secret;
  return s.slice(0, start) + scrubbed + s.slice(end + 1);
}
