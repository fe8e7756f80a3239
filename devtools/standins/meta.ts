// A local stand-in for the Meta Graph / Marketing API on 127.0.0.1, for tests and the offline
// demo: /me, an ad account's campaigns (list, create), campaign read/update/delete and
// insights; the `method` parameter overrides the HTTP method, as on the real Graph API. It takes the token from `Authorization: Bearer` (or `OAuth`) or an access_token
// parameter, sends Meta's usage headers (x-app-usage, x-business-use-case-usage,
// x-ad-account-usage) on every answer, and errors in Meta's shape:
// {"error":{"message","type","code","error_subcode"?,"fbtrace_id"}}.
// Status codes as Meta sends them: 400 for most errors (100, 17, 613, 190, 2500), 403 for code
// 4 (application request limit), as seen in the wild.
import { randomBytes } from 'node:crypto';
import { startStandinServer, type ParsedRequest, type Reply } from './http-kit.ts';
import type { Clock } from './leaky-bucket.ts';
import { CAMPAIGN_FIELDS, MetaStore, OBJECTIVES, type Campaign } from './meta-store.ts';
import type { MetaErrorFault, MetaFault, MetaStandin } from './types.ts';

export type { MetaErrorFault, MetaFault, MetaStandin, RecordedRequest } from './types.ts';

export interface MetaStandinOptions {
  /** The access token the stand-in accepts (e.g. "EAA…"). */
  token: string;
  /** Refuse calls once the hourly call budget is used up (code 4). Default false. */
  enforceRateLimit?: boolean;
  /** Calls per window that make 100 % usage. Default 200 (Meta's platform rate limit per user per hour). */
  callLimit?: number;
  /** Default 3600000 (one hour). */
  windowMs?: number;
  now?: Clock;
}

const DEFAULT_VERSION = 'v21.0';
const JSON_TYPE = 'application/json; charset=UTF-8';

interface MetaError {
  status: number;
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
  headers?: Record<string, string>;
}

/** Meta's own wording and status for the codes a fault or a check can produce. */
const KNOWN_ERRORS: Record<number, MetaError> = {
  1: { status: 500, message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, is_transient: true },
  2: {
    status: 503,
    message: 'An unexpected error has occurred. Please retry your request later.',
    type: 'OAuthException',
    code: 2,
    is_transient: true,
  },
  4: { status: 403, message: '(#4) Application request limit reached', type: 'OAuthException', code: 4, is_transient: true },
  17: {
    status: 400,
    message: '(#17) User request limit reached',
    type: 'OAuthException',
    code: 17,
    error_subcode: 2446079,
    is_transient: true,
  },
  100: { status: 400, message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 },
  190: {
    status: 400,
    message: 'Invalid OAuth access token - Cannot parse access token',
    type: 'OAuthException',
    code: 190,
    headers: { 'WWW-Authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token - Cannot parse access token"' },
  },
  200: { status: 403, message: '(#200) Permissions error', type: 'OAuthException', code: 200 },
  613: {
    status: 400,
    message: '(#613) Calls to this api have exceeded the rate limit.',
    type: 'OAuthException',
    code: 613,
    is_transient: true,
  },
  803: { status: 404, message: '(#803) Some of the aliases you requested do not exist', type: 'OAuthException', code: 803 },
  2500: {
    status: 400,
    message: 'An active access token must be used to query information about the current user.',
    type: 'OAuthException',
    code: 2500,
  },
};

/** The error a `status` fault plays, by HTTP status. */
function errorForStatus(status: number): MetaError {
  const byStatus: Record<number, number> = { 400: 100, 401: 190, 403: 200, 404: 803, 429: 4, 500: 1, 503: 2 };
  const known = KNOWN_ERRORS[byStatus[status] ?? (status >= 500 ? 1 : 100)]!;
  return { ...known, status };
}

/** Calls in a sliding window, as a percentage of the limit (what the usage headers report). */
class CallUsage {
  private readonly calls: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: Clock,
  ) {}

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    while (this.calls.length > 0 && this.calls[0]! <= cutoff) this.calls.shift();
  }
  record(): void {
    this.prune();
    this.calls.push(this.now());
  }
  percent(): number {
    this.prune();
    return Math.floor((this.calls.length * 100) / this.limit);
  }
  exhausted(): boolean {
    return this.percent() >= 100;
  }
}

