// Email addresses, found by scanning around each '@' (or its URL-encoded form '%40') instead
// of a regex: the scan is bounded on both sides (64-char local part, 253-char domain), and
// each character is visited a bounded number of times, so the cost is linear even on
// "a@a@a@…".
import type { PiiCounts } from '../types.ts';
import { EMAIL_REDACTED } from './tokens.ts';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const MAX_LABEL = 63;
const MAX_TLD = 24;

/** Internationalised addresses (RFC 6531): letters and marks of any script. */
const NON_ASCII_WORD = /[\p{L}\p{M}\p{N}]/u;

function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0x80 && isNonAsciiWordChar(c));
}
function isNonAsciiWordChar(c: number): boolean {
  // Surrogate halves belong to letters outside the BMP (CJK extensions): accept them.
  if (c >= 0xd800 && c <= 0xdfff) return true;
  return NON_ASCII_WORD.test(String.fromCharCode(c));
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isLocalChar(c: number): boolean {
  // letters, digits and . _ % + -
  return isAlpha(c) || isDigit(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
}
function isLabelChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 45;
}

export function mayContainEmail(s: string): boolean {
  return s.includes('@') || s.includes('%40');
}

/**
 * Finds each '@' or '%40' in turn. The next position of each separator is remembered, so the
 * string is searched once overall rather than once per candidate.
 */
class AtSigns {
  private readonly s: string;
  private readonly hasEncoded: boolean;
  private plain = -2;
  private encoded = -2;

  constructor(s: string, hasEncoded: boolean) {
    this.s = s;
    this.hasEncoded = hasEncoded;
  }

  /** [index, separator length] of the next separator at or after `from`, or [-1, 0]. */
  next(from: number): [number, number] {
    if (this.plain !== -1 && this.plain < from) this.plain = this.s.indexOf('@', from);
    if (this.hasEncoded && this.encoded !== -1 && this.encoded < from) this.encoded = this.s.indexOf('%40', from);
    const plain = this.plain;
    const encoded = this.hasEncoded ? this.encoded : -1;
    if (encoded !== -1 && (plain === -1 || encoded < plain)) return [encoded, 3];
    return plain === -1 ? [-1, 0] : [plain, 1];
  }
}

/**
 * Where the domain starting at `start` ends (exclusive), or -1 if there is none: at least two
 * labels, the last one a 2–24 letter TLD. Trailing labels that are not a TLD
 * ("example.com.123") and a trailing dot are left out.
 */
function domainEnd(s: string, start: number): number {
  const limit = Math.min(s.length, start + MAX_DOMAIN);
  let pos = start;
  let labels = 0;
  let end = -1;
  for (;;) {
    const labelStart = pos;
    let letters = true;
    while (pos < limit && pos - labelStart < MAX_LABEL && isLabelChar(s.charCodeAt(pos))) {
      if (!isAlpha(s.charCodeAt(pos))) letters = false;
      pos++;
    }
    const length = pos - labelStart;
    if (length === 0) break;
    labels++;
    // `logo@2x.png` is a retina asset name, not an address.
    if (labels === 1 && length <= 3 && (s.charCodeAt(pos - 1) | 32) === 120 /* x */ && isDigit(s.charCodeAt(labelStart))) {
      return -1;
    }
    if (labels >= 2 && (letters || isPunycode(s, labelStart, pos)) && length >= 2 && length <= MAX_TLD) end = pos;
    if (pos + 1 < limit && s.charCodeAt(pos) === 46 /* . */ && isLabelChar(s.charCodeAt(pos + 1))) pos++;
    else break;
  }
  return end;
}

/** `xn--p1ai`: an internationalised TLD in its ASCII form. */
function isPunycode(s: string, start: number, end: number): boolean {
  return end - start > 4 && s.slice(start, start + 4).toLowerCase() === 'xn--';
}

/** `:org/repo.git`, `:~/repos/app`: the path after an SSH remote's host. */
const SSH_PATH = /^:[\w.~-]{0,100}\/[\w./~-]{0,200}/y;

/**
 * Not an address: `git@github.com:org/repo.git` (an SSH remote: host, then `:` and a path with a
 * `/`) and `ssh://git@host/…` (URL user info). `jane@example.com:Hello` is still an address.
 */
function isGitRemote(s: string, localStart: number, end: number): boolean {
  if (s.charCodeAt(end) === 58 /* : */) {
    SSH_PATH.lastIndex = 0;
    if (SSH_PATH.test(s.slice(end, end + 310))) return true;
  }
  return localStart >= 3 && s.startsWith('://', localStart - 3);
}

export function scrubEmails(s: string, counts: PiiCounts): string {
  const atSigns = new AtSigns(s, s.includes('%40'));
  let out = '';
  let copiedUpTo = 0;
  let [at, sepLength] = atSigns.next(0);
  while (at !== -1) {
    let localStart = at;
    const leftLimit = Math.max(copiedUpTo, at - MAX_LOCAL);
    while (localStart > leftLimit && isLocalChar(s.charCodeAt(localStart - 1))) localStart--;
    while (localStart < at && s.charCodeAt(localStart) === 46) localStart++; // no leading dots
    const end = localStart === at ? -1 : domainEnd(s, at + sepLength);
    if (end !== -1 && !isGitRemote(s, localStart, end)) {
      out += s.slice(copiedUpTo, localStart) + EMAIL_REDACTED;
      counts.email++;
      copiedUpTo = end;
    }
    [at, sepLength] = atSigns.next(end === -1 ? at + 1 : end);
  }
  return copiedUpTo === 0 ? s : out + s.slice(copiedUpTo);
}
