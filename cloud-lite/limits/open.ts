// Opens the limiter the options choose: Redis when redisUrl is set (shared and atomic across
// instances), else the embedded one.
import { openMemoryLimiter } from './memory.ts';
import { openRedisLimiter } from './redis.ts';
import type { Limiter, LimiterOptions } from './types.ts';

export async function openLimiter(opts: LimiterOptions): Promise<Limiter> {
  if (opts.redisUrl !== undefined && opts.redisUrl !== null && opts.redisUrl !== '') {
    return openRedisLimiter(opts.redisUrl, { prefix: opts.prefix, onWarning: opts.onWarning });
  }
  return openMemoryLimiter();
}
