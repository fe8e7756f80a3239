// Failed authentications per client address. A forged request costs the HMAC of its body and
// proves no key, so the per-key burst limit cannot count it; this counts the failures (401s) of
// each address in the limiter's sliding window — shared across instances when it is Redis —
// and refuses the address's next requests before their body is read, until the window lets it
// through again. Addresses over their limit are remembered per instance (bounded map) so the
// check on every request costs a map lookup, not a limiter round trip.
import type { Limiter } from '../limits/types.ts';

/** Remembered blocked addresses at most; past this the oldest are forgotten (they are re-learnt). */
const MAX_BLOCKED = 10_000;

export class AuthFailureThrottle {
  /** address → unix ms until which it is refused. */
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly limiter: Limiter,
    /** Failures allowed per address in the window; 0 turns the throttle off. */
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the address must wait before it is heard again; 0 when it may send. */
  retryAfterSeconds(address: string): number {
    const until = this.blocked.get(address);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left > 0) return Math.ceil(left / 1000);
    this.blocked.delete(address);
    return 0;
  }

  /**
   * Counts one failed authentication. Never throws: a limiter that cannot answer just does not
   * count it (the request was refused anyway).
   */
  async recordFailure(address: string): Promise<void> {
    if (this.limit === 0) return;
    try {
      const d = await this.limiter.hitBurst(`auth-fail:${address}`, this.limit, this.windowMs);
      if (d.allowed) return;
      if (this.blocked.size >= MAX_BLOCKED) this.blocked.delete(this.blocked.keys().next().value!);
      this.blocked.set(address, Math.max(d.resetAt, this.now() + 1000));
    } catch {
      // LimiterUnavailableError: nothing to count with.
    }
  }
}
