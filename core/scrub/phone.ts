// Phone numbers, in two regimes:
// - everywhere: international notation (`+44 20 7946 0958`, `0044 20 7946 0958`) and the
//   common national notations (trunk `0` with separators, North American 3-3-4). A bare digit
//   run is never a phone here: it is indistinguishable from an id or a timestamp.
// - with phone CONTEXT only (a JSON key, header or parameter named phone/mobile/tel/fax/…, or
//   a label such as "tel:" or "call" in text): any number that libphonenumber-js accepts as a
//   valid number of one of the major countries below, national formats included. Context is
//   what keeps order ids, prices, timestamps and tracking numbers from being read as phones.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import type { PiiCounts } from '../types.ts';
import { memoized } from './names.ts';
import { PHONE_REDACTED, isScrubToken } from './tokens.ts';

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
 * The `00` international prefix: `00` + country code, then at least two separated groups (so
 * a zero-padded id such as 0012345678 is never one).
 */
const INTERNATIONAL_00 = new RegExp(NOT_AFTER + String.raw`00[1-9]\d{0,2}(?:[ .-]\d{1,8}){2,6}` + NOT_BEFORE, 'g');

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
  let out = s.includes('+') ? replaceWhen(s, INTERNATIONAL, 8, 15, counts) : s;
  if (out.includes('00')) out = replaceWhen(out, INTERNATIONAL_00, 10, 17, counts);
  // 9–11 digits: shorter would be a date like 01-12-2024, longer is not a national number.
  return NATIONAL_HINT.test(out) ? replaceWhen(out, NATIONAL, 9, 11, counts) : out;
}

// ---- Phones in context ----------------------------------------------------------------------

/**
 * Default countries tried, in order, for a number written nationally: the largest markets by
 * online commerce and population. A number is a phone when it is valid for one of them.
 */
const CONTEXT_COUNTRIES: readonly CountryCode[] = [
  'US',
  'GB',
  'DE',
  'FR',
  'IN',
  'BR',
  'JP',
  'IT',
  'ES',
  'MX',
  'NL',
  'AU',
  'CN',
  'KR',
  'ZA',
  'PL',
  'SE',
  'TR',
  'ID',
  'NG',
];
const MIN_CONTEXT_DIGITS = 6;
const MAX_CONTEXT_DIGITS = 15;
/** A date or time is never a phone, whatever a country's numbering plan says. */
const DATE_SHAPE = /\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d:\d\d/;

/**
 * Validating a number costs tens of microseconds per country, so one string gets at most this
 * many validations; past it, a candidate in phone context is taken as a phone (the safe side:
 * a field named `phone` with hundreds of numbers in it is a list of phones, or an attack).
 */
const VALIDATIONS_PER_STRING = 16;

interface Budget {
  left: number;
}

/** True when the candidate (digits with phone punctuation) is a valid number in context. */
export function isPhoneInContext(candidate: string, budget: Budget = { left: 1 }): boolean {
  const digits = countDigits(candidate);
  if (digits < MIN_CONTEXT_DIGITS || digits > MAX_CONTEXT_DIGITS || DATE_SHAPE.test(candidate)) return false;
  if (budget.left-- <= 0) return true;
  const trimmed = candidate.trim();
  if (trimmed.startsWith('+') || trimmed.startsWith('00')) {
    return parsePhoneNumberFromString(trimmed.startsWith('00') ? '+' + trimmed.slice(2) : trimmed)?.isValid() === true;
  }
  for (const country of CONTEXT_COUNTRIES) {
    if (parsePhoneNumberFromString(trimmed, country)?.isValid() === true) return true;
  }
  return false;
}

/** A number in phone notation: digits with spaces, dots, dashes, slashes and parentheses. */
const CANDIDATE = /(?<![\w.+/-])(?:\+|\(?\d)[\d ()./-]{4,24}\d(?![\w]|[.,:/-]\d)/g;

/** The value of a phone-named field, header or parameter: every valid number in it goes. */
export function scrubPhoneContextValue(s: string, counts: PiiCounts): string {
  if (isScrubToken(s) || countDigits(s) < MIN_CONTEXT_DIGITS) return s;
  const budget = { left: VALIDATIONS_PER_STRING };
  return s.replace(CANDIDATE, (match: string) => {
    if (!isPhoneInContext(match, budget)) return match;
    counts.phone++;
    return PHONE_REDACTED;
  });
}

/**
 * A phone label in text, then (within 16 characters that are not digits) the number. Bare
 * digit runs count only right after the label ("tel: 4155550132"); further away the number
 * needs phone punctuation ("call us on 020 7946 0958").
 */
const LABELLED_PHONE =
  /(?<![A-Za-z])(phone|telephone|tel|mobile|cell|call|fax|whatsapp|sms|contact|ph|handy|telefon|tél|tel[eé]fono)(?![A-Za-z])([^\d+(\n]{0,16})((?:\+|\(?\d)[\d ()./-]{4,24}\d)(?![\w]|[.,:/-]\d)/gi;
const PHONE_LABEL_HINT = /ph|te|mob|cel|cal|fax|wha|sms|con|han|tél/i;
const PUNCTUATED = /[ ()./+-]/;

export function scrubLabelledPhones(s: string, counts: PiiCounts): string {
  if (!PHONE_LABEL_HINT.test(s)) return s;
  const budget = { left: VALIDATIONS_PER_STRING };
  return s.replace(LABELLED_PHONE, (match, label: string, gap: string, candidate: string) => {
    if (gap.length > 3 && !PUNCTUATED.test(candidate)) return match;
    if (!isPhoneInContext(candidate, budget)) return match;
    counts.phone++;
    return `${label}${gap}${PHONE_REDACTED}`;
  });
}

/** Names (JSON keys, headers, parameters) that say their value is a phone number. */
const PHONE_NAME = /phone|mobile|telephone|fax|whatsapp|cellular|msisdn|^(?:x?tel|cell|sms)$/;

function nameIsPhone(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  return PHONE_NAME.test(name.toLowerCase().replace(/[-_.\s]/g, ''));
}

/** Remembered per name, like the other name checks: the same keys come by on every request. */
export const isPhoneName = memoized(nameIsPhone);
