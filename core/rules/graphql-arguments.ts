// Arguments written inline in a GraphQL document, as key/value pairs for the parameter
// conditions: `productSet(input: {variants: [{price: "9.99"}]})` gives input, variants, price
// = "9.99"; `nodes(ids: ["gid://…", "gid://…"])` gives ids twice; `bulkOperationRunQuery(query:
// $q)` gives query = the variable q, so a value passed by variable counts under the argument's
// name too.
// Read by a small hand-written tokenizer following GraphQL's lexical grammar (strings, block
// strings and comments are single tokens, never mistaken for arguments): one pass, no token
// objects, bounded (≈ 1 µs for a 200-character mutation; no cache: keeping the pairs of
// one-off documents costs more in garbage collection than reading them again). String values are kept as written (escapes not decoded): they are only
// compared and searched for words. Not a parse: an alias (`a: productDelete`) reads as a pair
// too, which can only make a parameter rule match, never stop one.

const MAX_TOKENS = 20_000;
const MAX_DEPTH = 64;

type Context = { list: boolean; key: string | null };

/** What an argument is given: a scalar's text, a variable's name, or an object / list (its members come as their own pairs). */
export type ArgumentValue = { text: string } | { variable: string } | null;

export type ArgumentPair = readonly [key: string, value: ArgumentValue];

const NONE: readonly ArgumentPair[] = Object.freeze([]);

/** Every `key: scalar` / `key: $variable` / `key: {…}` / `key: [...]`, and each scalar item of a list, in order. */
export function inlineArguments(query: string): readonly ArgumentPair[] {
  // Most documents pass everything as variables: no colon outside the variable definitions.
  if (!query.includes(':')) return NONE;
  const found: ArgumentPair[] = [];
  scan(query, found);
  return found;
}

// Token kinds.
const EOF = 0;
const NAME = 1;
const SCALAR = 2; // string, block string, number
const COLON = 3;
const DOLLAR = 4;
const OPEN = 5; // ( {
const OPEN_LIST = 6; // [
const CLOSE = 7; // ) } ]
const OTHER = 8; // ! = @ | & ...
const INVALID = 9;

/** The tokenizer's cursor and the last token's text (set for NAME and SCALAR only). */
class Cursor {
  pos = 0;
  text = '';
  constructor(readonly source: string) {}

  next(): number {
    const s = this.source;
    const n = s.length;
    for (;;) {
      if (this.pos >= n) return EOF;
      const c = s.charCodeAt(this.pos);
      // whitespace, line terminators, commas, BOM
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 0xfeff) {
        this.pos++;
        continue;
      }
      if (c === 35) {
        // # comment to the end of the line
        while (this.pos < n && s.charCodeAt(this.pos) !== 10 && s.charCodeAt(this.pos) !== 13) this.pos++;
        continue;
      }
      break;
    }
    const start = this.pos;
    const c = s.charCodeAt(start);
    if (isNameStart(c)) {
      let i = start + 1;
      while (i < n && isNameContinue(s.charCodeAt(i))) i++;
      this.pos = i;
      this.text = s.slice(start, i);
      return NAME;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      let i = start + 1;
      while (i < n && isNumberPart(s.charCodeAt(i))) i++;
      this.pos = i;
      this.text = s.slice(start, i);
      return SCALAR;
    }
    if (c === 34) return this.string(start);
    this.pos = start + 1;
    if (c === 58) return COLON;
    if (c === 36) return DOLLAR;
    if (c === 40 || c === 123) return OPEN;
    if (c === 91) return OPEN_LIST;
    if (c === 41 || c === 125 || c === 93) return CLOSE;
    if (c === 33 || c === 61 || c === 64 || c === 124 || c === 38 || c === 46) return OTHER;
    return INVALID;
  }

  /** `"…"` (escapes skipped, no line break) or `"""…"""` (`\"""` escaped); INVALID when unterminated. */
  private string(start: number): number {
    const s = this.source;
    const n = s.length;
    if (s.startsWith('"""', start)) {
      let i = start + 3;
      for (; i < n; i++) {
        if (s.charCodeAt(i) === 92 && s.startsWith('"""', i + 1)) i += 3;
        else if (s.startsWith('"""', i)) {
          this.text = s.slice(start + 3, i);
          this.pos = i + 3;
          return SCALAR;
        }
      }
      return INVALID;
    }
    for (let i = start + 1; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 92) i++;
      else if (c === 34) {
        this.text = s.slice(start + 1, i);
        this.pos = i + 1;
        return SCALAR;
      } else if (c === 10 || c === 13) return INVALID;
    }
    return INVALID;
  }
}

/** No closures: tsx's keepNames makes them costly on this path. */
function scan(query: string, found: ArgumentPair[]): void {
  const cursor = new Cursor(query);
  const stack: Context[] = [];
  let key: string | null = null;
  let afterColon = false;
  let previous = EOF;
  let variableOf: string | null = null;
  for (let count = 0; count < MAX_TOKENS; count++) {
    const kind = cursor.next();
    if (kind === EOF || kind === INVALID) return;
    const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
    if (kind === COLON) {
      afterColon = key !== null;
    } else if (kind === NAME) {
      // After `$`: a variable's name. After a colon: an enum, boolean or alias target. Inside
      // a list: an enum item. Otherwise: a key (or a field name, which is harmless).
      const text = cursor.text;
      if (previous === DOLLAR) {
        if (variableOf !== null) found.push([variableOf, { variable: text }]);
      } else if (afterColon) found.push([key!, { text }]);
      else if (top?.list === true && top.key !== null) found.push([top.key, { text }]);
      else key = text;
      if (previous === DOLLAR || afterColon) key = null;
      afterColon = false;
      variableOf = null;
    } else if (kind === SCALAR) {
      if (afterColon) found.push([key!, { text: cursor.text }]);
      else if (top?.list === true && top.key !== null) found.push([top.key, { text: cursor.text }]);
      afterColon = false;
      key = null;
    } else if (kind === OPEN || kind === OPEN_LIST) {
      if (afterColon) found.push([key!, null]);
      const owner = afterColon ? key : kind === OPEN_LIST && top?.list === true ? top.key : null;
      stack.push({ list: kind === OPEN_LIST, key: owner });
      if (stack.length > MAX_DEPTH) return;
      afterColon = false;
      key = null;
    } else if (kind === CLOSE) {
      stack.pop();
      afterColon = false;
      key = null;
    } else if (kind === DOLLAR) {
      // `key: $name` (a use) — not `($name: Type)` (a definition, where no key precedes).
      variableOf = afterColon ? key : null;
      afterColon = false;
    }
    previous = kind;
  }
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isNameContinue(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/** Digits, `.`, `e`/`E`, `+`/`-`: GraphQL Int and Float bodies. */
function isNumberPart(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || c === 43 || c === 45;
}
