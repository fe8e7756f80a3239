// Arguments written inline in a GraphQL document, as key/value pairs for the parameter
// conditions: `productSet(input: {variants: [{price: "9.99"}]})` gives input, variants, price
// = "9.99"; `nodes(ids: ["gid://…", "gid://…"])` gives ids twice; `bulkOperationRunQuery(query:
// $q)` gives query = the variable q, so a value passed by variable counts under the argument's
// name too. Agents resend the same document with new variables, so the pairs of recent
// documents are kept (bounded) and only variables are looked up per call. Read with GraphQL's own lexer
// (strings, block strings and comments are tokens, never mistaken for arguments), one pass,
// bounded. Not a parse: an alias (`a: productDelete`) reads as a pair too, which can only make
// a parameter rule match, never stop one.
import { Lexer } from 'graphql/language/lexer.js';
import { Source } from 'graphql/language/source.js';
import { TokenKind } from 'graphql/language/tokenKind.js';

const MAX_TOKENS = 20_000;
const CACHE_LIMIT = 256;
/** Documents longer than this are read every time rather than kept. */
const MAX_CACHED_QUERY = 16 * 1024;
const MAX_DEPTH = 64;

type Context = { list: boolean; key: string | null };

/** What an argument is given: a scalar's text, a variable's name, or an object / list (its members come as their own pairs). */
export type ArgumentValue = { text: string } | { variable: string } | null;

export type ArgumentPair = readonly [key: string, value: ArgumentValue];

const cache = new Map<string, readonly ArgumentPair[]>();
const NONE: readonly ArgumentPair[] = Object.freeze([]);

/** Every `key: scalar` / `key: $variable` / `key: {…}` / `key: [...]`, and each scalar item of a list, in order. */
export function inlineArguments(query: string): readonly ArgumentPair[] {
  // Most documents pass everything as variables: no colon outside the variable definitions.
  if (!query.includes(':')) return NONE;
  let pairs = cache.get(query);
  if (pairs === undefined) {
    const found: ArgumentPair[] = [];
    scan(query, found);
    pairs = Object.freeze(found);
    if (query.length <= MAX_CACHED_QUERY) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(query, pairs);
    }
  }
  return pairs;
}

/** No closures: tsx's keepNames makes them costly on this path. */
function scan(query: string, found: ArgumentPair[]): void {
  const lexer = new Lexer(new Source(query));
  const stack: Context[] = [];
  let key: string | null = null;
  let afterColon = false;
  let previous: string = TokenKind.SOF;
  let variableOf: string | null = null;
  try {
    for (let count = 0; count < MAX_TOKENS; count++) {
      const token = lexer.advance();
      const kind = token.kind;
      if (kind === TokenKind.EOF) return;
      const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
      if (kind === TokenKind.COLON) {
        afterColon = key !== null;
      } else if (kind === TokenKind.NAME) {
        // After `$`: a variable's name. After a colon: an enum, boolean or alias target. Inside
        // a list: an enum item. Otherwise: a key (or a field name, which is harmless).
        if (previous === TokenKind.DOLLAR) {
          if (variableOf !== null) found.push([variableOf, { variable: token.value }]);
        } else if (afterColon) found.push([key!, { text: token.value }]);
        else if (top?.list === true && top.key !== null) found.push([top.key, { text: token.value }]);
        else key = token.value;
        if (previous === TokenKind.DOLLAR || afterColon) key = null;
        afterColon = false;
        variableOf = null;
      } else if (isScalar(kind)) {
        if (afterColon) found.push([key!, { text: token.value }]);
        else if (top?.list === true && top.key !== null) found.push([top.key, { text: token.value }]);
        afterColon = false;
        key = null;
      } else if (kind === TokenKind.BRACKET_L || kind === TokenKind.BRACE_L || kind === TokenKind.PAREN_L) {
        if (afterColon) found.push([key!, null]);
        const owner = afterColon ? key : kind === TokenKind.BRACKET_L && top?.list === true ? top.key : null;
        stack.push({ list: kind === TokenKind.BRACKET_L, key: owner });
        if (stack.length > MAX_DEPTH) return;
        afterColon = false;
        key = null;
      } else if (kind === TokenKind.BRACKET_R || kind === TokenKind.BRACE_R || kind === TokenKind.PAREN_R) {
        stack.pop();
        afterColon = false;
        key = null;
      } else if (kind === TokenKind.DOLLAR) {
        // `key: $name` (a use) — not `($name: Type)` (a definition, where no key precedes).
        variableOf = afterColon ? key : null;
        afterColon = false;
      }
      previous = kind;
    }
  } catch {
    // Not lexable: the classifier has already rejected or ignored it; nothing more to read.
  }
}

function isScalar(kind: string): boolean {
  return kind === TokenKind.STRING || kind === TokenKind.BLOCK_STRING || kind === TokenKind.INT || kind === TokenKind.FLOAT;
}
