// Authenticates a signed request, in this order: signature headers → key → timestamp and
// signature over the raw body (verifyRequest) → nonce (replay) → burst. Each step refuses with
// the contract's code; the key is read from the store on every request (no cache), so a key
// created, rotated, retired or revoked takes effect at once on every instance. A back end that
// cannot answer throws: the caller answers 503 (fail closed).
import { parseSignatureHeaders, TIMESTAMP_WINDOW_SECONDS, verifyRequest, type HeaderSource } from '../../core/protocol/signing.ts';
import type { Limiter } from '../limits/types.ts';
import type { ApiKeyRecord, CloudStore } from '../store/types.ts';
import type { ServiceLimits } from '../config.ts';
import { fail, type Reply } from '../http/respond.ts';

/** Nonces are kept twice the timestamp window: a timestamp still acceptable is never forgotten. */
export const NONCE_TTL_SECONDS = 2 * TIMESTAMP_WINDOW_SECONDS;

export interface AuthRequest {
  method: string;
  /** The request target as received (req.url): the signed path with its query. */
  target: string;
  headers: HeaderSource;
  body: Uint8Array;
}

export type AuthResult = { ok: true; key: ApiKeyRecord } | { ok: false; reply: Reply };

export interface AuthDeps {
  store: CloudStore;
  limiter: Limiter;
  limits: Pick<ServiceLimits, 'burstLimit' | 'burstWindowMs'>;
  now?: () => number;
}

/** The key id as sent, when the headers are well-formed: for the log line only. */
export function keyIdOf(headers: HeaderSource): string | undefined {
  const parsed = parseSignatureHeaders(headers);
  return parsed.ok ? parsed.keyId : undefined;
}

export async function authenticate(req: AuthRequest, deps: AuthDeps): Promise<AuthResult> {
  const refuse = (reply: Reply): AuthResult => ({ ok: false, reply });
  const parsed = parseSignatureHeaders(req.headers);
  if (!parsed.ok) return refuse(fail(parsed.code, parsed.message));

  const key = await deps.store.getKey(parsed.keyId);
  if (key === null || key.revokedAt !== null || key.verifyKeys.length === 0) {
    return refuse(fail('unknown_key', 'unknown or revoked key'));
  }
  const now = deps.now?.() ?? Date.now();
  const verified = await verifyRequest({
    method: req.method,
    pathWithQuery: req.target,
    body: req.body,
    headers: parsed,
    secrets: key.verifyKeys,
    now,
  });
  if (!verified.ok) return refuse(fail(verified.code, verified.message));

  const claim = await deps.limiter.claimNonce(key.keyId, verified.nonce, NONCE_TTL_SECONDS, verified.timestamp);
  if (claim === 'replayed') return refuse(fail('replayed_nonce', 'this nonce was already used'));
  if (claim === 'before_epoch') return refuse(fail('stale_timestamp', 'timestamp predates the replay cache: sign the request again'));

  const burst = await deps.limiter.hitBurst(key.keyId, deps.limits.burstLimit, deps.limits.burstWindowMs);
  if (!burst.allowed) {
    return refuse(
      fail(
        'rate_limited',
        `more than ${deps.limits.burstLimit} requests in ${deps.limits.burstWindowMs / 1000} s for this key`,
        Math.max(1, burst.retryAfterSeconds),
        burst.resetAt,
      ),
    );
  }
  return { ok: true, key };
}
