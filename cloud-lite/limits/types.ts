// The limiter and the replay guard: per-key burst limit on requests (a true sliding window) and
// the nonce cache; and named leases (one holder at a time: the alert evaluator's per-session
// lease, so two instances never evaluate one session at once). Embedded (memory.ts) by default; shared and atomic across instances in Redis
// (redis.ts) when REDIS_URL is set. The daily event quota is not here: it is counted in the
// store, in the same transaction that stores the events, so duplicates never spend it.
// Both implementations pass test/cloud-lite/limits.test.ts.

export interface BurstDecision {
  allowed: boolean;
  /** Requests counted in the window, this one included when allowed. */
  count: number;
  /** When refused: seconds until a request would be allowed again (≥ 1). */
  retryAfterSeconds: number;
  /** When refused: unix ms at which the oldest counted request leaves the window. */
  resetAt: number;
}

/**
 * `new`: first use, recorded. `replayed`: seen within the TTL. `before_epoch`: the request's
 * timestamp is older than the nonce cache itself (it restarted empty: a process restart
 * embedded, a Redis restart scaled out), so the cache cannot tell whether it is a replay; the
 * service refuses it as stale. The guard signs every attempt afresh, so it only retries.
 */
export type NonceClaim = 'new' | 'replayed' | 'before_epoch';

/** The back end (Redis) cannot answer: the service fails closed (503 service_unavailable). */
export class LimiterUnavailableError extends Error {}

export interface Limiter {
  readonly kind: 'memory' | 'redis';
  /**
   * Records `nonce` for `keyId` unless already seen within `ttlSeconds`. `timestampSeconds` is
   * the request's signed timestamp, compared with the cache's epoch (when it started empty).
   * Atomic across instances (one Redis script). Throws LimiterUnavailableError when it cannot tell.
   */
  claimNonce(keyId: string, nonce: string, ttlSeconds: number, timestampSeconds: number): Promise<NonceClaim>;
  /**
   * Counts one request for `keyId` in a sliding window of `windowMs` with at most `limit`
   * requests; a refused request is not counted. Throws LimiterUnavailableError.
   */
  hitBurst(keyId: string, limit: number, windowMs: number): Promise<BurstDecision>;
  /**
   * Takes the lease `name` for `ttlMs` unless another holder has it: a token to release it
   * with, or null. Across instances in Redis (SET NX PX). Throws LimiterUnavailableError.
   */
  acquireLease(name: string, ttlMs: number): Promise<string | null>;
  /** Releases the lease if `token` still holds it (an expired lease may have a new holder). */
  releaseLease(name: string, token: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface LimiterOptions {
  /** Redis when set (shared by every instance); in-process otherwise. */
  redisUrl?: string | null;
  /** Key prefix in Redis (default "warden:"). */
  prefix?: string;
  onWarning?: (message: string) => void;
}
