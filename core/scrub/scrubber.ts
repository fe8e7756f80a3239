// Warden's secret/PII scrubber: the public API. Pure functions, no I/O. Everything that is
// written, journaled or uploaded passes through here first (DESIGN.md, "Scrubbing").
//
// Tokens: secrets → [REDACTED], emails → [email_redacted], phones → [phone_redacted],
// payment cards → [card_redacted]. Each finding increments `counts` by type; the values
// themselves are never kept. See the files beside this one for each family's rules.
import type { PiiCounts } from '../types.ts';
import { scrubHeadersInto } from './headers.ts';
import { scrubLineInto } from './line.ts';
import { scrubTextInto } from './text.ts';
import { newPiiCounts } from './tokens.ts';
import { scrubUrlInto } from './url.ts';
import { scrubValueInto } from './value.ts';

export { REDACTED, EMAIL_REDACTED, PHONE_REDACTED, CARD_REDACTED, newPiiCounts } from './tokens.ts';

/** Free text (error messages, log lines, string fields). */
export function scrubText(s: string, counts?: PiiCounts): string {
  if (typeof s !== 'string') return s;
  return scrubTextInto(s, counts ?? newPiiCounts());
}

/** A URL: token-like query/fragment parameters by name, the rest as text. Never throws. */
export function scrubUrl(url: string, counts?: PiiCounts): string {
  if (typeof url !== 'string') return url;
  return scrubUrlInto(url, counts ?? newPiiCounts());
}

/** HTTP headers: credential headers → [REDACTED], other values as text; undefined dropped. */
export function scrubHeaders(h: Record<string, string | string[] | undefined>, counts?: PiiCounts): Record<string, string | string[]> {
  return scrubHeadersInto(h, counts ?? newPiiCounts());
}

/**
 * Deep scrub of a JSON value; returns a new value, never mutates the input. Secret-named keys
 * lose their values, strings are scrubbed as text, and a number that is a plausible card
 * becomes the string "[card_redacted]" (so the result type can differ from T there).
 */
export function scrubValue<T>(v: T, counts?: PiiCounts): T {
  return scrubValueInto(v, counts ?? newPiiCounts());
}

/** One line for the `scrub` CLI: JSON object/array → scrubValue → JSON.stringify, else text. */
export function scrubLine(line: string, counts?: PiiCounts): string {
  if (typeof line !== 'string') return line;
  return scrubLineInto(line, counts ?? newPiiCounts());
}
