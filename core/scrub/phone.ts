// Phone numbers in international and the common national notations. A bare digit run is never
// a phone here (it is indistinguishable from an id or a timestamp): a phone needs a leading
// '+', a trunk '0', or the 3-3-4 grouping of North American numbers.
import type { PiiCounts } from '../types.ts';
import { PHONE_REDACTED } from './tokens.ts';

/** Lookbehind shared by the national forms: not inside a word, id, version, price or path. */
const NOT_AFTER = String.raw`(?<![\w.+#$,/-])`;
/** Lookahead shared by all forms: the number ends here (no letter, digit, time or decimal). */
const NOT_BEFORE = String.raw`(?![\w:]|[.,/-]\d)`;

/**
 * `+<country code><digits>` then an optional `(0)`-style area in parentheses, then up to six
 * groups that each begin with one separator: +44 20 7946 0958, +1 (415) 555-0132,
 * +81 3-1234-5678, +14155550132. Groups need their separator, so there is one way to split.
 */
const INTERNATIONAL = new RegExp(String.raw`(?<![\w+])\+[1-9]\d{0,14}(?:[ .-]?\(\d{1,4}\)\d{0,4})?(?:[ .-]\d{1,8}){0,6}` + NOT_BEFORE, 'g');

/**
 * National numbers, two notations in one scan:
 * - North American: (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0199;
 * - trunk prefix 0 with at least one separator: 07700 900123, 020 7946 0958,
 *   (020) 7946 0958, 030 901820, 01 42 68 53 00, 03-1234-5678.
 */
const NATIONAL = new RegExp(
  NOT_AFTER +
    String.raw`(?:(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}` +
    String.raw`|(?:\(0[1-9]\d{0,4}\) ?|0[1-9]\d{0,4}[ .-])\d{2,8}(?:[ .-]\d{2,8}){0,3})` +
    NOT_BEFORE,
  'g',
);

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function replaceWhen(s: string, re: RegExp, minDigits: number, maxDigits: number, counts: PiiCounts): string {
  return s.replace(re, (match: string) => {
    const digits = countDigits(match);
    if (digits < minDigits || digits > maxDigits) return match;
    counts.phone++;
    return PHONE_REDACTED;
  });
}

/** National forms always have a separator between digits or a parenthesised area code. */
const NATIONAL_HINT = /\d[ .-]\d|\(\d/;

export function scrubPhones(s: string, counts: PiiCounts): string {
  const out = s.includes('+') ? replaceWhen(s, INTERNATIONAL, 8, 15, counts) : s;
  // 9–11 digits: shorter would be a date like 01-12-2024, longer is not a national number.
  return NATIONAL_HINT.test(out) ? replaceWhen(out, NATIONAL, 9, 11, counts) : out;
}
