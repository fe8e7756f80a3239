// The Redis limiter: coming next (see cloud-lite/limits/types.ts for the contract).
import type { Limiter } from './types.ts';

export interface RedisLimiterOptions {
  prefix?: string;
  onWarning?: (message: string) => void;
}

export async function openRedisLimiter(_url: string, _opts: RedisLimiterOptions = {}): Promise<Limiter> {
  throw new Error('the Redis limiter is not built yet');
}
