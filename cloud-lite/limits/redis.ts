// The Redis limiter, shared by every cloud-lite instance. Each decision is ONE Lua script, so
// it is atomic across instances, and every script reads Redis's own clock (TIME), so all
// instances share one clock whatever their hosts' clocks say.
//
// Burst: an exact sliding log in a sorted set per key (scores are the request times in ms):
// drop the entries older than the window, count, add this request only when under the limit.
// Error bound 0: every window of `windowMs` holds at most `limit` counted requests, across any
// number of instances (one clock, one atomic script). Memory: at most `limit` members per key,
// and the key expires a window after its last counted request.
//
// Nonces: `SET NX EX` per (key id, nonce). The cache's epoch is a key without expiry written
// with Redis's time when missing, so a Redis that restarts empty (no persistence) starts a new
// epoch, and requests signed before it are 'before_epoch' (refused as stale: fail closed).
// Deploy Redis without persistence, or with AOF fsync always: a snapshot restored with an old
// epoch but without the latest nonces would let those nonces replay. Under maxmemory use
// `noeviction` or a volatile-* policy (the epoch key has no TTL, so those never evict it).
//
// Keys are bounded: the nonce is hashed, and a key id outside [A-Za-z0-9_-]{1,64} is hashed
// too, so a client-chosen value never makes a big or odd key.
//
// Failures: commands fail fast while disconnected (no offline queue), every command has a
// deadline, and any failure is a LimiterUnavailableError (no URL, no secret in its message);
// the client reconnects by itself with capped backoff. Client errors are reported through
// onWarning once per outage.
import { createHash, randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { LimiterUnavailableError } from './types.ts';
import type { BurstDecision, Limiter, NonceClaim } from './types.ts';

export interface RedisLimiterOptions {
  /** Key prefix (default "warden:"). */
  prefix?: string;
  onWarning?: (message: string) => void;
  /** Deadline of one decision (default 1000 ms). */
  commandTimeoutMs?: number;
  /** How long openRedisLimiter waits for the first connection (default 5000 ms). */
  connectTimeoutMs?: number;
}

const MAX_BACKOFF_MS = 2000;

// KEYS[1] epoch: starts the cache's epoch (Redis's clock, ms) when Redis has none.
const EPOCH_START = `
local t = redis.call('TIME')
local epoch = tonumber(redis.call('GET', KEYS[1]))
if epoch == nil then
  epoch = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('SET', KEYS[1], epoch)
end
`;

// Run once when the limiter connects, so the epoch predates every request signed after the
// service started; left to the first claim, a request signed in the second before it would be
// refused as 'before_epoch'. Redis emptied later still starts a new epoch at the next claim.
const EPOCH_SCRIPT = `${EPOCH_START}
return 'ok'
`;

// KEYS[1] epoch, KEYS[2] nonce; ARGV[1] ttl seconds, ARGV[2] the request's timestamp (s).
const NONCE_SCRIPT = `${EPOCH_START}
if tonumber(ARGV[2]) < math.floor(epoch / 1000) then return 'before_epoch' end
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 'new' end
return 'replayed'
`;

// KEYS[1] the key's log; ARGV[1] limit, ARGV[2] window ms, ARGV[3] a unique member.
// Returns {allowed 0|1, count, retryAfterSeconds, resetAt}.
const BURST_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {1, count + 1, 0, tonumber(oldest[2]) + window}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local resetAt = tonumber(oldest[2]) + window
local retry = math.ceil((resetAt - now) / 1000)
if retry < 1 then retry = 1 end
return {0, count, retry, resetAt}
`;

// KEYS[1] the lease; ARGV[1] the holder's token. Deletes it only if that holder still has it.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const SCRIPTS = { epoch: script(EPOCH_SCRIPT), nonce: script(NONCE_SCRIPT), burst: script(BURST_SCRIPT), release: script(RELEASE_SCRIPT) };

function keyPart(keyId: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(keyId) ? keyId : `#${createHash('sha256').update(keyId).digest('base64url')}`;
}

function nonceHash(nonce: string): string {
  return createHash('sha256').update(nonce).digest('base64url');
}

/** host:port only: the URL may hold a password. */
function where(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'the configured address';
  }
}

/** An error's gist for a warning, without anything the URL holds. */
function gist(err: unknown, url: string): string {
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  let text = typeof e.code === 'string' ? e.code : typeof e.message === 'string' ? e.message : String(e.name ?? err);
  try {
    const { password, username } = new URL(url);
    for (const s of [password, username]) if (s !== '') text = text.split(s).join('***');
  } catch {
    // not a URL: nothing to redact
  }
  return text.slice(0, 200);
}

export class RedisLimiter implements Limiter {
  readonly kind = 'redis' as const;
  private readonly client;
  private readonly prefix: string;
  private readonly commandTimeoutMs: number;
  private readonly warn: (message: string) => void;
  /** Unique members for the sorted sets: this instance's tag and a counter. */
  private readonly tag = randomBytes(6).toString('base64url');
  private seq = 0;
  /** True from the first failure seen until the client is ready again. */
  private outage = false;
  private closed = false;

