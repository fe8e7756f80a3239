// The guard's request path, one function, in the order that makes it safe:
//
//   validate args (zod, in the tool layer) → resolve target + inject credentials → scrub →
//   classify → risk rules → safety checks (SSRF) + policy (control file: pause, mode) → platform
//   pacing → journal intent → forward unchanged → journal outcome → sequence alerts (→ auto-pause)
//   → response to the agent
//
// Scrubbing comes before anything that writes: every later stage sees only the scrubbed URL
// and structural facts (platform, endpoint pattern, GraphQL field names), so no secret or
// customer datum can reach the journal, the store, an alert or an upload. The only copy of a
// credential is in `call.upstream.headers`, which goes to undici and nowhere else.
import { setTimeout as sleep } from 'node:timers/promises';
import { assessOperation, METHOD_OVERRIDE_HEADERS } from '../core/classify/index.ts';
import type { AssessHints } from '../core/classify/index.ts';
import { maskHost } from '../core/classify/host.ts';
import { newId } from '../core/ids.ts';
import { sequenceStep } from '../core/alerts/sequence.ts';
import { EVENT_SCHEMA_VERSION } from '../core/protocol/event.ts';
import type { RuleEngine } from '../core/rules/engine.ts';
import { newPiiCounts, scrubText, scrubUrl, scrubValue } from '../core/scrub/scrubber.ts';
import type { Alert, AuditEvent, OperationInput, Platform, RiskResult } from '../core/types.ts';
import { analysisFor } from './analysis/index.ts';
import type { GuardConfig } from './config.ts';
import type { ControlWatcher } from './control.ts';
import type { Pacer } from './forward/pacing.ts';
import { SsrfError, checkUrl } from './forward/ssrf.ts';
import { send, UpstreamError, type UpstreamPool, type UpstreamResponse } from './forward/upstream.ts';
import { usageSnapshot } from './forward/usage.ts';
import { decide } from './policy.ts';
import type { GuardSession } from './session.ts';
import type { AuditStore } from '../store/index.ts';
import { credentialsFor, type ResolvedCall } from './targets.ts';

export interface GuardContext {
  config: GuardConfig;
  rules: RuleEngine;
  store: AuditStore;
  control: ControlWatcher;
  pacer: Pacer;
  dispatchers: { platform: UpstreamPool; open: UpstreamPool };
  /** Every configured secret: a last line of defence on strings that leave the guard. */
  redact: (s: string) => string;
  /** Sends an alert to the MCP client; never awaited on the request path. `pausedWrites`: it auto-paused writes. */
  notify: (alert: Alert, pausedWrites?: boolean) => void;
  /** Asks the user (MCP elicitation). 'unsupported' when the client cannot ask. */
  confirm: (message: string) => Promise<boolean | 'unsupported'>;
}

export type CallResult =
  | { kind: 'response'; response: UpstreamResponse; event: AuditEvent; risk: RiskResult; alerts: Alert[] }
  | { kind: 'refused' | 'failed'; message: string; event: AuditEvent; risk: RiskResult; alerts: Alert[] };

const MAX_REDIRECTS = 5;

/** The audit journal could not be written (disk full, data dir gone). Says whether the call went out. */
export class AuditWriteError extends Error {
  override name = 'AuditWriteError';
}

