// Free-text scrubbing: the one pipeline every carrier (headers, URLs, JSON strings, CLI
// lines) ends in. Order matters: secrets first (a database URL's `user:pass@host` must lose
// its password before the email pass could read `pass@host` as an address), then emails
// (addresses contain digits), then cards before phones (a spaced card looks like a phone).
// Each pass sits behind a cheap pre-check, so clean short strings cost well under 1 µs.
//
// Percent-encoded text (once or twice) is decoded for detection: when the decoded text holds a
// finding, the scrubbed decoded text is what is kept (an audit record needs no encoding).
import type { PiiCounts } from '../types.ts';
import { scrubCards } from './card.ts';
import { hasPercentEscape, percentDecode } from './decode.ts';
import { mayContainEmail, scrubEmails } from './email.ts';
import { scrubEmbeddedJson } from './embedded-json.ts';
import { scrubContextSecrets } from './labels.ts';
import { scrubPhones, scrubLabelledPhones } from './phone.ts';
import { scrubProviderFormats } from './providers.ts';
import { mayContainSecretOrEmail, scrubSecrets } from './secrets.ts';
import { newPiiCounts } from './tokens.ts';

/** Shortest input that can hold anything we look for ("a@b.co" has 6 characters). */
const MIN_INTERESTING_LENGTH = 6;
/**
 * Every phone and card the passes accept is a run of at least 8 characters from [0-9 ().+-]
 * that starts and ends with a digit (phones have 8+ digits, cards 12+). No such run: skip both.
 */
const NUMBER_HINT = /\d[\d ().+-]{6}\d/;
/** A phone named by a label ("tel: 4155550132") can be a bare run of 6+ digits. */
const SHORT_NUMBER_HINT = /\d[\d ()./+-]{4}\d/;

function scrubPlainInto(s: string, counts: PiiCounts): string {
  let out = s.includes('{') || s.includes('[') ? scrubEmbeddedJson(s, counts) : s;
  if (mayContainSecretOrEmail(s)) {
    out = scrubSecrets(out, counts);
    if (mayContainEmail(out)) out = scrubEmails(out, counts);
  }
  out = scrubContextSecrets(out, counts);
  out = scrubProviderFormats(out, counts);
  if (NUMBER_HINT.test(out)) out = scrubPhones(scrubCards(out, counts), counts);
  if (SHORT_NUMBER_HINT.test(out)) out = scrubLabelledPhones(out, counts);
  return out;
}

function addCounts(into: PiiCounts, from: PiiCounts): void {
  into.email += from.email;
  into.phone += from.phone;
  into.card += from.card;
  into.secret += from.secret;
}

export function scrubTextInto(s: string, counts: PiiCounts): string {
  if (s.length < MIN_INTERESTING_LENGTH) return s;
  const out = scrubPlainInto(s, counts);
  if (!hasPercentEscape(out)) return out;
  const decoded = percentDecode(out);
  if (decoded === out) return out;
  const found = newPiiCounts();
  const scrubbed = scrubPlainInto(decoded, found);
  if (scrubbed === decoded) return out;
  addCounts(counts, found);
  return scrubbed;
}

/**
 * Names (JSON keys, URL parameter names) recur on every request (`variables`, `date_preset`,
 * `fields`, …). Names that scrubbed clean once are remembered, bounded, so they are not
 * scanned again; a name with a finding is scrubbed (and counted) every time.
 */
const CLEAN_NAMES = new Set<string>();
const CLEAN_NAMES_LIMIT = 4096;

export function scrubNameInto(name: string, counts: PiiCounts): string {
  if (CLEAN_NAMES.has(name)) return name;
  const scrubbed = scrubTextInto(name, counts);
  if (scrubbed === name) {
    if (CLEAN_NAMES.size >= CLEAN_NAMES_LIMIT) CLEAN_NAMES.clear();
    CLEAN_NAMES.add(name);
  }
  return scrubbed;
}
