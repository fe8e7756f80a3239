// Payment card numbers: 12–19 digits, optionally grouped by single spaces or dashes, that pass
// the Luhn check AND have a length/prefix a card network actually issues. The network check is
// what lets millisecond timestamps (17…, 13 digits), Shopify ids (7…/8…/9…, 13 digits) and
// Meta ids (15–18 digits starting 1 or 2) survive even when they happen to be Luhn-valid.
import type { PiiCounts } from '../types.ts';
import { CARD_REDACTED } from './tokens.ts';

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Length and issuer prefix of the major networks (Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro, Mir). */
function issuedByANetwork(d: string): boolean {
  const n = d.length;
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  switch (d[0]) {
    case '4': // Visa
      return n === 13 || (n >= 16 && n <= 19);
    case '5': // Mastercard 51–55 (16); Maestro 50, 56–59 (16–19)
      return two >= 51 && two <= 55 ? n === 16 : n >= 16 && n <= 19;
    case '2': // Mastercard 2221–2720 (16); Mir 2200–2204 (16–19)
      return (four >= 2221 && four <= 2720 && n === 16) || (four >= 2200 && four <= 2204 && n >= 16 && n <= 19);
    case '3': // Amex 34/37 (15); JCB 3528–3589 (16–19); Diners 30, 36, 38, 39 (14–19)
      if (two === 34 || two === 37) return n === 15;
      if (four >= 3528 && four <= 3589) return n >= 16 && n <= 19;
      return (two === 30 || two === 36 || two === 38 || two === 39) && n >= 14 && n <= 19;
    case '6': // Discover, UnionPay, Maestro, RuPay
      return n >= 16 && n <= 19;
    default:
      return false;
  }
}

/** True for a string of 12–19 ASCII digits that is a plausible, Luhn-valid card number. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && issuedByANetwork(digits) && luhnValid(digits);
}

/**
 * A digit run of 12–19 digits with optional single space/dash separators, starting with an
 * issuer digit 2–6 (so ids and timestamps starting 1, 7, 8, 9 never even reach the Luhn check).
 * Not preceded by a word character, `.`, `-`, `+`, `#`, `$` or `,` (so it never starts inside
 * an id, SKU, price or UUID), not followed by a word character or by `.`/`,`/`-` and a digit.
 */
const CARD_CANDIDATE = /(?<![\w.+#$,-])[2-6](?:[ -]?\d){11,18}(?![\w]|[.,-]\d)/g;
const SEPARATORS = /[ -]/g;

export function scrubCards(s: string, counts: PiiCounts): string {
  return s.replace(CARD_CANDIDATE, (match: string) => {
    if (!isCardNumber(match.replace(SEPARATORS, ''))) return match;
    counts.card++;
    return CARD_REDACTED;
  });
}
