// Regenerates core/scrub/provider-formats.ts from gitleaks' default rule set (config/gitleaks.toml,
// MIT licence): each rule's id, keywords, regex and entropy threshold, translated from Go RE2 to
// JavaScript. Run: node scripts/scrub-formats.mjs <path/to/gitleaks.toml> "<version>"
//
// Translation: inline flags ((?i), (?i:…), (?-i:…), (?s:…)) become whole-pattern flags (a
// scrubber may be slightly more permissive than the scanner, never less); `[[:alnum:]]` becomes
// a class; unbounded repeats get an upper bound (a bounded pattern cannot run away on 1 MB of
// input); the leading `[\w.-]{0,50}?` of gitleaks' "semi-generic" rules is dropped (it only
// widens the match to the left, the secret is the capture group); the end-of-secret group
// becomes a lookahead for any non-token character. Rules listed in SKIPPED are
// left out, each for the reason given.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';

const [, , tomlPath, version] = process.argv;
if (!tomlPath || !version) {
  console.error('usage: node scripts/scrub-formats.mjs <gitleaks.toml> <version>');
  process.exit(2);
}
const OUT = new URL('../core/scrub/provider-formats.ts', import.meta.url);
const MAX_REPEAT = 1024;
const END_OF_SECRET = String.raw`(?:[\x60'"\s;]|\\[nr]|$)`;

/** Rules left out, and why. */
const SKIPPED = {
  'generic-api-key': 'Warden has its own label and entropy detectors (names.ts, entropy.ts)',
  'private-key': 'PEM blocks are handled by secrets.ts (header to footer, truncated bodies too)',
  jwt: 'handled by secrets.ts',
  'jwt-base64': 'base64 of a JWT: too costly to scan for in every string',
  'curl-auth-user': 'handled by labels.ts (curl -u)',
  'curl-auth-header': 'handled by the Bearer/Authorization label passes',
  'facebook-access-token': 'Meta tokens: secrets.ts (EAA…)',
  'slack-webhook-url': 'handled by secrets.ts (hooks.slack.com path)',
  'sourcegraph-access-token': 'its last alternative is any 40 hex characters (every git commit id)',
  'hashicorp-tf-password': 'a path rule (*.tf files), not a text rule',
  'kubernetes-secret-yaml': 'a YAML multi-line rule; Kubernetes shapes are handled in value.ts',
  'vault-service-token': 'its legacy form `s.` + 24 letters/digits matches ordinary dotted names',
};

function unquoteToml(raw) {
  const s = raw.trim();
  if (s.startsWith("'''")) return s.slice(3, s.lastIndexOf("'''"));
  if (s.startsWith('"')) return JSON.parse(s);
  return s;
}

function parseRules(toml) {
  const blocks = toml.split(/^\[\[rules\]\]\s*$/m).slice(1);
  return blocks.map((block) => {
    const own = block.split(/^\[\[rules\.allowlists\]\]/m)[0];
    const rule = { id: '', regex: '', keywords: [], entropy: 0, secretGroup: 0, path: '' };
    const id = /^id = (.*)$/m.exec(own);
    const regex = /^regex = ('''.*'''|".*")$/m.exec(own);
    const entropy = /^entropy = ([\d.]+)$/m.exec(own);
    const group = /^secretGroup = (\d+)$/m.exec(own);
    const path = /^path = (.*)$/m.exec(own);
    const keywords = /^keywords = \[([^\]]*)\]/m.exec(own);
    if (id) rule.id = unquoteToml(id[1]);
    if (regex) rule.regex = unquoteToml(regex[1]);
    if (entropy) rule.entropy = Number(entropy[1]);
    if (group) rule.secretGroup = Number(group[1]);
    if (path) rule.path = path[1];
    if (keywords) rule.keywords = [...keywords[1].matchAll(/"([^"]*)"/g)].map((m) => m[1].toLowerCase());
    return rule;
  });
}

