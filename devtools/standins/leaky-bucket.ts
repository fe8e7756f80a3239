// Shopify's rate limiting is a leaky bucket: every call pours into the bucket, which drains at
// a fixed rate; a call that would overflow it is refused. REST counts requests (40, draining
// 2/s); GraphQL counts query cost points (2000, restoring 100/s). The clock is injectable so
// tests can stop time instead of racing it.

export type Clock = () => number;

export class LeakyBucket {
  private fill = 0;
  private lastLeak: number;

  constructor(
    readonly capacity: number,
    readonly leakPerSecond: number,
    private readonly now: Clock = Date.now,
  ) {
    this.lastLeak = now();
  }

  /** Current fill, after draining for the time elapsed since the last look. */
  level(): number {
    const t = this.now();
    const drained = ((t - this.lastLeak) / 1000) * this.leakPerSecond;
    this.fill = Math.max(0, this.fill - drained);
    this.lastLeak = t;
    return this.fill;
  }

  available(): number {
    return this.capacity - this.level();
  }

  /** Pours `amount` in if it fits; false (and nothing poured) when it would overflow. */
  tryPour(amount: number): boolean {
    if (this.level() + amount > this.capacity + 1e-9) return false;
    this.fill += amount;
    return true;
  }

  /** Pours regardless of room, never beyond full (used when limits are not enforced). */
  pour(amount: number): void {
    this.fill = Math.min(this.capacity, this.level() + amount);
  }

  /** Gives back points poured earlier (GraphQL refunds requested minus actual cost). */
  refund(amount: number): void {
    this.fill = Math.max(0, this.level() - amount);
  }

  /** Seconds until `amount` more fits. */
  secondsUntilRoomFor(amount: number): number {
    const over = this.level() + amount - this.capacity;
    return over <= 0 ? 0 : over / this.leakPerSecond;
  }
}
