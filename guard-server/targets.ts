// Stage 2 of the request path: turn validated tool arguments into the exact upstream request,
// injecting the credentials from the guard's config. The agent's own credentials for a
// configured platform are dropped here, before anything else sees the request.
// `ResolvedCall.upstream.headers` is the only place a secret lives; later stages use `op`.
import type { OperationInput, Platform } from '../core/types.ts';
import type { GuardConfig } from './config.ts';
import { findHostRule, defaultPort } from './forward/ssrf.ts';
import type { UpstreamRequest } from './forward/upstream.ts';

export class ToolInputError extends Error {
  override name = 'ToolInputError';
}

export class NotConfiguredError extends Error {
  override name = 'NotConfiguredError';
}

export interface ResolvedCall {
  tool: string;
  upstream: UpstreamRequest;
  /** What the core sees: no credentials in it. */
  op: OperationInput;
  /** Set for the platform tools, whose base URL may be a local stand-in; detected from the host otherwise. */
  platformHint: Platform | undefined;
  target: string | null;
  /** http_request follows redirects (re-checked); the platform tools return them as they are. */
  followRedirects: boolean;
  /** Which dispatcher: platform hosts are fixed by config; `open` carries the SSRF lookup. */
  dispatcher: 'platform' | 'open';
}

type Scalar = string | number | boolean;
export type QueryParams = Record<string, Scalar | Scalar[] | Record<string, unknown> | unknown[]>;

/**
 * Parameter names that carry a credential: dropped from agent input for configured platforms.
 * Not `key`: Shopify filters metafields by `key` and `namespace`.
 */
const AGENT_CREDENTIAL_PARAMS = new Set(['access_token', 'appsecret_proof', 'token', 'api_key', 'apikey', 'client_secret']);
const AGENT_CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-shopify-access-token',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
]);
/** Hop-by-hop and framing headers are computed by the client, never taken from the agent. */
const FORBIDDEN_AGENT_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

const SHOPIFY_VERSION = /^(\d{4}-\d{2}|unstable)$/;
const META_VERSION = /^v\d{1,2}\.\d$/;

function checkPath(path: string, what: string): void {
  if (!path.startsWith('/')) throw new ToolInputError(`${what} must start with "/", got "${path.slice(0, 80)}"`);
  if (/[?#\s\\]/.test(path))
    throw new ToolInputError(`${what} must not contain "?", "#", spaces or backslashes: pass query parameters separately`);
  if (path.split('/').some((s) => s === '..' || s === '.' || /%2e%2e|%2f/i.test(s))) {
    throw new ToolInputError(`${what} must not contain "." or ".." segments or encoded slashes`);
  }
}

function appendQuery(url: URL, params: QueryParams | undefined, drop: Set<string> | null): void {
  if (!params) return;
  for (const [key, value] of Object.entries(params)) {
    if (drop?.has(key.toLowerCase())) continue;
    if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) {
      for (const v of value) url.searchParams.append(key, String(v)); // ids[]=1&ids[]=2 or ids=1&ids=2, as the agent named it
    } else if (typeof value === 'object' && value !== null) {
      url.searchParams.set(key, JSON.stringify(value)); // Meta takes JSON-encoded structured params
    } else {
      url.searchParams.set(key, String(value));
    }
  }
}

function stripCredentialKeys(body: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!body) return body;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(body)) {
    if (AGENT_CREDENTIAL_PARAMS.has(key.toLowerCase())) {
      out ??= { ...body };
      delete out[key];
    }
  }
  return out ?? body;
}

function shopifyConfig(config: GuardConfig, shop: string | undefined) {
  const s = config.shopify;
  if (!s) throw new NotConfiguredError('Shopify is not configured: set WARDEN_SHOPIFY_STORE and WARDEN_SHOPIFY_TOKEN');
  if (shop !== undefined) {
    const wanted = shop
      .trim()
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, '');
    const full = wanted.includes('.') ? wanted : `${wanted}.myshopify.com`;
    if (full !== s.store)
      throw new ToolInputError(`shop "${shop.slice(0, 80)}" is not the configured store; Warden only holds credentials for ${s.store}`);
  }
  return s;
}

function shopifyVersion(config: GuardConfig, v: string | undefined): string {
  const version = v ?? config.shopify!.apiVersion;
  if (!SHOPIFY_VERSION.test(version)) throw new ToolInputError(`api_version must look like 2025-10, got "${version.slice(0, 20)}"`);
  return version;
}

export function resolveShopifyGraphql(
  config: GuardConfig,
  args: { query: string; variables?: Record<string, unknown>; operationName?: string; shop?: string; api_version?: string },
): ResolvedCall {
  const s = shopifyConfig(config, args.shop);
  const version = shopifyVersion(config, args.api_version);
  const url = new URL(`${s.baseUrl}/admin/api/${version}/graphql.json`);
  const payload: Record<string, unknown> = { query: args.query };
  if (args.variables !== undefined) payload.variables = args.variables;
  if (args.operationName !== undefined) payload.operationName = args.operationName;
  return {
    tool: 'shopify_graphql',
    upstream: {
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': s.token },
      body: JSON.stringify(payload),
    },
    op: { tool: 'shopify_graphql', method: 'POST', url: url.href, body: payload },
    platformHint: 'shopify',
    target: s.store,
    followRedirects: false,
    dispatcher: 'platform',
  };
}

