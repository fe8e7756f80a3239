// The guard's MCP tools: their schemas, descriptions and truthful annotations. Each handler
// resolves its target (stage 2) and hands the call to the pipeline; input errors come back as
// specific tool errors and the server keeps serving.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { InvalidGraphqlError } from '../../core/classify/index.ts';
import type { GuardContext } from '../pipeline.ts';
import { AuditWriteError, runCall } from '../pipeline.ts';
import type { GuardSession } from '../session.ts';
import type { CallActivity } from '../upload/activity.ts';
import {
  NotConfiguredError,
  ToolInputError,
  resolveHttpRequest,
  resolveMetaGraph,
  resolveShopifyGraphql,
  resolveShopifyRest,
  type ResolvedCall,
} from '../targets.ts';
import { errorResult, toToolResult } from './results.ts';
import { statusReport } from './status.ts';

const MAX_BODY_CHARS = 5 * 1024 * 1024;
const MAX_QUERY_CHARS = 100 * 1024;

const shopName = z
  .string()
  .min(1)
  .max(255)
  .describe('Shop domain; defaults to the configured store (the only one Warden holds credentials for)');
const jsonObject = z.record(z.string(), z.unknown());
const queryParams = z.record(z.string().max(256), z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown()), jsonObject]));

const openWorld = { openWorldHint: true, idempotentHint: false } as const;

/** Size of the request as it would be sent: measured on what resolution already serialised. */
function requestSize(call: ResolvedCall): number {
  let n = call.upstream.url.href.length + (call.upstream.body?.length ?? 0);
  for (const v of Object.values(call.upstream.headers)) n += v.length;
  return n;
}

/** `activity`: where calls are recorded for the uploader to yield to; null without a cloud. */
export function registerTools(
  server: McpServer,
  ctx: GuardContext,
  session: GuardSession,
  log: (msg: string) => void,
  activity: CallActivity | null = null,
): void {
  const handle = async (resolve: () => ResolvedCall): Promise<CallToolResult> => {
    activity?.begin();
    try {
      const call = resolve();
      const total = requestSize(call);
      if (total > MAX_BODY_CHARS) throw new ToolInputError(`arguments too large: ${total} characters (limit ${MAX_BODY_CHARS})`);
      return toToolResult(await runCall(ctx, session, call));
    } catch (err) {
      if (err instanceof ToolInputError || err instanceof NotConfiguredError || err instanceof InvalidGraphqlError) {
        return errorResult(`Warden: ${ctx.redact(err.message)}`);
      }
      if (err instanceof AuditWriteError) {
        log(err.message);
        return errorResult(`Warden: ${ctx.redact(err.message)}`);
      }
      log(`internal error: ${(err as Error)?.stack ?? String(err)}`);
      return errorResult('Warden: internal error while handling this call (see the guard log)');
    } finally {
      activity?.end();
    }
  };

  server.registerTool(
    'shopify_graphql',
    {
      title: 'Shopify Admin GraphQL',
      description:
        'Runs a query or mutation against the Shopify Admin GraphQL API of the configured store. Warden injects the access token, scores the risk of every mutation (deletes, webhooks, settings, customer data …) and records it in the audit log. Returns the HTTP status and the response body unchanged.',
      inputSchema: {
        query: z.string().min(1).max(MAX_QUERY_CHARS).describe('GraphQL document (query or mutation)'),
        variables: jsonObject.optional().describe('GraphQL variables'),
        operationName: z.string().max(256).optional().describe('Which operation of the document to run'),
        shop: shopName.optional(),
        api_version: z.string().max(20).optional().describe('Admin API version, e.g. 2025-10'),
      },
      annotations: { ...openWorld, readOnlyHint: false, destructiveHint: true },
    },
    async (args) => handle(() => resolveShopifyGraphql(ctx.config, args)),
  );

  server.registerTool(
    'shopify_rest',
    {
      title: 'Shopify Admin REST',
      description:
        'Calls the Shopify Admin REST API of the configured store, e.g. GET /products.json or PUT /variants/123.json. Warden injects the access token, scores risk and records the call. Returns status, useful headers (rate-limit, pagination Link) and the body unchanged.',
      inputSchema: {
        method: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
        path: z.string().min(2).max(2048).describe('Path below /admin/api/{version}, ending in .json, e.g. /products/123.json'),
        query: queryParams.optional().describe('Query string parameters'),
        body: jsonObject.optional().describe('JSON body for POST/PUT'),
        shop: shopName.optional(),
        api_version: z.string().max(20).optional(),
      },
      annotations: { ...openWorld, readOnlyHint: false, destructiveHint: true },
    },
    async (args) => handle(() => resolveShopifyRest(ctx.config, args)),
  );

  server.registerTool(
    'meta_graph',
    {
      title: 'Meta Graph / Marketing API',
      description:
        'Calls the Meta Graph API (Marketing API: campaigns, ad sets, ads, budgets, audiences, pixels). Warden injects the access token, scores risk (budget changes, deletes, audience and permission changes) and records the call. Returns status, usage headers and the body unchanged.',
      inputSchema: {
        method: z.enum(['GET', 'POST', 'DELETE']),
        path: z.string().min(2).max(2048).describe('Graph path, e.g. /act_123/campaigns or /120210000000000'),
        params: queryParams.optional().describe('Query parameters (fields, limit, …)'),
        body: jsonObject.optional().describe('Fields to create or update (POST)'),
        api_version: z.string().max(20).optional().describe('Graph API version, e.g. v23.0'),
      },
      annotations: { ...openWorld, readOnlyHint: false, destructiveHint: true },
    },
    async (args) => handle(() => resolveMetaGraph(ctx.config, args)),
  );

  server.registerTool(
    'http_request',
    {
      title: 'HTTP request (allowed hosts)',
      description:
        'Sends an HTTP request to a host allowed by WARDEN_HTTP_ALLOW. Warden injects per-host credentials, refuses private, loopback and metadata addresses (redirects included), scores risk and records the call. Returns status, useful headers and the body unchanged.',
      inputSchema: {
        method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']),
        url: z.string().min(1).max(8192).describe('Absolute http(s) URL'),
        headers: z.record(z.string().min(1).max(256), z.string().max(16_384)).optional(),
        body: z
          .union([z.string(), jsonObject, z.array(z.unknown())])
          .optional()
          .describe('String or JSON body'),
      },
      annotations: { ...openWorld, readOnlyHint: false, destructiveHint: true },
    },
    async (args) => handle(() => resolveHttpRequest(ctx.config, args)),
  );

  server.registerTool(
    'warden_status',
    {
      title: 'Warden status',
      description: "Read-only: policy mode, pause state, this session's call counts by outcome and risk, and its recent alerts.",
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async () => ({ content: [{ type: 'text', text: JSON.stringify(statusReport(ctx, session), null, 2) }] }),
  );
}
