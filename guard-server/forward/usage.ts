// Reads the platforms' rate-limit state from response headers (and Shopify's GraphQL cost
// extension) into a small flat snapshot for the audit event and for pacing.
import type { Platform } from '../../core/types.ts';

export type UsageSnapshot = Record<string, number | string>;

function header(h: Record<string, string | string[]>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseJsonHeader(raw: string | undefined): unknown {
  if (!raw || raw.length > 8192) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Highest numeric value among the usage percentages Meta reports for any business/account. */
function maxPct(value: unknown): number | undefined {
  let max: number | undefined;
  const visit = (v: unknown, depth: number): void => {
    if (depth > 4 || v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (typeof x === 'number' && /call_count|total_time|total_cputime|acc_id_util_pct/.test(k)) max = Math.max(max ?? 0, x);
      else visit(x, depth + 1);
    }
  };
  visit(value, 0);
  return max;
}

const GRAPHQL_AVAILABLE = /"currentlyAvailable"\s*:\s*(\d{1,9})/;
const GRAPHQL_MAXIMUM = /"maximumAvailable"\s*:\s*(\d{1,9})/;

/** `graphql` says whether the body is a Shopify GraphQL answer (the only one with a cost extension). */
export function usageSnapshot(
  platform: Platform,
  headers: Record<string, string | string[]>,
  body: Buffer,
  graphql: boolean,
): UsageSnapshot | null {
  const out: UsageSnapshot = {};
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter) out.retry_after_s = Number(retryAfter) || retryAfter;
  if (platform === 'shopify') {
    const limit = header(headers, 'x-shopify-shop-api-call-limit');
    const m = limit ? /^(\d+)\/(\d+)$/.exec(limit) : null;
    if (m) {
      out.rest_used = Number(m[1]);
      out.rest_limit = Number(m[2]);
    }
    // The cost extension sits at the end of GraphQL responses: read only the tail.
    if (graphql && body.length > 0) {
      const tail = body.subarray(Math.max(0, body.length - 2048)).toString('utf8');
      const a = GRAPHQL_AVAILABLE.exec(tail);
      const x = GRAPHQL_MAXIMUM.exec(tail);
      if (a) out.graphql_available = Number(a[1]);
      if (x) out.graphql_maximum = Number(x[1]);
    }
  } else if (platform === 'meta') {
    const app = maxPct(parseJsonHeader(header(headers, 'x-app-usage')));
    const buc = maxPct(parseJsonHeader(header(headers, 'x-business-use-case-usage')));
    const acc = maxPct(parseJsonHeader(header(headers, 'x-ad-account-usage')));
    if (app !== undefined) out.app_usage_pct = app;
    if (buc !== undefined) out.business_usage_pct = buc;
    if (acc !== undefined) out.ad_account_usage_pct = acc;
  }
  return Object.keys(out).length > 0 ? out : null;
}