export async function startMetaStandin(opts: MetaStandinOptions): Promise<MetaStandin> {
  const now = opts.now ?? Date.now;
  const store = new MetaStore(now);
  const usage = new CallUsage(opts.callLimit ?? 200, opts.windowMs ?? 3_600_000, now);

  function usageHeaders(): Record<string, string> {
    const pct = usage.percent();
    const regain = pct >= 100 ? 60 : 0;
    return {
      'x-app-usage': JSON.stringify({ call_count: pct, total_cputime: Math.floor(pct / 2), total_time: Math.floor(pct / 2) }),
      'x-business-use-case-usage': JSON.stringify({
        [store.account.business_id]: [
          {
            type: 'ads_management',
            call_count: pct,
            total_cputime: Math.floor(pct / 2),
            total_time: Math.floor(pct / 2),
            estimated_time_to_regain_access: regain,
            ads_api_access_tier: 'development_access',
          },
        ],
      }),
      'x-ad-account-usage': JSON.stringify({
        acc_id_util_pct: pct,
        reset_time_duration: regain * 60,
        ads_api_access_tier: 'development_access',
      }),
    };
  }

  function handle(req: ParsedRequest, fault: MetaFault | null): Reply {
    const traceId = randomBytes(9).toString('base64url');
    const m = /^\/(v\d+\.\d+)(\/.*)?$/.exec(req.path);
    const version = m ? m[1]! : DEFAULT_VERSION;
    const path = m ? (m[2] ?? '/') : req.path;
    const headers = (): Record<string, string> => ({
      'Content-Type': JSON_TYPE,
      'facebook-api-version': version,
      'x-fb-trace-id': traceId,
      'x-fb-request-id': randomBytes(12).toString('base64url'),
      'x-fb-rev': '1014360312',
      ...usageHeaders(),
    });
    const fail = (e: MetaError, message = e.message): Reply => ({
      status: e.status,
      headers: { ...headers(), ...e.headers },
      json: {
        error: {
          message,
          type: e.type,
          code: e.code,
          ...(e.error_subcode !== undefined ? { error_subcode: e.error_subcode } : {}),
          ...(e.is_transient !== undefined ? { is_transient: e.is_transient } : {}),
          fbtrace_id: traceId,
        },
      },
    });
    const ok = (json: unknown): Reply => ({ status: 200, headers: headers(), json });

    if (fault?.kind === 'rate_limit') return fail(KNOWN_ERRORS[4]!);
    if (fault?.kind === 'meta_error') return fail(KNOWN_ERRORS[(fault as MetaErrorFault).code]!);
    if (fault?.kind === 'status') return fail(errorForStatus(fault.status));

    const params = collectParams(req);
    const token = bearer(req.headers.authorization) ?? params.get('access_token');
    if (!token) return fail(KNOWN_ERRORS[2500]!);
    if (token !== opts.token) return fail(KNOWN_ERRORS[190]!);

    if (opts.enforceRateLimit && usage.exhausted()) return fail(KNOWN_ERRORS[4]!);
    usage.record();

    // Like the Graph API, a `method` parameter (query or body) names the method to run, so a
    // POST or GET with method=delete deletes: what the guard must score as a delete.
    const named = params.get('method')?.toUpperCase();
    const method = named === 'GET' || named === 'POST' || named === 'DELETE' ? named : req.method;
    const r = route(method, path.split('/').filter(Boolean), params);
    return 'error' in r ? fail(r.error, r.message) : ok(r.json);
  }

  type Outcome = { json: unknown } | { error: MetaError; message?: string };

  function route(method: string, seg: string[], params: URLSearchParams): Outcome {
    const [node, edge, ...more] = seg;
    if (!node)
      return {
        error: KNOWN_ERRORS[100]!,
        message: 'Unsupported get request. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
      };
    if (more.length > 0) return unknownPath(seg);

    if (node === 'me' && !edge && method === 'GET') return { json: pick(store.user, params, ['id', 'name']) };

    if (node === store.account.id) {
      if (!edge && method === 'GET') return { json: pick(store.account, params, ['id', 'account_id']) };
      if (edge === 'campaigns' && method === 'GET') return listCampaigns(params);
      if (edge === 'campaigns' && method === 'POST') return createCampaign(params);
      if (edge === 'insights' && method === 'GET') return insights(null, params);
      return unknownEdge(edge ?? '', 'AdAccount', method);
    }

    const campaign = store.campaigns.get(node);
    if (!campaign) return objectMissing(node, method);
    if (!edge) {
      if (method === 'GET') return pickCampaign(campaign, params, ['id', 'name']);
      if (method === 'POST') return updateCampaign(campaign, params);
      if (method === 'DELETE') {
        campaign.status = 'DELETED';
        campaign.effective_status = 'DELETED';
        campaign.updated_time = store.timestamp();
        return { json: { success: true } };
      }
    }
    if (edge === 'insights' && method === 'GET') return insights(campaign.id, params);
    return unknownEdge(edge ?? '', 'Campaign', method);
  }

  function listCampaigns(params: URLSearchParams): Outcome {
    let list = store.list();
    const statuses = parseList(params.get('effective_status'));
    if (statuses) list = [...store.campaigns.values()].reverse().filter((c) => statuses.includes(c.effective_status));
    const limit = Math.max(1, Math.min(Number(params.get('limit')) || 25, 5000));
    const after = params.get('after');
    const start = after ? list.findIndex((c) => cursorOf(c) === after) + 1 : 0;
    const page = list.slice(start, start + limit);
    const data: unknown[] = [];
    for (const c of page) {
      const one = pickCampaign(c, params, ['id']);
      if ('error' in one) return one;
      data.push(one.json);
    }
    const paging: Record<string, unknown> = page.length
      ? { cursors: { before: cursorOf(page[0]!), after: cursorOf(page[page.length - 1]!) } }
      : { cursors: {} };
    if (start + limit < list.length) {
      const next = new URLSearchParams(params);
      next.delete('access_token');
      next.set('after', cursorOf(page[page.length - 1]!));
      paging.next = `https://graph.facebook.com/${DEFAULT_VERSION}/${store.account.id}/campaigns?${next}`;
    }
    return { json: { data, paging } };
  }

  function createCampaign(params: URLSearchParams): Outcome {
    for (const required of ['name', 'objective']) {
      if (!params.get(required)) return { error: KNOWN_ERRORS[100]!, message: `(#100) The parameter ${required} is required` };
    }
    const objective = params.get('objective')!;
    if (!OBJECTIVES.includes(objective)) {
      return { error: KNOWN_ERRORS[100]!, message: `(#100) Param objective must be one of {${OBJECTIVES.join(', ')}}` };
    }
    const status = params.get('status') ?? 'PAUSED';
    if (!['ACTIVE', 'PAUSED'].includes(status))
      return { error: KNOWN_ERRORS[100]!, message: '(#100) Param status must be one of {ACTIVE, PAUSED}' };
    const budgets: { daily_budget?: string; lifetime_budget?: string } = {};
    for (const key of ['daily_budget', 'lifetime_budget'] as const) {
      const v = params.get(key);
      if (v === null) continue;
      if (!/^\d+$/.test(v) || Number(v) <= 0)
        return { error: KNOWN_ERRORS[100]!, message: `(#100) Param ${key} must be a positive integer` };
      budgets[key] = v;
    }
    const c = store.create({
      name: params.get('name')!,
      objective,
      status: status as Campaign['status'],
      ...budgets,
      special_ad_categories: parseList(params.get('special_ad_categories')) ?? [],
    });
    return { json: { id: c.id } };
  }

  function updateCampaign(c: Campaign, params: URLSearchParams): Outcome {
    for (const key of ['daily_budget', 'lifetime_budget', 'spend_cap'] as const) {
      const v = params.get(key);
      if (v !== null && (!/^\d+$/.test(v) || Number(v) <= 0)) {
        return { error: KNOWN_ERRORS[100]!, message: `(#100) Param ${key} must be a positive integer` };
      }
    }
    const status = params.get('status');
    if (status !== null && !['ACTIVE', 'PAUSED', 'ARCHIVED', 'DELETED'].includes(status)) {
      return { error: KNOWN_ERRORS[100]!, message: '(#100) Param status must be one of {ACTIVE, PAUSED, ARCHIVED, DELETED}' };
    }
    const name = params.get('name');
    if (name !== null) c.name = name;
    if (status !== null) c.status = c.effective_status = status as Campaign['status'];
    const daily = params.get('daily_budget');
    if (daily !== null) c.daily_budget = c.budget_remaining = daily;
    const lifetime = params.get('lifetime_budget');
    if (lifetime !== null) c.lifetime_budget = lifetime;
    const bid = params.get('bid_strategy');
    if (bid !== null) c.bid_strategy = bid;
    c.updated_time = store.timestamp();
    return { json: { success: true } };
  }

  function insights(campaignId: string | null, params: URLSearchParams): Outcome {
    const row = store.insights(campaignId);
    const fields = parseFields(params) ?? ['impressions', 'spend', 'date_start', 'date_stop'];
    const out: Record<string, string> = {};
    for (const f of fields) {
      if (!(f in row)) return { error: KNOWN_ERRORS[100]!, message: `(#100) ${f} is not valid for fields param.` };
      out[f] = row[f]!;
    }
    // date_start/date_stop always come back, like Meta's.
    out.date_start = row.date_start!;
    out.date_stop = row.date_stop!;
    const cursor = Buffer.from('MAZDZD').toString('base64url');
    return { json: { data: [out], paging: { cursors: { before: cursor, after: cursor } } } };
  }

  function pickCampaign(c: Campaign, params: URLSearchParams, defaults: string[]): Outcome {
    const fields = parseFields(params) ?? defaults;
    const out: Record<string, unknown> = { id: c.id };
    for (const f of fields) {
      if (!(CAMPAIGN_FIELDS as readonly string[]).includes(f)) {
        return { error: KNOWN_ERRORS[100]!, message: `(#100) Tried accessing nonexisting field (${f}) on node type (Campaign)` };
      }
      const v = (c as unknown as Record<string, unknown>)[f];
      if (v !== undefined) out[f] = v;
    }
    return { json: out };
  }

  function pick(obj: object, params: URLSearchParams, defaults: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of parseFields(params) ?? defaults) {
      const v = (obj as Record<string, unknown>)[f];
      if (v !== undefined) out[f] = v;
    }
    if ('id' in obj) out.id = (obj as { id: unknown }).id;
    return out;
  }

  function objectMissing(id: string, method: string): Outcome {
    if (!/^(act_)?\d+$/.test(id)) return unknownPath([id]);
    return {
      error: { ...KNOWN_ERRORS[100]!, type: 'GraphMethodException', error_subcode: 33 },
      message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    };
  }

  function unknownEdge(edge: string, type: string, method: string): Outcome {
    if (!edge) return { error: KNOWN_ERRORS[100]!, message: `(#100) Unsupported ${method.toLowerCase()} request on node type (${type})` };
    return { error: KNOWN_ERRORS[100]!, message: `(#100) Tried accessing nonexisting field (${edge}) on node type (${type})` };
  }

  function unknownPath(seg: string[]): Outcome {
    return { error: { ...KNOWN_ERRORS[2500]! }, message: `Unknown path components: /${seg.join('/')}` };
  }

  const base = await startStandinServer<MetaFault>(handle);
  return base;
}

