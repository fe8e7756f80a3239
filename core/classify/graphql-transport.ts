// Where a request carries GraphQL documents, in every transport shape servers accept: a JSON
// body `{query, operationName}`, a batched JSON array of those, a raw `application/graphql`
// body (or a raw body that starts like a document), a form body `query=…`, and `GET ?query=`.
// Only locates the documents; classify() parses them.
import type { OperationInput } from '../types.ts';

export interface GraphqlDocument {
  query: string;
  operationName?: string;
}

/** A document starts with an operation keyword, a fragment, or a shorthand query `{`. */
const DOCUMENT_START = /^(?:\s|#[^\n]*\n)*(?:(?:query|mutation|subscription|fragment)(?![\w=])|\{)/;

export function looksLikeGraphql(text: string): boolean {
  return DOCUMENT_START.test(text);
}

/** The documents a request carries, or null when it carries none. */
export function graphqlDocuments(op: OperationInput, rawUrl: string): GraphqlDocument[] | null {
  let docs: GraphqlDocument[] | null = null;
  const add = (query: unknown, operationName: unknown): void => {
    if (typeof query !== 'string') return;
    const doc: GraphqlDocument = { query };
    if (typeof operationName === 'string' && operationName !== '') doc.operationName = operationName;
    (docs ??= []).push(doc);
  };
  const body = op.body;
  if (typeof body === 'string') fromText(body, op.headers?.['content-type'], add);
  else if (Array.isArray(body)) {
    for (const item of body) if (typeof item === 'object' && item !== null) add((item as Doc).query, (item as Doc).operationName);
  } else if (typeof body === 'object' && body !== null) add((body as Doc).query, (body as Doc).operationName);
  fromQueryString(rawUrl, add);
  return docs;
}

interface Doc {
  query?: unknown;
  operationName?: unknown;
}

function fromText(text: string, contentType: string | undefined, add: (q: unknown, name: unknown) => void): void {
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('graphql') || looksLikeGraphql(text)) {
    add(text, undefined);
    return;
  }
  if (type.includes('x-www-form-urlencoded') || /(?:^|&)query=/.test(text)) {
    addQueryParams(new URLSearchParams(text), add);
  }
}

function fromQueryString(url: string, add: (q: unknown, name: unknown) => void): void {
  const q = url.indexOf('?');
  if (q === -1 || url.indexOf('query=', q) === -1) return;
  const hash = url.indexOf('#', q);
  addQueryParams(new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash)), add);
}

/** Every `query` value (a repeated key is as suspicious as one), with the `operationName`. */
function addQueryParams(params: URLSearchParams, add: (q: unknown, name: unknown) => void): void {
  const name = params.get('operationName');
  for (const [key, value] of params) if (key === 'query') add(value, name);
}