export async function runCall(ctx: GuardContext, session: GuardSession, call: ResolvedCall): Promise<CallResult> {
  // Stage 3 — scrub. The counts go on the event; the scrubbed URL is all later stages see.
  const pii = newPiiCounts();
  const safeUrl = scrubUrl(call.op.url, pii);
  if (call.op.body !== undefined) scrubValue(call.op.body, pii); // counted, never kept

  // Stage 4 — classify (platform, canonical endpoint pattern, GraphQL operations) and stage 5 —
  // risk rules, on the EFFECTIVE operation: method overrides, Meta `status=DELETED` and each
  // item of a Meta batch are scored as what the upstream will execute. A host the agent chose
  // (http_request, unless the user named it exactly in the allow list) is data, like a path
  // segment: the record keeps it masked.
  const op = withClassifiedHeaders(call);
  const platform = call.platformHint ?? configuredPlatform(ctx.config, call.upstream.url);
  const hints: AssessHints = { recordUrl: safeUrl, ...(platform ? { platform } : {}) };
  if (call.platformHint && call.target) hints.target = call.target;
  const assessed = assessOperation(ctx.rules, op, hints);
  const { classification: cls } = assessed;
  // A write no rule knows: a cached cloud verdict may raise its risk (never lower it); without
  // one, cloud-lite is asked off this path. Nothing without a cloud.
  const risk =
    analysisFor(ctx)?.consider(assessed.risk, () => ({
      platform: cls.platform,
      method: assessed.method,
      endpoint: cls.endpoint,
      operation: assessed.operation === null ? null : scrubText(assessed.operation),
      rootFields: cls.graphql?.flatMap((o) => o.fields) ?? null,
      op: call.op,
    })) ?? assessed.risk;
  const { hostname } = call.upstream.url;
  const recordHost =
    call.dispatcher === 'open' && !ctx.config.httpExactHosts.has(hostname.toLowerCase().replace(/^\[|\]$/g, ''))
      ? maskHost(hostname)
      : hostname;
  const forRecord = (s: string) => (recordHost === hostname ? s : s.split(hostname).join(recordHost));

  const event: AuditEvent = {
    v: EVENT_SCHEMA_VERSION,
    id: newId(),
    ts: Date.now(),
    session_id: session.id,
    instance_id: session.instanceId,
    client: session.client,
    tool: call.tool,
    platform: cls.platform,
    target: forRecord(cls.target ?? call.target ?? hostname),
    method: assessed.method,
    endpoint: cls.endpoint,
    operation: assessed.operation === null ? null : scrubText(assessed.operation),
    action: risk.action,
    categories: risk.categories,
    status: null,
    latency_ms: null,
    risk_level: risk.risk_level,
    rules: risk.rules,
    outcome: 'forwarded',
    error: null,
    pii,
    usage: null,
  };

  // Stage 6 — safety checks and policy. A request Warden cannot read unambiguously is refused
  // in every mode rather than guessed at.
  if (assessed.refusal !== null) return refuse(ctx, session, event, risk, 'denied', assessed.refusal, { forRecord });
  if (call.dispatcher === 'open') {
    try {
      checkUrl(call.upstream.url, ctx.config.httpAllow);
    } catch (err) {
      if (!(err instanceof SsrfError)) throw err;
      return refuse(ctx, session, event, risk, 'denied', err.message, { forRecord });
    }
  }
  // The control file is checked here, on every call (one stat(); re-read only when it changed):
  // a pause from the extension, the CLI or another guard applies to this very call.
  ctx.control.refresh();
  const decision = decide(ctx.control.state, risk);
  if (decision.kind === 'block') return refuse(ctx, session, event, risk, 'blocked', decision.reason, { message: decision.message });
  if (decision.kind === 'confirm') {
    const answer = await ctx.confirm(
      `Warden: allow ${assessed.method} ${cls.endpoint}${event.operation ? ` (${event.operation})` : ''}? ${decision.reason}`,
    );
    if (answer === 'unsupported') {
      return refuse(
        ctx,
        session,
        event,
        risk,
        'denied',
        `it needs your confirmation (${decision.reason}) but this MCP client cannot ask; approve it by switching Warden to monitor mode, or use a client that supports elicitation`,
      );
    }
    if (!answer) return refuse(ctx, session, event, risk, 'denied', `the user declined it (${decision.reason})`);
  }

  // Stage 7 — pacing (almost always zero).
  const paceKey = `${cls.platform}:${event.target ?? call.upstream.url.host}`;
  const wait = ctx.pacer.delayFor(paceKey);
  if (wait > 0) await sleep(wait);

  // Stage 8 — journal the intent of anything that can change the upstream, so a write the API
  // may have applied is on the record even if the guard dies before the answer. (A read that
  // never answered changed nothing and showed the agent nothing.)
  if (risk.action !== 'read') {
    try {
      ctx.store.recordIntent(event);
    } catch (err) {
      // Fail closed: a change Warden cannot record is not sent.
      throw new AuditWriteError(`this call was NOT sent: Warden could not write its audit journal (${(err as Error).message})`);
    }
  }

  // Stage 9 — forward unchanged.
  const started = performance.now();
  let response: UpstreamResponse;
  try {
    response = await forward(ctx, call);
  } catch (err) {
    const e = err instanceof UpstreamError ? err : new UpstreamError('other', 'request failed');
    event.latency_ms = elapsed(started);
    event.outcome = e.kind === 'ssrf' ? 'denied' : 'error';
    const message = ctx.redact(scrubText(`${e.kind}: ${e.message}`));
    event.error = forRecord(message);
    return { kind: 'failed', message: `Warden: ${message}`, event, risk, alerts: finish(ctx, session, event) };
  }

  // Stage 10 — journal the outcome, then sequence alerts.
  event.latency_ms = elapsed(started);
  event.status = response.status;
  event.outcome = response.status === 429 ? 'throttled' : 'forwarded';
  event.usage = usageSnapshot(cls.platform, response.headers, response.body, cls.graphql !== null);
  ctx.pacer.observe(paceKey, response.status, event.usage);
  return { kind: 'response', response, event, risk, alerts: finish(ctx, session, event) };
}

/**
 * The operation as the core sees it, plus the request headers that change what the upstream
 * executes (method overrides, content type). Only these: the other headers may carry credentials.
 */
function withClassifiedHeaders(call: ResolvedCall): OperationInput {
  const sent = call.upstream.headers;
  let headers: Record<string, string> | undefined;
  for (const name of CLASSIFIED_HEADERS) {
    const value = sent[name];
    if (value !== undefined) (headers ??= {})[name] = value;
  }
  return headers === undefined ? call.op : { ...call.op, headers };
}

const CLASSIFIED_HEADERS = ['content-type', ...METHOD_OVERRIDE_HEADERS];

