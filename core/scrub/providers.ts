// Provider credential formats from gitleaks' rule set (provider-formats.ts, generated): a
// keyword pre-filter first, as gitleaks does — one case-insensitive scan for all keywords —
// then only the rules whose keyword occurs. Rules are compiled on first use. The secret (the
// rule's capture group) is replaced, the surrounding label is kept.
import type { PiiCounts } from '../types.ts';
import { shannonEntropy } from './entropy.ts';
import { EXTRA_FORMATS } from './extra-formats.ts';
import { PROVIDER_FORMATS, type ProviderFormat } from './provider-formats.ts';
import { hasRun, isTokenChar } from './runs.ts';
import { REDACTED, isScrubToken } from './tokens.ts';

interface CompiledRule {
  format: ProviderFormat;
  re: RegExp;
}

interface Compiled {
  keywordGate: RegExp;
  rulesByKeyword: Map<string, CompiledRule[]>;
}

/** The shortest string any rule could match (no provider secret is shorter). */
const MIN_LENGTH = 12;
/**
 * Cheap gate before the keyword scan: every provider secret holds a run of 14+ token
 * characters that looks random (tokenLike below). UUIDs are such runs but never a provider
 * secret.
 */
const MIN_RUN = 14;
const MIXED_CASE_RUN = 20;
const MIN_DIGIT_SWITCHES = 3;
/** A capture shorter than this is a structural group (`([a-z0-9]{4}-){3}`), not the secret. */
const MIN_SECRET = 8;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 0 digit, 1 upper, 2 lower, 3 other. */
function charClass(c: number): number {
  if (c >= 48 && c <= 57) return 0;
  if (c >= 65 && c <= 90) return 1;
  if (c >= 97 && c <= 122) return 2;
  return 3;
}

/**
 * Does the run look random? Random tokens switch between digits and letters, or between
 * cases, all along (a 20-character base62 token ~5 times, hex ~9 times); ids, SKUs, dates and
 * identifiers switch once or twice (`act_1234567890`, `SKU-TSHIRT-BLK-XL-2026`,
 * `ProductVariantConnection`).
 */
function tokenLike(s: string, start: number, end: number): boolean {
  let digitSwitches = 0;
  let caseSwitches = 0;
  let previous = charClass(s.charCodeAt(start));
  for (let i = start + 1; i < end; i++) {
    const current = charClass(s.charCodeAt(i));
    if (current === 3 || current === previous) continue;
    if (current === 0 || previous === 0) digitSwitches++;
    else if (previous !== 3) caseSwitches++;
    previous = current;
  }
  const length = end - start;
  if (digitSwitches >= MIN_DIGIT_SWITCHES) return length !== 36 || !UUID.test(s.slice(start, end));
  return length >= MIXED_CASE_RUN && caseSwitches >= length / 4;
}

function hasTokenRun(s: string): boolean {
  return hasRun(s, MIN_RUN, isTokenChar, (start, end) => tokenLike(s, start, end));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  const rulesByKeyword = new Map<string, CompiledRule[]>();
  for (const format of [...PROVIDER_FORMATS, ...EXTRA_FORMATS]) {
    const rule = { format, re: new RegExp(format.source, format.flags) };
    for (const keyword of format.keywords) {
      const list = rulesByKeyword.get(keyword) ?? [];
      list.push(rule);
      rulesByKeyword.set(keyword, list);
    }
  }
  // Longest keywords first so the alternation reports the most specific one at a position.
  const keywords = [...rulesByKeyword.keys()].sort((a, b) => b.length - a.length);
  return { keywordGate: new RegExp(keywords.map(escapeRegex).join('|'), 'gi'), rulesByKeyword };
}

function rulesFor(s: string, c: Compiled): Set<CompiledRule> | undefined {
  let found: Set<CompiledRule> | undefined;
  c.keywordGate.lastIndex = 0;
  for (let m = c.keywordGate.exec(s); m !== null; m = c.keywordGate.exec(s)) {
    for (const rule of c.rulesByKeyword.get(m[0].toLowerCase()) ?? []) (found ??= new Set()).add(rule);
    // Keywords can overlap ("sk-ant-api03" holds "api"): step one character, not past the match.
    c.keywordGate.lastIndex = m.index + 1;
  }
  return found;
}

function applyRule(s: string, { format, re }: CompiledRule, counts: PiiCounts): string {
  re.lastIndex = 0;
  return s.replace(re, (match: string, ...rest: unknown[]) => {
    const groups = rest.slice(0, -2).filter((g): g is string => typeof g === 'string');
    const secret = (format.group > 0 ? (rest[format.group - 1] as string | undefined) : undefined) ?? groups.find((g) => g !== '') ?? match;
    if (secret === '' || isScrubToken(secret) || secret.includes(REDACTED) || match.includes(REDACTED)) return match;
    if (format.entropy > 0 && shannonEntropy(secret) < format.entropy) return match;
    if (secret.length < MIN_SECRET) {
      counts.secret++;
      return REDACTED;
    }
    const at = match.lastIndexOf(secret);
    counts.secret++;
    return match.slice(0, at) + REDACTED + match.slice(at + secret.length);
  });
}

export function scrubProviderFormats(s: string, counts: PiiCounts): string {
  if (s.length < MIN_LENGTH || !hasTokenRun(s)) return s;
  compiled ??= compile();
  const rules = rulesFor(s, compiled);
  if (rules === undefined) return s;
  let out = s;
  for (const rule of rules) out = applyRule(out, rule, counts);
  return out;
}
