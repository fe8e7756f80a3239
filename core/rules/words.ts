// Words in names: `deleteUser`, `delete_user`, `/users/{id}/remove`, `api-keys`, `APIKeys`
// are read as the lower-case words they are made of, so a vocabulary matches whole words and
// never a piece of another one (`remove` is not in `/removed-items`, `transfer` is not in
// `/transferable`). One hand-written scan per text and a Set lookup per word: no RegExp per
// word or per rule.

/** At most this many characters of one text are read (a hostile body cannot make it slow). */
const MAX_TEXT = 64 * 1024;

/** A set of words, matched against the words of a text. */
export class WordSet {
  private readonly words: ReadonlySet<string>;

  /** `words` are single lower-case words (the schema checks that). */
  constructor(words: readonly string[]) {
    this.words = new Set(words.map((w) => w.toLowerCase()));
  }

  matches(text: string): boolean {
    return eachWord(text, this.words) !== null;
  }
}

/** The lower-case words of a text, in order (for tests and documentation). */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  eachWord(text, null, out);
  return out;
}

/**
 * Scans `text` word by word: a word is a run of letters and digits, cut before an upper-case
 * letter that follows a lower-case letter or a digit (`deleteUser`) and before the last
 * capital of an acronym followed by a lower-case letter (`APIKeys` → api, keys). Returns the
 * first word found in `wanted`; with `collect`, pushes every word instead.
 */
function eachWord(text: string, wanted: ReadonlySet<string> | null, collect?: string[]): string | null {
  const n = Math.min(text.length, MAX_TEXT);
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 0;
    const kind = charKind(c);
    if (kind === OTHER) {
      if (start !== -1) {
        const hit = take(text, start, i, wanted, collect);
        if (hit !== null) return hit;
        start = -1;
      }
      continue;
    }
    if (start === -1) {
      start = i;
      continue;
    }
    if (kind === UPPER) {
      const prev = charKind(text.charCodeAt(i - 1));
      const next = i + 1 < n ? charKind(text.charCodeAt(i + 1)) : OTHER;
      if (prev === LOWER || prev === DIGIT || (prev === UPPER && next === LOWER)) {
        const hit = take(text, start, i, wanted, collect);
        if (hit !== null) return hit;
        start = i;
      }
    }
  }
  return null;
}

function take(text: string, start: number, end: number, wanted: ReadonlySet<string> | null, collect?: string[]): string | null {
  const word = text.slice(start, end).toLowerCase();
  if (collect !== undefined) collect.push(word);
  return wanted !== null && wanted.has(word) ? word : null;
}

const OTHER = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;

function charKind(c: number): number {
  if (c >= 97 && c <= 122) return LOWER;
  if (c >= 65 && c <= 90) return UPPER;
  if (c >= 48 && c <= 57) return DIGIT;
  return OTHER;
}
