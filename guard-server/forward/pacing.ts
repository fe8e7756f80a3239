// Platform pacing: after the platform says "slow down" (429 + Retry-After, a nearly full
// Shopify bucket, Meta usage near 100%), the next call to the same target waits a little
// instead of burning the agent's quota and tripping the 2×429 alert. Waits are capped so an
// agent is never stuck; nothing is waited when the platform is healthy (the common case).
import type { UsageSnapshot } from './usage.ts';

const MAX_WAIT_MS = 10_000;

export class Pacer {
  private readonly readyAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** How long the next call to `target` should wait, in ms (0 almost always). */
  delayFor(target: string): number {
    const at = this.readyAt.get(target);
    if (at === undefined) return 0;
    const d = at - this.now();
    if (d <= 0) {
      this.readyAt.delete(target);
      return 0;
    }
    return Math.min(d, MAX_WAIT_MS);
  }

  /** Learns from one response. */
  observe(target: string, status: number | null, usage: UsageSnapshot | null): void {
    let waitMs = 0;
    if (usage) {
      const retry = typeof usage.retry_after_s === 'number' ? usage.retry_after_s * 1000 : 0;
      if (status === 429 || status === 503) waitMs = retry || 1000;
      else if (typeof usage.rest_used === 'number' && typeof usage.rest_limit === 'number' && usage.rest_used >= usage.rest_limit - 2) {
        waitMs = 500; // Shopify's REST bucket leaks 2 calls/s on standard plans
      } else if (typeof usage.graphql_available === 'number' && usage.graphql_available < 100) {
        waitMs = 1000; // restore rate is 100 points/s on standard plans
      } else {
        const pct = Math.max(
          Number(usage.app_usage_pct ?? 0),
          Number(usage.business_usage_pct ?? 0),
          Number(usage.ad_account_usage_pct ?? 0),
        );
        if (pct >= 95) waitMs = 2000;
      }
    } else if (status === 429) {
      waitMs = 1000;
    }
    if (waitMs > 0) this.readyAt.set(target, this.now() + Math.min(waitMs, MAX_WAIT_MS));
  }
}
