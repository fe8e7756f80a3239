// The guard's side of semantic analysis. On a write no rule knows, the pipeline asks this for
// the call's risk: a cached cloud verdict raises it (never lowers it); without one, the question
// is sent to cloud-lite AFTER the call's own work (setImmediate, never awaited), once per key at
// a time, so a slow or dead cloud never delays a tool call. Failures back off: 501 stops all
// asking for hours, 429 for the Retry-After, anything else this key with exponential backoff.
import type { Agent } from 'undici';
import type { RiskResult } from '../../core/types.ts';
import { createUploadAgent, type CloudTarget } from '../upload/client.ts';
import { VerdictCache } from './cache.ts';
import { requestVerdict } from './client.ts';
import { buildRequest, isUnmatchedWrite, questionKey, type AnalysisSubject } from './request.ts';
import { withVerdict } from './verdict.ts';

/** analysis_disabled: the service has no model; it takes a redeploy to change that. */
const DISABLED_PAUSE_MS = 6 * 3600_000;
/** A 429 without a readable Retry-After. */
const FALLBACK_PAUSE_MS = 10 * 60_000;
const MAX_PAUSE_MS = 24 * 3600_000;
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 3600_000;
/** Questions under way at once: a burst of new operations must not become a burst of requests. */
const MAX_IN_FLIGHT = 2;
const REQUEST_TIMEOUT_MS = 60_000;
const MAX_TRACKED_KEYS = 1000;

export interface AnalysisOptions {
  cloud: CloudTarget;
  dataDir: string;
  /** Ids of the fallback rules (unclassified writes): a call scored by these only is asked about. */
  fallbackRules: ReadonlySet<string>;
  log: (msg: string) => void;
  now?: () => number;
}

export interface AnalysisReport {
  enabled: true;
  cached_verdicts: number;
  /** Calls scored with a cached verdict, questions sent, verdicts received, failed answers. */
  applied: number;
  asked: number;
  verdicts: number;
  failures: number;
  /** Questions not sent: asking is paused, this key is backing off, or too many are under way. */
  skipped: number;
  paused_until: string | null;
  last_error: { code: string; at: string } | null;
}

export class GuardAnalysis {
  private readonly cache: VerdictCache;
  private readonly inFlight = new Set<string>();
  private readonly backoff = new Map<string, { until: number; failures: number }>();
  private pausedUntil = 0;
  private agent: Promise<Agent> | null = null;
  private readonly now: () => number;
  private readonly stats = { applied: 0, asked: 0, verdicts: 0, failures: 0, skipped: 0 };
  private lastError: { code: string; at: number } | null = null;

  constructor(private readonly opts: AnalysisOptions) {
    this.now = opts.now ?? Date.now;
    this.cache = new VerdictCache(opts.dataDir, opts.log, this.now);
  }

  /** The call's risk: with the cached verdict when there is one; otherwise as scored, and the question is asked off the path. */
  consider(risk: RiskResult, describe: () => AnalysisSubject): RiskResult {
    if (!isUnmatchedWrite(risk, this.opts.fallbackRules)) return risk;
    const subject = describe();
    const key = questionKey(subject);
    if (key === null) return risk;
    const verdict = this.cache.get(key);
    if (verdict !== null) {
      this.stats.applied++;
      return withVerdict(risk, verdict);
    }
    this.ask(key, subject);
    return risk;
  }

  report(): AnalysisReport {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      enabled: true,
      cached_verdicts: this.cache.size,
      ...this.stats,
      paused_until: this.pausedUntil > this.now() ? iso(this.pausedUntil) : null,
      last_error: this.lastError && { code: this.lastError.code, at: iso(this.lastError.at) },
    };
  }

  private ask(key: string, subject: AnalysisSubject): void {
    if (this.inFlight.has(key)) return;
    const now = this.now();
    const b = this.backoff.get(key);
    if (now < this.pausedUntil || (b !== undefined && now < b.until) || this.inFlight.size >= MAX_IN_FLIGHT) {
      this.stats.skipped++;
      return;
    }
    this.inFlight.add(key);
    this.stats.asked++;
    // After the call's own work: building the question parses the document again.
    setImmediate(() => {
      void this.send(key, subject).finally(() => this.inFlight.delete(key));
    });
  }

  private async send(key: string, subject: AnalysisSubject): Promise<void> {
    const request = buildRequest(subject);
    if (request === null) {
      this.fail(key, 'unaskable', RETRY_MAX_MS);
      return;
    }
    const agent = await (this.agent ??= createUploadAgent());
    const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    const outcome = await requestVerdict(agent, this.opts.cloud, request, signal, FALLBACK_PAUSE_MS);
    const now = this.now();
    switch (outcome.kind) {
      case 'verdict':
        this.backoff.delete(key);
        this.stats.verdicts++;
        this.cache.put(key, outcome.verdict);
        return;
      case 'disabled':
        this.pausedUntil = now + DISABLED_PAUSE_MS;
        this.recordError(outcome.code, `cloud-lite has analysis off; not asking again for ${DISABLED_PAUSE_MS / 3600_000} h`);
        return;
      case 'paused': {
        const wait = Math.min(Math.max(outcome.retryAfterMs, 1000), MAX_PAUSE_MS);
        this.pausedUntil = Math.max(this.pausedUntil, now + wait);
        this.recordError(outcome.code, `asking paused for ${Math.round(wait / 1000)} s`);
        return;
      }
      case 'retry': {
        const failures = (this.backoff.get(key)?.failures ?? 0) + 1;
        const wait = Math.min(RETRY_BASE_MS * 2 ** (failures - 1), RETRY_MAX_MS) * (0.8 + Math.random() * 0.4);
        this.fail(key, outcome.code, wait, failures);
      }
    }
  }

  private fail(key: string, code: string, waitMs: number, failures = 1): void {
    this.backoff.delete(key);
    this.backoff.set(key, { until: this.now() + waitMs, failures });
    // Oldest first: the map keeps insertion order.
    if (this.backoff.size > MAX_TRACKED_KEYS) this.backoff.delete(this.backoff.keys().next().value!);
    this.recordError(code, `this operation is asked again in ${Math.round(waitMs / 1000)} s`);
  }

  private recordError(code: string, what: string): void {
    this.stats.failures++;
    this.lastError = { code, at: this.now() };
    this.opts.log(`analysis: POST /v1/analyze answered ${code}; ${what}`);
  }
}
