// The parameter keys and values of a request, as the `params` / `param_values` / `param_words`
// conditions see them: the query string plus the body (JSON object — nested, so Shopify's
// `{variant: {price}}` and GraphQL variables count — or a JSON / form-encoded string), plus,
// for GraphQL, the arguments written inline in the document (`productSet(input: {variants:
// [{price: "9.99"}]})`), read only when a key asked for appears in the document's text. The
// walks are bounded, so a hostile body cannot make them slow.
import { inlineArguments } from './graphql-arguments.ts';

const MAX_DEPTH = 5;
const MAX_NODES = 2_000;

export class RequestParams {
  /** key → upper-cased scalar values seen for it (empty for objects and arrays). */
  private readonly seen = new Map<string, Set<string>>();
  /** key → its string values as sent (words need their case: `draftOrders`). */
  private readonly strings = new Map<string, string[]>();
  private nodes = 0;
  /** A GraphQL document whose inline arguments are not read yet, and its variables. */
  private document: string | null = null;
  private variables: Record<string, unknown> = {};

  /** `graphql`: the body is a GraphQL request whose `query` may carry inline arguments. */
  constructor(url: string, body: unknown, graphql = false) {
    const q = url.indexOf('?');
    if (q !== -1) {
      const hash = url.indexOf('#', q);
      this.addPairs(new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash)));
    }
    if (typeof body === 'string') {
      const parsed = parseStringBody(body);
      if (parsed instanceof URLSearchParams) this.addPairs(parsed);
      else this.walk(parsed, 0);
    } else this.walk(body, 0);
    if (graphql && typeof body === 'object' && body !== null) {
      const { query, variables } = body as { query?: unknown; variables?: unknown };
      if (typeof query === 'string' && query.includes(':')) {
        this.document = query;
        if (typeof variables === 'object' && variables !== null) this.variables = variables as Record<string, unknown>;
      }
    }
  }

  has(key: string): boolean {
    this.readDocumentFor(key);
    return this.seen.has(key);
  }

  values(key: string): ReadonlySet<string> | undefined {
    this.readDocumentFor(key);
    return this.seen.get(key);
  }

  /** The string values of `key` as sent, or undefined when it has none. */
  texts(key: string): readonly string[] | undefined {
    this.readDocumentFor(key);
    return this.strings.get(key);
  }

  /** Adds the document's inline arguments, once, if `key` can be among them (it is in the text). */
  private readDocumentFor(key: string): void {
    const document = this.document;
    if (document === null || !document.includes(key)) return;
    this.document = null;
    const vars = this.variables;
    for (const [k, value] of inlineArguments(document)) {
      if (++this.nodes > MAX_NODES) return;
      if (value === null) this.add(k, undefined);
      else if ('text' in value) this.add(k, value.text);
      else if (Object.hasOwn(vars, value.variable)) this.add(k, vars[value.variable]);
    }
  }

  private add(key: string, value: unknown): void {
    let set = this.seen.get(key);
    if (set === undefined) this.seen.set(key, (set = new Set()));
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      set.add(String(value).toUpperCase());
      if (typeof value === 'string') {
        const list = this.strings.get(key);
        if (list === undefined) this.strings.set(key, [value]);
        else list.push(value);
      }
    } else if (Array.isArray(value)) {
      // A list of scalars (`ids: ["gid://…", …]`) holds values of its key.
      for (const item of value) {
        if (++this.nodes > MAX_NODES) return;
        if (typeof item !== 'object' || item === null) this.add(key, item);
      }
    }
  }

  private addPairs(pairs: URLSearchParams): void {
    for (const [k, v] of pairs) this.add(k, v);
  }

  private walk(value: unknown, depth: number): void {
    if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (++this.nodes > MAX_NODES) return;
        this.walk(item, depth + 1);
      }
      return;
    }
    for (const key in value) {
      if (++this.nodes > MAX_NODES) return;
      const child = (value as Record<string, unknown>)[key];
      this.add(key, child);
      this.walk(child, depth + 1);
    }
  }
}

function parseStringBody(body: string): unknown {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      return undefined;
    }
  }
  return new URLSearchParams(body);
}