/** http_request to the configured Shopify or Meta base URL (a stand-in, a proxy) is that platform. */
function configuredPlatform(config: GuardConfig, url: URL): Platform | undefined {
  if (config.shopify && sameOrigin(config.shopify.baseUrl, url)) return 'shopify';
  if (config.meta && sameOrigin(config.meta.baseUrl, url)) return 'meta';
  return undefined;
}

function sameOrigin(base: string, url: URL): boolean {
  try {
    return new URL(base).origin === url.origin;
  } catch {
    return false;
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/**
 * A call Warden did not send: the record keeps the reason, the agent reads "Warden denied this
 * call: <reason>" (or `message`, a text that explains itself, such as a pause's).
 */
function refuse(
  ctx: GuardContext,
  session: GuardSession,
  event: AuditEvent,
  risk: RiskResult,
  outcome: 'blocked' | 'denied',
  reason: string,
  { forRecord = (s: string) => s, message }: { forRecord?: (s: string) => string; message?: string } = {},
): CallResult {
  event.outcome = outcome;
  event.error = ctx.redact(scrubText(forRecord(reason)));
  return {
    kind: 'refused',
    message: ctx.redact(message ?? `Warden ${outcome} this call: ${reason}`),
    event,
    risk,
    alerts: finish(ctx, session, event),
  };
}

/** Records the final event (durable before the agent sees the response), then the alerts. */
function finish(ctx: GuardContext, session: GuardSession, event: AuditEvent): Alert[] {
  try {
    ctx.store.record(event);
  } catch (err) {
    // The upstream may already have acted: say so, so the agent does not blindly retry.
    const sent = event.outcome === 'forwarded' || event.outcome === 'throttled';
    throw new AuditWriteError(
      `${sent ? `this call WAS sent (HTTP ${event.status})` : 'this call was not completed'} but Warden could not write its audit journal (${(err as Error).message})`,
    );
  }
  session.count(event.outcome, event.risk_level);
  // The detector reads only what the stored event carries, so replaying stored events (the CLI,
  // cloud-lite, the extension) raises exactly the alerts the guard raised.
  const raised = session.detector.observe(sequenceStep(event));
  if (raised.length === 0) return [];
  const alerts: Alert[] = raised.map((r) => ({
    v: EVENT_SCHEMA_VERSION,
    id: newId(),
    ts: event.ts,
    session_id: session.id,
    instance_id: session.instanceId,
    rule: r.rule,
    severity: r.severity,
    message: r.message,
    event_ids: r.event_ids,
  }));
  for (const alert of alerts) {
    ctx.store.recordAlert(alert);
    session.remember(alert);
    // Auto-pause: a critical alert pauses agent writes here at once, and in every guard on the
    // data dir through the control file, until the user resumes (unless auto-pause is off).
    const pausedWrites = alert.severity === 'critical' && ctx.control.autoPauseWrites(alert.message, alert.id);
    ctx.notify(alert, pausedWrites);
  }
  return alerts;
}

/** Sends the call; http_request follows redirects, re-checking each hop like the first. */
async function forward(ctx: GuardContext, call: ResolvedCall): Promise<UpstreamResponse> {
  const limits = { timeoutMs: ctx.config.timeoutMs, maxResponseBytes: ctx.config.maxResponseBytes };
  const dispatcher = ctx.dispatchers[call.dispatcher];
  let req = call.upstream;
  for (let hop = 0; ; hop++) {
    const res = await send(dispatcher, req, limits);
    const location = res.headers.location;
    if (!call.followRedirects || res.status < 300 || res.status > 399 || res.status === 304 || typeof location !== 'string') return res;
    if (hop >= MAX_REDIRECTS) throw new UpstreamError('redirect', `more than ${MAX_REDIRECTS} redirects`);
    let next: URL;
    try {
      next = new URL(location, req.url);
    } catch {
      throw new UpstreamError('redirect', 'redirect to an invalid URL');
    }
    try {
      checkUrl(next, ctx.config.httpAllow);
    } catch (err) {
      throw new UpstreamError('ssrf', `redirect refused: ${(err as Error).message}`);
    }
    req = redirectRequest(ctx.config, req, next, res.status);
  }
}

/** The follow-up request: 303 (and 301/302 after POST) become GET; credentials never cross origins. */
function redirectRequest(config: GuardConfig, prev: ResolvedCall['upstream'], next: URL, status: number): ResolvedCall['upstream'] {
  const toGet = status === 303 || ((status === 301 || status === 302) && prev.method === 'POST');
  const headers = { ...prev.headers };
  if (next.origin !== prev.url.origin) {
    for (const name of Object.keys(credentialsFor(config, prev.url) ?? {})) delete headers[name.toLowerCase()];
    for (const name of ['authorization', 'proxy-authorization', 'cookie']) delete headers[name];
    Object.assign(headers, Object.fromEntries(Object.entries(credentialsFor(config, next) ?? {}).map(([k, v]) => [k.toLowerCase(), v])));
  }
  if (toGet) {
    delete headers['content-type'];
    return { method: prev.method === 'HEAD' ? 'HEAD' : 'GET', url: next, headers };
  }
  return { ...prev, url: next, headers };
}
