// Judges an operation no rule matched by asking the configured model, within caps. In order:
// the global cache (a hit costs nothing and spends no cap); a call for the same question
// already in flight in this instance (joined, one call for all); the user's daily cap and the
// monthly token budget, reserved together before the call with an upper bound of its tokens;
// the call; the tokens reconciled with what the provider reported; the reply validated; only
// a valid verdict cached. A refused reply still cost its tokens and the user's call: the
// provider did the work, and an agent that provokes bad replies must not get free retries.
import type { AnalyzeRequest, AnalyzeResponse } from '../../core/protocol/analyze.ts';
import type { UploadErrorCode } from '../../core/protocol/upload.ts';
import { secondsToUtcMidnight, utcDay } from '../http/routes.ts';
import type { Logger } from '../log.ts';
import type { CloudStore, Plan } from '../store/types.ts';
import type { AnalyzeConfig } from './config.ts';
import { modelInput, type ModelInput } from './input.ts';
import { callProvider, tokenBound } from './provider.ts';
import type { CachedVerdict } from './store.ts';
import { verdictFromReply } from './verdict.ts';

export interface AnalyzerDeps {
  store: CloudStore;
  config: AnalyzeConfig;
  log: Logger;
  now: () => number;
}

export type AnalyzeOutcome =
  | { ok: true; response: AnalyzeResponse }
  | {
      ok: false;
      code: Extract<UploadErrorCode, `analysis_${string}`>;
      message: string;
      retryAfterSeconds?: number;
      resetAt?: number;
    };

export interface Analyzer {
  /** False when no provider is configured: every request answers analysis_disabled. */
  readonly enabled: boolean;
  analyze(user: string, plan: Plan, request: AnalyzeRequest): Promise<AnalyzeOutcome>;
}

/** A flight's outcome; shared: whether requests that joined it get it too (a cap refusal is the owner's alone). */
interface Flight {
  outcome: AnalyzeOutcome;
  shared: boolean;
}

/** 'YYYY-MM' of `now` in UTC: the month the token budget counts against. */
export function utcMonth(now: number): string {
  return new Date(now).toISOString().slice(0, 7);
}

/** Seconds until the next UTC month starts, when the token budget resets (≥ 1). */
export function secondsToNextUtcMonth(now: number): { seconds: number; at: number } {
  const d = new Date(now);
  const at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { seconds: Math.max(1, Math.ceil((at - now) / 1000)), at };
}

const DISABLED: AnalyzeOutcome = {
  ok: false,
  code: 'analysis_disabled',
  message: 'semantic analysis is not configured on this service (ANALYZE_API_URL, ANALYZE_API_KEY, ANALYZE_MODEL)',
};

function hit(cached: CachedVerdict): AnalyzeOutcome {
  return { ok: true, response: { verdict: cached.verdict, cache: 'hit', analyzed_at: cached.analyzedAt } };
}

function failed(message: string): AnalyzeOutcome {
  return { ok: false, code: 'analysis_failed', message };
}

export function createAnalyzer(deps: AnalyzerDeps): Analyzer {
  const { store, config, log, now } = deps;
  const provider = config.provider;
  const inflight = new Map<string, Promise<Flight>>();

  const fly = async (user: string, plan: Plan, input: ModelInput): Promise<Flight> => {
    // Checked again here: a flight for this key may have just finished and cached.
    const cached = await store.analysis.getVerdict(input.cacheKey);
    if (cached) return { outcome: hit(cached), shared: true };
    const at = now();
    const month = utcMonth(at);
    const reserved = tokenBound(input.text, config.maxReplyTokens);
    const spent = await store.analysis.reserve({
      user,
      day: utcDay(at),
      dailyCalls: config.dailyCalls[plan],
      month,
      monthlyTokens: config.monthlyTokens,
      tokens: reserved,
    });
    if (spent === 'daily_cap') {
      const reset = secondsToUtcMidnight(at);
      const message = `the daily cap of ${config.dailyCalls[plan]} analyses is used; it resets at 00:00 UTC (cached verdicts stay free)`;
      return {
        outcome: { ok: false, code: 'analysis_quota_exceeded', message, retryAfterSeconds: reset.seconds, resetAt: reset.at },
        shared: false,
      };
    }
    if (spent === 'monthly_budget') {
      const reset = secondsToNextUtcMonth(at);
      const message = "the service's monthly analysis budget is spent; it resets on the 1st at 00:00 UTC (cached verdicts stay free)";
      return {
        outcome: { ok: false, code: 'analysis_budget_exhausted', message, retryAfterSeconds: reset.seconds, resetAt: reset.at },
        shared: false,
      };
    }

    const reply = await callProvider({
      provider: provider!,
      input: input.text,
      maxTokens: config.maxReplyTokens,
      timeoutMs: config.timeoutMs,
    });
    // What the call cost: as reported; unknown after a timeout or a malformed reply, so the
    // reservation (an upper bound) stays; nothing when the provider answered an error status.
    const used = reply.usage ?? (reply.ok || reply.billed ? reserved : 0);
    await store.analysis.settle(month, reserved, used);
    if (!reply.ok) {
      log.info('analysis call failed', { reason: reply.reason, tokens: used });
      return { outcome: failed('the analysis provider did not answer usably; nothing was kept, retry later'), shared: true };
    }
    const check = verdictFromReply(reply.text);
    if (!check.ok) {
      log.info('analysis reply refused', { reason: check.reason, tokens: used });
      return { outcome: failed("the model's reply did not pass validation; nothing was kept, retry later"), shared: true };
    }
    const stored = await store.analysis.putVerdict(input.cacheKey, { verdict: check.verdict, analyzedAt: at });
    log.info('analysis verdict cached', { level: stored.verdict.level, tokens: used, truncated: input.truncated });
    return { outcome: { ok: true, response: { verdict: stored.verdict, cache: 'miss', analyzed_at: stored.analyzedAt } }, shared: true };
  };

  return {
    enabled: provider !== null,
    async analyze(user, plan, request) {
      if (provider === null) return DISABLED;
      const input = modelInput(request);
      for (;;) {
        const cached = await store.analysis.getVerdict(input.cacheKey);
        if (cached) return hit(cached);
        const running = inflight.get(input.cacheKey);
        if (running) {
          // Someone in this instance is asking the same question: their answer is ours, free.
          const flight = await running;
          if (!flight.shared) continue; // their cap, not ours: ask on our own
          const o = flight.outcome;
          return o.ok ? { ok: true, response: { ...o.response, cache: 'hit' } } : o;
        }
        const mine = fly(user, plan, input).finally(() => inflight.delete(input.cacheKey));
        inflight.set(input.cacheKey, mine);
        return (await mine).outcome;
      }
    },
  };
}
