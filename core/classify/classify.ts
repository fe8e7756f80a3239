// Classification of one operation: platform, target, endpoint pattern and, for GraphQL, the
// parsed operations. Pure: the guard passes the absolute URL it is about to call.
import type { Classification, GraphqlOperation, OperationInput, Platform } from '../types.ts';
import { normalizePath } from './endpoint.ts';
import { InvalidGraphqlError } from './errors.ts';
import { parseGraphqlCached } from './graphql.ts';
import type { ParsedGraphql } from './graphql.ts';
import { platformOf } from './platform.ts';
import { urlParts } from './url.ts';
import type { UrlParts } from './url.ts';

export interface ClassifyHints {
  /** Forces the platform, e.g. shopify_* tools pointed at a local stand-in (127.0.0.1:port). */
  platform?: Platform;
  /** The shop or ad account the guard resolved, when the host cannot tell it. */
  target?: string;
}

const META_ACCOUNT_IN_PATH = /\/(act_\d+)(?:\/|$)/;

/**
 * Classifies an operation. Throws InvalidGraphqlError for a Shopify GraphQL request whose query
 * cannot be parsed; a generic GraphQL endpoint is classified best-effort instead (the guard
 * forwards arbitrary HTTP and must not reject what it only guesses is GraphQL).
 */
export function classify(op: OperationInput, hints?: ClassifyHints): Classification {
  const url = urlParts(op.url);
  const platform = hints?.platform ?? platformOf(url.hostname, url.pathname);
  const endpoint = normalizePath(platform, url.pathname);
  const target = targetOf(platform, url, hints?.target);
  const parsed = graphqlOf(platform, endpoint, op);
  if (parsed === null || 'error' in parsed) return { platform, target, endpoint, operation: null, graphql: null };
  // Frozen and shared with the parse cache: read-only for callers.
  return { platform, target, endpoint, operation: parsed.description, graphql: parsed.operations as GraphqlOperation[] };
}

function targetOf(platform: Platform, url: UrlParts, hinted: string | undefined): string | null {
  if (platform === 'meta') return META_ACCOUNT_IN_PATH.exec(url.pathname)?.[1] ?? hinted ?? null;
  if (hinted !== undefined) return hinted;
  // Shopify: the shop domain. Generic: the host (with port, userinfo never included).
  return platform === 'shopify' ? url.hostname : url.host;
}

/** Null when the request is not GraphQL (or, on a generic endpoint, not valid GraphQL). */
function graphqlOf(platform: Platform, endpoint: string, op: OperationInput): ParsedGraphql | null {
  const body = op.body;
  if (typeof body !== 'object' || body === null) return null;
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return null;
  const name = typeof operationName === 'string' && operationName !== '' ? operationName : undefined;
  if (platform === 'shopify') {
    if (!endpoint.endsWith('/graphql.json') && !op.tool.includes('graphql')) return null;
    const parsed = parseGraphqlCached(query, name);
    if ('error' in parsed) throw new InvalidGraphqlError(parsed.error);
    return parsed;
  }
  if (!/\/graphql(?:\.json)?$/.test(endpoint) && !op.tool.includes('graphql')) return null;
  return parseGraphqlCached(query, name);
}
