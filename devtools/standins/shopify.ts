// A local stand-in for the Shopify Admin API (REST + GraphQL) on 127.0.0.1, for tests and the
// offline demo. It checks X-Shopify-Access-Token, enforces scopes and (optionally) the REST
// leaky bucket and the GraphQL cost bucket, and answers with Shopify's headers, status codes
// and error bodies. Every request is recorded for assertions.
import { randomUUID } from 'node:crypto';
import { startStandinServer, type ParsedRequest, type Reply } from './http-kit.ts';
import { LeakyBucket, type Clock } from './leaky-bucket.ts';
import { handleGraphql } from './shopify-graphql.ts';
import { NOT_FOUND, handleRest } from './shopify-rest.ts';
import { ShopifyStore } from './shopify-store.ts';
import type { Fault, ShopifyStandin } from './types.ts';

export type { Fault, RecordedRequest, ShopifyStandin } from './types.ts';

export interface ShopifyStandinOptions {
  /** The Admin API access token the stand-in accepts (e.g. "shpat_…"). */
  token: string;
  /** Default 'warden-demo.myshopify.com'. */
  shop?: string;
  /** REST leaky bucket size. Default 40. */
  bucketSize?: number;
  /** REST leak rate, requests per second. Default 2. */
  leakPerSecond?: number;
  /** Refuse calls over the limits (REST 429, GraphQL THROTTLED). Default false: tests and benches hammer it. */
  enforceRateLimit?: boolean;
  /** GraphQL cost bucket. Default 2000 points restoring 100/s. */
  graphqlBucketSize?: number;
  graphqlRestoreRate?: number;
  /** Granted access scopes (write_x implies read_x). Default: every scope. */
  scopes?: string[];
  /** Milliseconds clock for the buckets and timestamps. Default Date.now. */
  now?: Clock;
}

const API_PATH = /^\/admin\/api\/(\d{4}-\d{2}|unstable)(\/.*)$/;
const JSON_TYPE = 'application/json; charset=utf-8';

export const SHOPIFY_ERRORS = {
  invalidToken: '[API] Invalid API key or access token (unrecognized login or wrong password)',
  rateLimited: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
  missingScope: (scope: string) => `[API] This action requires merchant approval for ${scope} scope.`,
} as const;

/** Error bodies Shopify sends for statuses a `status` fault can ask for. */
function faultBody(status: number): unknown {
  switch (status) {
    case 401:
      return { errors: SHOPIFY_ERRORS.invalidToken };
    case 402:
      return { errors: 'Unavailable Shop' };
    case 403:
      return { errors: SHOPIFY_ERRORS.missingScope('write_products') };
    case 404:
      return { errors: 'Not Found' };
    case 406:
      return { errors: 'Not Acceptable' };
    case 422:
      return { errors: { base: ['Unprocessable Entity'] } };
    case 423:
      return { errors: 'This shop is unavailable' };
    case 429:
      return { errors: SHOPIFY_ERRORS.rateLimited };
    case 500:
      return { errors: 'Internal Server Error' };
    case 502:
      return { errors: 'Bad Gateway' };
    case 503:
      return { errors: 'Service Unavailable' };
    case 504:
      return { errors: 'Gateway Timeout' };
    default:
      return { errors: status >= 500 ? 'Internal Server Error' : 'Bad Request' };
  }
}

export async function startShopifyStandin(opts: ShopifyStandinOptions): Promise<ShopifyStandin> {
  const shop = opts.shop ?? 'warden-demo.myshopify.com';
  const now = opts.now ?? Date.now;
  const enforce = opts.enforceRateLimit ?? false;
  const store = new ShopifyStore(shop, now);
  const restBucket = new LeakyBucket(opts.bucketSize ?? 40, opts.leakPerSecond ?? 2, now);
  const graphqlBucket = new LeakyBucket(opts.graphqlBucketSize ?? 2000, opts.graphqlRestoreRate ?? 100, now);
  const granted = opts.scopes ? new Set(opts.scopes) : null;
  const hasScope = (scope: string) => granted === null || granted.has(scope) || granted.has(scope.replace(/^read_/, 'write_'));

  const callLimitHeader = () => `${Math.ceil(restBucket.level())}/${restBucket.capacity}`;

  function handle(req: ParsedRequest, fault: Fault | null): Reply {
    const headers: Record<string, string> = { 'Content-Type': JSON_TYPE, 'X-Request-Id': randomUUID() };
    const reply = (r: Reply): Reply => ({ ...r, headers: { ...headers, ...r.headers } });

    const api = API_PATH.exec(req.path);
    if (api) headers['X-Shopify-API-Version'] = api[1]!;

    if (fault?.kind === 'rate_limit' || (fault?.kind === 'status' && fault.status === 429)) {
      return reply({
        status: 429,
        headers: { 'Retry-After': '2.0', 'X-Shopify-Shop-Api-Call-Limit': `${restBucket.capacity}/${restBucket.capacity}` },
        json: faultBody(429),
      });
    }
    if (fault?.kind === 'status') return reply({ status: fault.status, json: faultBody(fault.status) });

    if (req.headers['x-shopify-access-token'] !== opts.token) {
      return reply({ status: 401, json: { errors: SHOPIFY_ERRORS.invalidToken } });
    }
    if (!api) return reply(NOT_FOUND);
    const [, version, rest] = api as unknown as [string, string, string];

    if (rest === '/graphql.json') {
      if (req.method !== 'POST') return reply(NOT_FOUND);
      const parsed = parseGraphqlBody(req);
      if (!parsed) return reply({ status: 400, json: { errors: { query: 'Required parameter missing or invalid' } } });
      const body = handleGraphql(
        { store, bucket: graphqlBucket, enforceRateLimit: enforce, hasScope },
        parsed.query,
        parsed.variables,
        parsed.operationName,
      );
      return reply({ status: 200, json: body });
    }

    // REST: every authenticated call pours one into the bucket.
    if (enforce) {
      if (!restBucket.tryPour(1)) {
        return reply({
          status: 429,
          headers: { 'Retry-After': '2.0', 'X-Shopify-Shop-Api-Call-Limit': callLimitHeader() },
          json: { errors: SHOPIFY_ERRORS.rateLimited },
        });
      }
    } else {
      restBucket.pour(1);
    }
    headers['X-Shopify-Shop-Api-Call-Limit'] = callLimitHeader();
    const result = handleRest(
      {
        store,
        apiVersion: version,
        requireScope: (scope) => (hasScope(scope) ? null : { status: 403, json: { errors: SHOPIFY_ERRORS.missingScope(scope) } }),
      },
      req,
      rest,
    );
    return reply(result);
  }

  const base = await startStandinServer<Fault>(handle);
  return { ...base, shop };
}

/** JSON {query, variables?, operationName?} or a raw application/graphql body. */
function parseGraphqlBody(req: ParsedRequest): { query: string; variables: Record<string, unknown>; operationName: string | null } | null {
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/graphql')) return req.body.trim() ? { query: req.body, variables: {}, operationName: null } : null;
  let body: unknown;
  try {
    body = JSON.parse(req.body);
  } catch {
    return null;
  }
  if (!body || typeof body !== 'object') return null;
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') return null;
  return {
    query,
    variables: variables && typeof variables === 'object' && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {},
    operationName: typeof operationName === 'string' ? operationName : null,
  };
}