function translate(goRegex) {
  let flags = 'g';
  let src = goRegex;
  if (/\(\?i[:)]|\(\?-i:/.test(src)) flags += 'i';
  if (/\(\?s[:)]/.test(src)) flags += 's';
  src = src.replace(/\(\?i\)|\(\?s\)/g, '').replace(/\(\?(?:-i|i|s):/g, '(?:');
  src = src.replace(/\[\[:alnum:\]\]/g, '[A-Za-z0-9]').replace(/\[:alnum:\]/g, 'A-Za-z0-9');
  src = src.replace(/\\z/g, '$');
  // gitleaks' end-of-secret group only accepts a quote, space, `;` or `\n`; in logs and URLs a
  // secret is also followed by `)`, `,`, `&`, `<`…: end it at any non-token character instead.
  src = src.split(END_OF_SECRET).join('(?![\\w-])');
  // Semi-generic rules: drop the lazy left context.
  src = src.replace(/^\[\\w\.-\]\{0,50\}\?/, '').replace(/^\(\?:\[\\w\.-\]\{0,50\}\?/, '(?:');
  // Bound unbounded repeats (not inside a character class, not escaped).
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === ']' || (src[i + 1] === '^' && src[i + 2] === ']')) {
        out += src[i + 1];
        i++;
      }
      continue;
    }
    if (c === '+') out += `{1,${MAX_REPEAT}}`;
    else if (c === '*') out += `{0,${MAX_REPEAT}}`;
    else if (c === '{') {
      const m = /^\{(\d+),\}/.exec(src.slice(i));
      if (m) {
        out += `{${m[1]},${Math.max(MAX_REPEAT, Number(m[1]) * 4)}}`;
        i += m[0].length - 1;
      } else out += c;
    } else out += c;
  }
  return { source: out, flags };
}

const toml = readFileSync(tomlPath, 'utf8');
const rules = [];
const left = [];
for (const rule of parseRules(toml)) {
  if (!rule.regex) {
    left.push([rule.id, 'a path-only rule']);
    continue;
  }
  if (SKIPPED[rule.id]) {
    left.push([rule.id, SKIPPED[rule.id]]);
    continue;
  }
  if (rule.path) {
    left.push([rule.id, 'applies to some file paths only']);
    continue;
  }
  if (rule.keywords.length === 0) {
    left.push([rule.id, 'no keyword to pre-filter on']);
    continue;
  }
  const { source, flags } = translate(rule.regex);
  try {
    new RegExp(source, flags);
  } catch (e) {
    left.push([rule.id, `does not translate: ${e.message}`]);
    continue;
  }
  rules.push({ id: rule.id, keywords: rule.keywords, source, flags, entropy: rule.entropy, group: rule.secretGroup });
}

const header = `// GENERATED by scripts/scrub-formats.mjs — do not edit by hand.
// Source: gitleaks default rules (config/gitleaks.toml), ${version}, MIT licence,
// Copyright (c) 2019 Zachary Rice. ${rules.length} rules translated from Go RE2 to JavaScript
// (inline flags widened to whole-pattern flags, unbounded repeats bounded to ${MAX_REPEAT}).
// Left out (${left.length}):
${left.map(([id, why]) => `//   ${id}: ${why}`).join('\n')}

/** One provider format: keywords (lower case) pre-filter, then the pattern; the secret is \`group\` (or the first capture, or the match). */
export interface ProviderFormat {
  readonly id: string;
  readonly keywords: readonly string[];
  readonly source: string;
  readonly flags: string;
  /** Minimum Shannon entropy (bits per character) of the secret, 0 for none. */
  readonly entropy: number;
  readonly group: number;
}

export const PROVIDER_FORMATS_VERSION = ${JSON.stringify(version)};

export const PROVIDER_FORMATS: readonly ProviderFormat[] = ${JSON.stringify(rules, null, 2)};
`;
const outPath = fileURLToPath(OUT);
writeFileSync(OUT, await format(header, { ...(await resolveConfig(outPath)), filepath: outPath }));
console.log(`wrote ${rules.length} rules, left out ${left.length}`);
