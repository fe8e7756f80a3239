// Deep scrubbing of JSON values (request bodies, GraphQL variables, tool arguments). Returns a
// new value and never mutates its input. Rules:
// - strings go through the text scrubber; object keys too (maps keyed by email exist);
// - a key with an unambiguous secret name (`password`, `accessToken`, `client_secret`, …) has
//   its string/number value replaced by `[REDACTED]`; objects/arrays under it are walked;
// - numbers stay numbers unless they are a plausible card number (12–19 digit safe integer
//   passing Luhn and the network check), which becomes the string "[card_redacted]";
// - nesting deeper than MAX_DEPTH is replaced by `[REDACTED]` rather than risking a stack
//   overflow on adversarial input.
import type { PiiCounts } from '../types.ts';
import { isCardNumber } from './card.ts';
import { isSensitiveJsonKey } from './names.ts';
import { scrubNameInto, scrubTextInto } from './text.ts';
import { CARD_REDACTED, REDACTED, isScrubToken } from './tokens.ts';

const MAX_DEPTH = 256;
const SMALLEST_CARD = 1e11; // 12 digits

function scrubNumber(n: number, counts: PiiCounts): number | string {
  if (n < SMALLEST_CARD || !Number.isSafeInteger(n) || !isCardNumber(String(n))) return n;
  counts.card++;
  return CARD_REDACTED;
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The value of a secret-named key: scalars go, containers are walked like any other value. */
function scrubSecretField(v: unknown, counts: PiiCounts, depth: number): unknown {
  if (typeof v === 'string') {
    if (v === '' || isScrubToken(v)) return v;
    counts.secret++;
    return REDACTED;
  }
  if (typeof v === 'number') {
    counts.secret++;
    return REDACTED;
  }
  return scrubAny(v, counts, depth);
}

function scrubAny(v: unknown, counts: PiiCounts, depth: number): unknown {
  if (typeof v === 'string') return scrubTextInto(v, counts);
  if (typeof v === 'number') return scrubNumber(v, counts);
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(v)) return v.map((item) => scrubAny(item, counts, depth + 1));
  if (!isPlainObject(v)) return v; // Dates, buffers…: not JSON, not ours to rewrite
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(v)) {
    const scrubbed = isSensitiveJsonKey(key) ? scrubSecretField(value, counts, depth + 1) : scrubAny(value, counts, depth + 1);
    const outKey = scrubNameInto(key, counts);
    // Assigning a parsed "__proto__" key would set the prototype; it must stay a property.
    if (outKey === '__proto__')
      Object.defineProperty(out, outKey, { value: scrubbed, enumerable: true, writable: true, configurable: true });
    else out[outKey] = scrubbed;
  }
  return out;
}

export function scrubValueInto<T>(v: T, counts: PiiCounts): T {
  return scrubAny(v, counts, 0) as T;
}
