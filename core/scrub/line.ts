// One line of the `scrub` CLI: a JSON object/array line is parsed, scrubbed as a value and
// re-serialised; anything else is scrubbed as text. Integers beyond 2^53 (Meta ids are 15–18
// digits) would be silently changed by JSON.parse, so they are carried through as marked
// strings and restored as the exact digits on the way out.
import type { PiiCounts } from '../types.ts';
import { scrubTextInto } from './text.ts';
import { scrubValueInto } from './value.ts';

/** Marker prefix for a big integer carried as a string; NUL never occurs in real JSON text. */
const BIG_INT_MARK = '\u0000int:';
const MAYBE_BIG_INT = /\d{16}/;
const NUMBER_AT = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** Marked strings after JSON.stringify, which writes NUL as \u0000. */
const MARKED_DIGITS = /"\\u0000int:(-?\d+)"/g;
const MARKED_OTHER = /"\\u0000int:/g;

/** Wraps integer literals outside strings that are not exactly representable as doubles. */
function markBigIntegers(json: string): string {
  let out = '';
  let copiedUpTo = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    if (c !== 45 /* - */ && (c < 48 || c > 57)) continue;
    NUMBER_AT.lastIndex = i;
    const literal = NUMBER_AT.exec(json)?.[0] ?? json[i] ?? '';
    if (/^-?\d+$/.test(literal) && !Number.isSafeInteger(Number(literal))) {
      out += json.slice(copiedUpTo, i) + JSON.stringify(BIG_INT_MARK + literal);
      copiedUpTo = i + literal.length;
    }
    i += literal.length - 1;
  }
  return copiedUpTo === 0 ? json : out + json.slice(copiedUpTo);
}

function unmarkBigIntegers(json: string): string {
  return json.replace(MARKED_DIGITS, '$1').replace(MARKED_OTHER, '"');
}

/**
 * JSON text scrubbed as a value and re-serialised, big integers kept exact; undefined when the
 * text is not JSON.
 */
export function scrubJsonTextInto(json: string, counts: PiiCounts): string | undefined {
  const marked = MAYBE_BIG_INT.test(json) ? markBigIntegers(json) : json;
  let parsed: unknown;
  try {
    parsed = JSON.parse(marked);
  } catch {
    return undefined;
  }
  const out = JSON.stringify(scrubValueInto(parsed, counts));
  return marked === json ? out : unmarkBigIntegers(out);
}

export function scrubLineInto(line: string, counts: PiiCounts): string {
  const trimmed = line.trim();
  const first = trimmed[0];
  if (first !== '{' && first !== '[') return scrubTextInto(line, counts);
  // looks like JSON but is not: scrub as text
  return scrubJsonTextInto(trimmed, counts) ?? scrubTextInto(line, counts);
}
