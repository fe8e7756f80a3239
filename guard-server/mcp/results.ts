// How an upstream answer goes back to the agent: a small JSON header block (status, the
// headers an agent needs, Warden's verdict) and then the body exactly as the upstream sent it.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CallResult } from '../pipeline.ts';
import type { ToolResultHeader, ToolVerdict } from '../../core/protocol/tool-result.ts';

/** Headers worth showing an agent: pagination, rate limits, ids for support. Never cookies or auth. */
const USEFUL_HEADERS = [
  'content-type',
  'location',
  'link',
  'etag',
  'retry-after',
  'x-request-id',
  'x-shopify-shop-api-call-limit',
  'x-shopify-api-version',
  'x-shopify-api-deprecated-reason',
  'x-app-usage',
  'x-business-use-case-usage',
  'x-ad-account-usage',
  'x-fb-trace-id',
  'x-fb-request-id',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

const TEXTUAL =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql|problem\+json|ld\+json|[\w.+-]*\+json|[\w.+-]*\+xml))/i;

export function toToolResult(result: CallResult): CallToolResult {
  const verdict: ToolVerdict = {
    event_id: result.event.id,
    risk_level: result.risk.risk_level,
    rules: result.risk.rules,
    ...(result.alerts.length > 0 ? { alerts: result.alerts.map((a) => ({ rule: a.rule, severity: a.severity, message: a.message })) } : {}),
  };
  if (result.kind !== 'response') {
    return {
      isError: true,
      content: [
        {
          type: 'text',
          text: `${result.message}\n${JSON.stringify({ warden: { ...verdict, outcome: result.event.outcome } } satisfies ToolResultHeader)}`,
        },
      ],
    };
  }
  const { response } = result;
  const headers: Record<string, string> = {};
  for (const name of USEFUL_HEADERS) {
    const v = response.headers[name];
    if (v !== undefined) headers[name] = Array.isArray(v) ? v.join(', ') : v;
  }
  const contentType = headers['content-type'] ?? '';
  const textual = response.body.length === 0 || contentType === '' || TEXTUAL.test(contentType);
  const meta: ToolResultHeader = { status: response.status, headers, ...(textual ? {} : { body_encoding: 'base64' }), warden: verdict };
  return {
    isError: response.status >= 400,
    content: [
      { type: 'text', text: JSON.stringify(meta) },
      { type: 'text', text: textual ? response.body.toString('utf8') : response.body.toString('base64') },
    ],
  };
}

export function errorResult(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}