export function resolveShopifyRest(
  config: GuardConfig,
  args: { method: string; path: string; query?: QueryParams; body?: Record<string, unknown>; shop?: string; api_version?: string },
): ResolvedCall {
  const s = shopifyConfig(config, args.shop);
  let path = args.path;
  let version = args.api_version;
  // Agents often paste the full admin path; accept it and take the version from it.
  const full = /^\/admin\/api\/([^/]+)(\/.*)$/.exec(path);
  if (full) {
    version ??= full[1];
    path = full[2]!;
  }
  checkPath(path, 'path');
  if (!path.endsWith('.json'))
    throw new ToolInputError(`Shopify REST paths end in .json (e.g. /products/123.json), got "${path.slice(0, 80)}"`);
  version = shopifyVersion(config, version);
  const url = new URL(`${s.baseUrl}/admin/api/${version}${path}`);
  appendQuery(url, args.query, AGENT_CREDENTIAL_PARAMS);
  if (args.body !== undefined && (args.method === 'GET' || args.method === 'DELETE')) {
    throw new ToolInputError(`${args.method} requests take no body; use "query" for parameters`);
  }
  const headers: Record<string, string> = { accept: 'application/json', 'x-shopify-access-token': s.token };
  let body: string | undefined;
  if (args.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(args.body);
  }
  return {
    tool: 'shopify_rest',
    upstream: { method: args.method, url, headers, ...(body !== undefined ? { body } : {}) },
    op: { tool: 'shopify_rest', method: args.method, url: url.href, body: args.body },
    platformHint: 'shopify',
    target: s.store,
    followRedirects: false,
    dispatcher: 'platform',
  };
}

export function resolveMetaGraph(
  config: GuardConfig,
  args: { method: string; path: string; params?: QueryParams; body?: Record<string, unknown>; api_version?: string },
): ResolvedCall {
  const m = config.meta;
  if (!m) throw new NotConfiguredError('Meta is not configured: set WARDEN_META_TOKEN');
  let path = args.path;
  let version = args.api_version;
  const versioned = /^\/(v\d{1,2}\.\d)(\/.*)$/.exec(path);
  if (versioned) {
    version ??= versioned[1];
    path = versioned[2]!;
  }
  version ??= m.apiVersion;
  if (!META_VERSION.test(version)) throw new ToolInputError(`api_version must look like v23.0, got "${version.slice(0, 20)}"`);
  checkPath(path, 'path');
  const url = new URL(`${m.baseUrl}/${version}${path}`);
  appendQuery(url, args.params, AGENT_CREDENTIAL_PARAMS);
  if (args.body !== undefined && args.method === 'GET') throw new ToolInputError('GET requests take no body; use "params"');
  const body = stripCredentialKeys(args.body);
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${m.token}` };
  let encoded: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    encoded = JSON.stringify(body);
  }
  const act = /^\/(act_\d+)/.exec(path);
  return {
    tool: 'meta_graph',
    upstream: { method: args.method, url, headers, ...(encoded !== undefined ? { body: encoded } : {}) },
    op: { tool: 'meta_graph', method: args.method, url: url.href, body: { ...(args.params ?? {}), ...(body ?? {}) } },
    platformHint: 'meta',
    target: act ? act[1]! : null,
    followRedirects: false,
    dispatcher: 'platform',
  };
}

/** The configured credential headers for a host, if any (exact host, then *.domain patterns). */
export function credentialsFor(config: GuardConfig, url: URL): Record<string, string> | null {
  const host = url.hostname.toLowerCase();
  const port = defaultPort(url);
  for (const [pattern, headers] of config.httpCredentials) {
    if (findHostRule([{ pattern, exact: !pattern.includes('*') }], host, port)) return headers;
  }
  return null;
}

export function resolveHttpRequest(
  config: GuardConfig,
  args: { method: string; url: string; headers?: Record<string, string>; body?: unknown },
): ResolvedCall {
  let url: URL;
  try {
    url = new URL(args.url);
  } catch {
    throw new ToolInputError('url is not a valid absolute URL');
  }
  // The allow list and SSRF checks are a stage of their own in the pipeline, so a refused
  // call is still classified and recorded.
  const creds = credentialsFor(config, url);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(args.headers ?? {})) {
    const lower = name.toLowerCase();
    if (FORBIDDEN_AGENT_HEADERS.has(lower)) continue;
    if (creds && AGENT_CREDENTIAL_HEADERS.has(lower)) continue; // ours win, theirs are dropped
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new ToolInputError(`header ${name.slice(0, 40)} contains a line break`);
    headers[lower] = value;
  }
  if (creds) for (const [name, value] of Object.entries(creds)) headers[name.toLowerCase()] = value;
  let body: string | undefined;
  if (args.body !== undefined && args.body !== null) {
    if (args.method === 'GET' || args.method === 'HEAD') throw new ToolInputError(`${args.method} requests take no body`);
    body = typeof args.body === 'string' ? args.body : JSON.stringify(args.body);
    if (typeof args.body !== 'string') headers['content-type'] ??= 'application/json';
  }
  let parsedBody: unknown = args.body;
  if (typeof args.body === 'string' && /^\s*[[{]/.test(args.body)) {
    try {
      parsedBody = JSON.parse(args.body);
    } catch {
      /* not JSON: classified as text */
    }
  }
  return {
    tool: 'http_request',
    upstream: { method: args.method, url, headers, ...(body !== undefined ? { body } : {}) },
    op: { tool: 'http_request', method: args.method, url: url.href, body: parsedBody },
    platformHint: undefined,
    target: url.host,
    followRedirects: true,
    dispatcher: 'open',
  };
}
