// The embedded limiter: one process, no back end. The nonce cache and the burst logs live in
// maps; nothing survives a restart, so the nonce cache's epoch is the moment it was created
// (a request signed before it cannot be judged and is refused as 'before_epoch').
//
// Burst: an exact sliding log per key (the times of the counted requests still inside the
// window), so the limit holds over every window of `windowMs`, error bound 0. A refused request
// is not logged. Memory is bounded by what the limits allow: at most `limit` times per active
// key, nonces for `ttlSeconds`; expired entries are pruned amortised (a time-ordered queue for
// nonces, a periodic sweep of idle burst logs).
import { randomBytes } from 'node:crypto';
import type { BurstDecision, Limiter, NonceClaim } from './types.ts';

/** Burst logs are swept for idle keys once every this many decisions. */
const SWEEP_EVERY = 4096;

interface NonceEntry {
  key: string;
  expiresAt: number;
}

interface BurstLog {
  /** Times (ms) of counted requests, oldest first, from `head` on. */
  times: number[];
  head: number;
  windowMs: number;
}

/** Unambiguous whatever characters the key id and the nonce hold. */
function nonceKey(keyId: string, nonce: string): string {
  return `${keyId.length}:${keyId}${nonce}`;
}

export class MemoryLimiter implements Limiter {
  readonly kind = 'memory' as const;
  /** When this cache started empty (unix ms). */
  readonly epoch: number;
  private readonly nonces = new Map<string, number>();
  /** Nonce expiries in claim order, from `queueHead` on; with one TTL that is time order. */
  private queue: NonceEntry[] = [];
  private queueHead = 0;
  private readonly bursts = new Map<string, BurstLog>();
  private hitsSinceSweep = 0;
  /** Leases held: token and expiry (unix ms). Few, short-lived: removed on release or when taken after expiry. */
  private readonly leases = new Map<string, { token: string; expiresAt: number }>();
  private closed = false;

  constructor(private readonly clock: () => number = Date.now) {
    this.epoch = clock();
  }

  async claimNonce(keyId: string, nonce: string, ttlSeconds: number, timestampSeconds: number): Promise<NonceClaim> {
    return this.claimNonceSync(keyId, nonce, ttlSeconds, timestampSeconds);
  }

  claimNonceSync(keyId: string, nonce: string, ttlSeconds: number, timestampSeconds: number): NonceClaim {
    const now = this.clock();
    this.pruneNonces(now);
    if (timestampSeconds < Math.floor(this.epoch / 1000)) return 'before_epoch';
    const key = nonceKey(keyId, nonce);
    const expiresAt = this.nonces.get(key);
    if (expiresAt !== undefined && expiresAt > now) return 'replayed';
    const next = now + ttlSeconds * 1000;
    this.nonces.set(key, next);
    this.queue.push({ key, expiresAt: next });
    return 'new';
  }

  async hitBurst(keyId: string, limit: number, windowMs: number): Promise<BurstDecision> {
    return this.hitBurstSync(keyId, limit, windowMs);
  }

  hitBurstSync(keyId: string, limit: number, windowMs: number): BurstDecision {
    const now = this.clock();
    if (++this.hitsSinceSweep >= SWEEP_EVERY) this.sweepBursts(now);
    let log = this.bursts.get(keyId);
    if (log === undefined) {
      log = { times: [], head: 0, windowMs };
      this.bursts.set(keyId, log);
    }
    log.windowMs = windowMs;
    // A request at time t is inside the window while t > now - windowMs.
    const since = now - windowMs;
    const { times } = log;
    while (log.head < times.length && times[log.head]! <= since) log.head++;
    if (log.head > 1024 && log.head * 2 > times.length) {
      log.times = times.slice(log.head);
      log.head = 0;
    }
    const count = log.times.length - log.head;
    if (count < limit) {
      log.times.push(now);
      return { allowed: true, count: count + 1, retryAfterSeconds: 0, resetAt: log.times[log.head]! + windowMs };
    }
    const resetAt = log.times[log.head]! + windowMs;
    return { allowed: false, count, retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)), resetAt };
  }

  async acquireLease(name: string, ttlMs: number): Promise<string | null> {
    const now = this.clock();
    const held = this.leases.get(name);
    if (held !== undefined && held.expiresAt > now) return null;
    const token = randomBytes(12).toString('base64url');
    this.leases.set(name, { token, expiresAt: now + ttlMs });
    return token;
  }

  async releaseLease(name: string, token: string): Promise<void> {
    if (this.leases.get(name)?.token === token) this.leases.delete(name);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('limiter closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.nonces.clear();
    this.queue = [];
    this.queueHead = 0;
    this.bursts.clear();
    this.leases.clear();
  }

  /** Entries held, for tests of the memory bound. */
  size(): { nonces: number; bursts: number } {
    return { nonces: this.nonces.size, bursts: this.bursts.size };
  }

  private pruneNonces(now: number): void {
    const q = this.queue;
    while (this.queueHead < q.length && q[this.queueHead]!.expiresAt <= now) {
      const { key, expiresAt } = q[this.queueHead++]!;
      // A nonce claimed again after it expired has a newer entry further on: keep it.
      if (this.nonces.get(key) === expiresAt) this.nonces.delete(key);
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > q.length) {
      this.queue = q.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private sweepBursts(now: number): void {
    this.hitsSinceSweep = 0;
    for (const [keyId, log] of this.bursts) {
      const last = log.times[log.times.length - 1];
      if (last === undefined || last <= now - log.windowMs) this.bursts.delete(keyId);
    }
  }
}

export function openMemoryLimiter(clock?: () => number): MemoryLimiter {
  return new MemoryLimiter(clock);
}
