// GraphQL operations as the risk rules need them: type, name and ROOT field names (aliases
// resolved, root fragments expanded). Parsing is the slowest step of the request path and
// agents repeat the same queries, so results are kept in a small LRU.
// Deep imports, parser only: the package root pulls in all of graphql (type system, validation,
// execution; ~350 KB of bundle), initialised in every guard at start (measured: 2.6 MB of idle RSS).
import { GraphQLError } from 'graphql/error/GraphQLError.js';
import type { DocumentNode, FragmentDefinitionNode, OperationDefinitionNode, SelectionSetNode } from 'graphql/language/ast.js';
import { Kind } from 'graphql/language/kinds.js';
import { parse } from 'graphql/language/parser.js';
import type { GraphqlOperation } from '../types.ts';
import { InvalidGraphqlError } from './errors.ts';
import { LruCache } from './lru.ts';

export const MAX_QUERY_BYTES = 100 * 1024;
const CACHE_SIZE = 256;
/** Bounds the parser's work on hostile input; real Admin API queries are far below this. */
const MAX_TOKENS = 20_000;

/** Brackets nested deeper than this are refused before parsing (the parser recurses per level). */
const MAX_DEPTH = 64;

/**
 * A parse result: the operations with their one-line description, or the error message.
 * `limit`: the document was refused for its size, token count or nesting, not for its syntax —
 * it may well be valid, so the caller must fail closed (what it hides is unknown).
 */
export type ParsedGraphql = { operations: readonly GraphqlOperation[]; description: string } | { error: string; limit?: true };
type Parsed = ParsedGraphql;
const cache = new LruCache<string, Parsed>(CACHE_SIZE);

/** Parses a GraphQL document into its operations. Throws InvalidGraphqlError. */
export function parseGraphql(query: string, operationName?: string): GraphqlOperation[] {
  const parsed = parseGraphqlCached(query, operationName);
  if ('error' in parsed) throw new InvalidGraphqlError(parsed.error);
  // The cached value is frozen; callers get the shared, read-only array.
  return parsed.operations as GraphqlOperation[];
}

/** `"mutation productDelete,collectionDelete; query shop"`. */
export function describeOperations(operations: readonly GraphqlOperation[]): string {
  return operations.map((o) => `${o.type} ${o.fields.join(',')}`).join('; ');
}

/** parseGraphql without throwing, with the description cached too (for classify). */
export function parseGraphqlCached(query: string, operationName?: string): ParsedGraphql {
  if (isTooLarge(query)) return { error: 'GraphQL query too large', limit: true };
  // NUL cannot appear in a valid operation name, so the key is unambiguous.
  const key = operationName === undefined ? query : operationName + '\u0000' + query;
  let parsed = cache.get(key);
  if (parsed === undefined) {
    parsed = parseUncached(query, operationName);
    cache.set(key, parsed);
  }
  return parsed;
}

/** Test hook: forget cached parses. */
export function clearGraphqlCache(): void {
  cache.clear();
}

function isTooLarge(query: string): boolean {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: only count bytes when it could matter.
  if (query.length > MAX_QUERY_BYTES) return true;
  if (query.length * 3 <= MAX_QUERY_BYTES) return false;
  return utf8Length(query) > MAX_QUERY_BYTES;
}

/** UTF-8 byte length of a string, as Buffer.byteLength(s, 'utf8') (a lone surrogate counts as U+FFFD: 3 bytes). */
function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 2 code units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function parseUncached(query: string, operationName: string | undefined): Parsed {
  if (nestingDepth(query) > MAX_DEPTH) return { error: `GraphQL query nested more than ${MAX_DEPTH} levels deep`, limit: true };
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true, maxTokens: MAX_TOKENS });
  } catch (err) {
    // graphql-js says "more that N tokens" (sic); RangeError: the parser ran out of stack.
    if (err instanceof RangeError || (err instanceof GraphQLError && /more tha[nt] \d+ tokens/.test(err.message))) {
      return { error: `GraphQL query has more than ${MAX_TOKENS} tokens`, limit: true };
    }
    return { error: describeParseError(err) };
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  if (operations.length === 0) return { error: 'invalid GraphQL: the document has no operation' };

  let selected = operations;
  if (operationName !== undefined) {
    selected = operations.filter((op) => op.name?.value === operationName);
    if (selected.length === 0) return { error: `invalid GraphQL: operation "${operationName}" not found` };
  }
  try {
    const result = selected.map((op): GraphqlOperation =>
      Object.freeze({
        type: op.operation,
        name: op.name?.value ?? null,
        fields: Object.freeze(rootFields(op.selectionSet, fragments)) as string[],
      }),
    );
    const operations = Object.freeze(result);
    return { operations, description: describeOperations(operations) };
  } catch (err) {
    if (err instanceof InvalidGraphqlError) return { error: err.message };
    throw err;
  }
}

/** Deepest bracket nesting outside strings and comments: one pass, no allocation. */
function nestingDepth(query: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c === 123 || c === 40 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 41 || c === 93) {
      if (depth > 0) depth--;
    } else if (c === 35) {
      while (i < query.length && query.charCodeAt(i) !== 10) i++; // # comment
    } else if (c === 34) {
      if (query.startsWith('"""', i)) {
        const end = query.indexOf('"""', i + 3);
        i = end === -1 ? query.length : end + 2;
      } else {
        for (i++; i < query.length && query.charCodeAt(i) !== 34 && query.charCodeAt(i) !== 10; i++) {
          if (query.charCodeAt(i) === 92) i++;
        }
      }
    }
  }
  return max;
}

/** Root field names in document order, deduplicated, fragments (spread or inline) expanded. */
function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): string[] {
  const fields: string[] = [];
  const seen = new Set<string>();
  const expanding = new Set<string>();
  const walk = (set: SelectionSetNode): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (!seen.has(name)) {
          seen.add(name);
          fields.push(name);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment === undefined) throw new InvalidGraphqlError(`invalid GraphQL: unknown fragment "${name}"`);
        if (expanding.has(name)) throw new InvalidGraphqlError(`invalid GraphQL: fragment "${name}" spreads itself`);
        expanding.add(name);
        walk(fragment.selectionSet);
        expanding.delete(name);
      }
    }
  };
  walk(selectionSet);
  return fields;
}

function describeParseError(err: unknown): string {
  if (err instanceof GraphQLError) {
    const message = err.message.replace(/\.$/, '');
    const at = err.locations?.[0];
    return `invalid GraphQL: ${message}${at ? ` at ${at.line}:${at.column}` : ''}`;
  }
  return `invalid GraphQL: ${err instanceof Error ? err.message : String(err)}`;
}