  constructor(
    private readonly url: string,
    opts: RedisLimiterOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'warden:';
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 1000;
    this.warn = opts.onWarning ?? (() => {});
    this.client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: opts.connectTimeoutMs ?? 5000,
        // Capped exponential backoff with jitter, forever: the limiter recovers by itself.
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_BACKOFF_MS) + Math.floor(Math.random() * 100),
      },
    });
    // Without a listener an 'error' event would crash the process.
    this.client.on('error', (err: unknown) => this.failed(err));
    this.client.on('ready', () => {
      if (this.outage) this.warn(`limiter: Redis at ${where(this.url)} is reachable again`);
      this.outage = false;
    });
  }

  async connect(timeoutMs: number): Promise<void> {
    const connecting = this.client.connect();
    connecting.catch(() => {}); // the deadline below decides
    try {
      await deadline(connecting, timeoutMs);
    } catch {
      this.closed = true;
      this.client.destroy();
      throw new LimiterUnavailableError(`Redis at ${where(this.url)} is unreachable`);
    }
    await this.evalScript(SCRIPTS.epoch, [`${this.prefix}nonce-epoch`], []);
  }

  async claimNonce(keyId: string, nonce: string, ttlSeconds: number, timestampSeconds: number): Promise<NonceClaim> {
    const keys = [`${this.prefix}nonce-epoch`, `${this.prefix}nonce:${keyPart(keyId)}:${nonceHash(nonce)}`];
    const ttl = String(Math.max(1, Math.ceil(ttlSeconds)));
    const reply = await this.evalScript(SCRIPTS.nonce, keys, [ttl, String(Math.floor(timestampSeconds))]);
    if (reply === 'new' || reply === 'replayed' || reply === 'before_epoch') return reply;
    throw new LimiterUnavailableError('unexpected reply from the nonce script');
  }

  async hitBurst(keyId: string, limit: number, windowMs: number): Promise<BurstDecision> {
    const member = `${this.tag}:${(this.seq = (this.seq + 1) % Number.MAX_SAFE_INTEGER)}`;
    const reply = await this.evalScript(
      SCRIPTS.burst,
      [`${this.prefix}burst:${keyPart(keyId)}`],
      [String(Math.floor(limit)), String(Math.ceil(windowMs)), member],
    );
    if (!Array.isArray(reply) || reply.length !== 4) throw new LimiterUnavailableError('unexpected reply from the burst script');
    const [allowed, count, retryAfterSeconds, resetAt] = reply.map(Number) as [number, number, number, number];
    return { allowed: allowed === 1, count, retryAfterSeconds, resetAt };
  }

  async acquireLease(name: string, ttlMs: number): Promise<string | null> {
    const token = randomBytes(12).toString('base64url');
    const reply = await this.command(['SET', this.leaseKey(name), token, 'NX', 'PX', String(Math.max(1, Math.ceil(ttlMs)))]);
    return reply === 'OK' ? token : null;
  }

  async releaseLease(name: string, token: string): Promise<void> {
    await this.evalScript(SCRIPTS.release, [this.leaseKey(name)], [token]);
  }

  /** Lease names are hashed: bounded keys whatever the caller's name holds. */
  private leaseKey(name: string): string {
    return `${this.prefix}lease:${createHash('sha256').update(name).digest('base64url')}`;
  }

  async ping(): Promise<void> {
    await this.command(['PING']);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await deadline(this.client.close(), this.commandTimeoutMs);
    } catch {
      this.client.destroy();
    }
  }

  private async evalScript(s: Script, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    try {
      return await this.command(['EVALSHA', s.sha, ...tail]);
    } catch (err) {
      // A restarted Redis has forgotten the script: send it once in full.
      if (!(err instanceof NoScript)) throw err;
      return this.command(['EVAL', s.source, ...tail]);
    }
  }

  private async command(args: string[]): Promise<unknown> {
    if (this.closed) throw new LimiterUnavailableError('limiter closed');
    if (!this.client.isReady) {
      this.failed(new Error('not connected'));
      throw new LimiterUnavailableError('Redis is unavailable');
    }
    try {
      return await deadline(this.client.sendCommand(args), this.commandTimeoutMs);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) throw new NoScript();
      this.failed(err);
      throw new LimiterUnavailableError('Redis is unavailable');
    }
  }

  private failed(err: unknown): void {
    if (this.closed || this.outage) return;
    this.outage = true;
    this.warn(`limiter: Redis at ${where(this.url)} is unavailable (${gist(err, this.url)}); failing closed until it is back`);
  }
}

class NoScript extends Error {}

class DeadlineError extends Error {}

/** `p`, or a rejection after `ms`; a late rejection of `p` is swallowed. */
function deadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms`)), ms);
  });
  p.catch(() => {});
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export async function openRedisLimiter(url: string, opts: RedisLimiterOptions = {}): Promise<RedisLimiter> {
  const limiter = new RedisLimiter(url, opts);
  await limiter.connect(opts.connectTimeoutMs ?? 5000);
  return limiter;
}
