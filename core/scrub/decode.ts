// Percent-decoding for detection: a secret or an address can arrive encoded once
// (`john%40example.com`) or twice (`john%2540example.com`, a value encoded into a URL that was
// then encoded again). Decoding is tolerant — a malformed escape stays as written, the rest of
// the string is still decoded — and bounded to two rounds. Shared by every carrier and by the
// `scrub` CLI (through scrubText/scrubLine), so they decode alike.

const MAX_ROUNDS = 2;
const ESCAPE = /%[0-9A-Fa-f]{2}/;
const ESCAPE_RUNS = /(?:%[0-9A-Fa-f]{2}){1,4096}/g;

export function hasPercentEscape(s: string): boolean {
  return s.includes('%') && ESCAPE.test(s);
}

/** One round: each run of escapes is decoded as UTF-8, or kept when it is not valid UTF-8. */
export function percentDecodeOnce(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(ESCAPE_RUNS, (run: string) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Up to two rounds, stopping when a round changes nothing. */
export function percentDecode(s: string): string {
  let out = s;
  for (let round = 0; round < MAX_ROUNDS && hasPercentEscape(out); round++) {
    const next = percentDecodeOnce(out);
    if (next === out) break;
    out = next;
  }
  return out;
}