function cursorOf(c: Campaign): string {
  return Buffer.from(c.id).toString('base64url');
}

function bearer(h: string | string[] | undefined): string | null {
  const v = Array.isArray(h) ? h[0] : h;
  const m = v ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(v) : null;
  return m ? m[1]! : null;
}

/** Query params merged with body params (form-urlencoded or JSON), as Meta reads them. */
function collectParams(req: ParsedRequest): URLSearchParams {
  const params = new URLSearchParams(req.params);
  if (!req.body) return params;
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('application/json')) {
    try {
      const body = JSON.parse(req.body) as unknown;
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        for (const [k, v] of Object.entries(body)) params.set(k, typeof v === 'string' ? v : JSON.stringify(v));
      }
    } catch {
      // Meta ignores a body it cannot read; the missing parameters are reported instead.
    }
  } else {
    for (const [k, v] of new URLSearchParams(req.body)) params.set(k, v);
  }
  return params;
}

function parseFields(params: URLSearchParams): string[] | null {
  const f = params.get('fields');
  return f
    ? f
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
}

/** A list parameter: JSON array (["ACTIVE"]) or comma-separated. */
function parseList(v: string | null): string[] | null {
  if (v === null || v === '') return null;
  try {
    const parsed = JSON.parse(v) as unknown;
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // not JSON: fall through to the comma form
  }
  return v.split(',').map((s) => s.trim());
}
