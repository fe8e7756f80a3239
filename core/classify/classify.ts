// Classification of one operation: platform, target, canonical endpoint pattern and, for
// GraphQL, the parsed operations. Pure: the guard passes the absolute URL it is about to call.
import type { Classification, GraphqlOperation, OperationInput, Platform } from '../types.ts';
import { normalizePath, pathRefusal } from './endpoint.ts';
import { InvalidGraphqlError } from './errors.ts';
import { graphqlDocuments, looksLikeGraphql } from './graphql-transport.ts';
import { parseGraphqlCached } from './graphql.ts';
import { platformOf } from './platform.ts';
import { urlParts } from './url.ts';
import type { UrlParts } from './url.ts';

export interface ClassifyHints {
  /** Forces the platform, e.g. shopify_* tools pointed at a local stand-in (127.0.0.1:port). */
  platform?: Platform;
  /** The shop or ad account the guard resolved, when the host cannot tell it. */
  target?: string;
  /**
   * The unscrubbed URL, when `op.url` is the scrubbed one: GraphQL sent in the query string is
   * parsed from it, so scrubbing cannot break (and hide) a document. Only field names leave.
   */
  rawUrl?: string;
}

const META_ACCOUNT_IN_PATH = /\/(act_\d+)(?:\/|$)/i;
/** Endpoints that are GraphQL by name (anything else is GraphQL only if its `query` parses). */
const GRAPHQL_ENDPOINT = /\/graphql(?:\.json)?$/;
/** GraphQL batching sends at most this many documents in one body; more fails closed. */
const MAX_DOCUMENTS = 50;

/**
 * Classifies an operation. Throws InvalidGraphqlError for a Shopify GraphQL request whose query
 * cannot be parsed; a generic endpoint is classified best-effort instead (the guard forwards
 * arbitrary HTTP and must not reject what it only guesses is GraphQL), except that a document
 * too large or too deep to parse fails closed (`graphqlOversized`) on every platform.
 */
export function classify(op: OperationInput, hints?: ClassifyHints): Classification {
  const url = urlParts(op.url);
  const platform = hints?.platform ?? platformOf(url.hostname, url.pathname);
  const endpoint = normalizePath(platform, url.pathname);
  const target = targetOf(platform, url, hints?.target);
  const refusal = pathRefusal(platform, url.pathname);
  const c: Classification = { platform, target, endpoint, operation: null, graphql: null };
  if (refusal !== null) c.refusal = refusal;
  if (platform === 'meta') return c; // the Graph API is not GraphQL
  if (platform === 'shopify' && !GRAPHQL_ENDPOINT.test(endpoint) && !op.tool.includes('graphql')) return c;
  const documents = graphqlDocuments(op, hints?.rawUrl ?? op.url);
  if (documents === null) return c;
  if (documents.length > MAX_DOCUMENTS) {
    c.graphqlOversized = `${documents.length} GraphQL documents in one request (limit ${MAX_DOCUMENTS})`;
    return c;
  }
  const operations: GraphqlOperation[] = [];
  const descriptions: string[] = [];
  for (const doc of documents) {
    const parsed = parseGraphqlCached(doc.query, doc.operationName);
    if ('error' in parsed) {
      if (platform === 'shopify') throw new InvalidGraphqlError(parsed.error);
      // Too big to read is not "not GraphQL": fail closed if it looks like a document.
      if (parsed.limit && (GRAPHQL_ENDPOINT.test(endpoint) || looksLikeGraphql(doc.query))) c.graphqlOversized = parsed.error;
      continue;
    }
    // Frozen and shared with the parse cache: read-only for callers.
    for (const o of parsed.operations) operations.push(o);
    descriptions.push(parsed.description);
  }
  if (operations.length === 0) return c;
  c.graphql = documents.length === 1 ? (operations as GraphqlOperation[]) : operations;
  c.operation = descriptions.join('; ');
  return c;
}

function targetOf(platform: Platform, url: UrlParts, hinted: string | undefined): string | null {
  if (platform === 'meta') return META_ACCOUNT_IN_PATH.exec(url.pathname)?.[1]?.toLowerCase() ?? hinted ?? null;
  if (hinted !== undefined) return hinted;
  // Shopify: the shop domain. Generic: the host (with port, userinfo never included).
  return platform === 'shopify' ? url.hostname : url.host;
}
