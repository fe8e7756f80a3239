// The semantic analysis' settings (ANALYZE_API_URL, ANALYZE_API_KEY, ANALYZE_MODEL, caps), read
// and validated once. Analysis is off unless all three provider settings are given; some but
// not all is a mistake worth stopping for, not a silent "off".
import { inspect } from 'node:util';
import { ConfigError, envInteger, envText, envUrl, type Env } from '../config-env.ts';
import type { Plan } from '../store/types.ts';

/**
 * The provider's API key, kept out of every string form: JSON.stringify, util.inspect and
 * template strings show `[REDACTED]`, so a config dumped into a log or an error leaks nothing.
 * Only the provider call reads it, through reveal().
 */
export class ApiKey {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[REDACTED]';
  }
  toString(): string {
    return '[REDACTED]';
  }
  [inspect.custom](): string {
    return 'ApiKey([REDACTED])';
  }
}

export interface AnalyzeProvider {
  /** The Messages endpoint: ANALYZE_API_URL, with /v1/messages appended unless it ends with it. */
  messagesUrl: string;
  apiKey: ApiKey;
  model: string;
}

export interface AnalyzeConfig {
  /** Null: analysis is off (POST /v1/analyze answers 501 analysis_disabled). */
  provider: AnalyzeProvider | null;
  /** Provider calls per user per UTC day, by plan (cache hits are free). */
  dailyCalls: Record<Plan, number>;
  /** Tokens (input + output) all users together may spend per UTC month. */
  monthlyTokens: number;
  /** The whole provider call, reply body included. */
  timeoutMs: number;
  /** max_tokens of the reply: a verdict is a few dozen tokens. */
  maxReplyTokens: number;
}

/** Env name → default, as documented in cloud-lite/README.md. */
export const ANALYZE_DEFAULTS = {
  CLOUD_LITE_ANALYZE_DAILY_FREE: 20,
  CLOUD_LITE_ANALYZE_DAILY_PRO: 200,
  CLOUD_LITE_ANALYZE_MONTHLY_TOKENS: 2_000_000,
  CLOUD_LITE_ANALYZE_TIMEOUT_MS: 15_000,
  CLOUD_LITE_ANALYZE_MAX_TOKENS: 200,
} as const;

const PROVIDER_VARS = ['ANALYZE_API_URL', 'ANALYZE_API_KEY', 'ANALYZE_MODEL'] as const;

/** Plain http is allowed only to this machine (a local proxy or a test's stand-in). */
function isLoopback(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.[0-9]{1,3}){3}$/.test(h);
}

function messagesUrlFrom(env: Env): string | null {
  const text = envUrl(env, 'ANALYZE_API_URL', ['https:', 'http:']);
  if (text === null) return null;
  const url = new URL(text);
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new ConfigError('ANALYZE_API_URL must start with https:// (http:// only for a loopback host)');
  }
  // The key travels in a header; a URL is logged and echoed too easily to hold credentials.
  if (url.username !== '' || url.password !== '') throw new ConfigError('ANALYZE_API_URL must not hold credentials');
  if (url.search !== '' || url.hash !== '') throw new ConfigError('ANALYZE_API_URL must not have a query or fragment');
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/v1/messages') ? path : `${path}/v1/messages`;
  return url.toString();
}

export function analyzeConfigFrom(env: Env): AnalyzeConfig {
  const integer = (name: keyof typeof ANALYZE_DEFAULTS, min: number, max: number): number =>
    envInteger(env, name, ANALYZE_DEFAULTS[name], min, max);
  const config: Omit<AnalyzeConfig, 'provider'> = {
    dailyCalls: {
      free: integer('CLOUD_LITE_ANALYZE_DAILY_FREE', 0, 1_000_000),
      pro: integer('CLOUD_LITE_ANALYZE_DAILY_PRO', 0, 1_000_000),
    },
    monthlyTokens: integer('CLOUD_LITE_ANALYZE_MONTHLY_TOKENS', 0, 1_000_000_000_000),
    timeoutMs: integer('CLOUD_LITE_ANALYZE_TIMEOUT_MS', 100, 600_000),
    maxReplyTokens: integer('CLOUD_LITE_ANALYZE_MAX_TOKENS', 16, 4096),
  };
  const given = PROVIDER_VARS.filter((name) => envText(env, name) !== null);
  if (given.length === 0) return { ...config, provider: null };
  if (given.length < PROVIDER_VARS.length) {
    const missing = PROVIDER_VARS.filter((name) => !given.includes(name));
    throw new ConfigError(`semantic analysis needs ${PROVIDER_VARS.join(', ')} together: ${missing.join(', ')} missing`);
  }
  const model = envText(env, 'ANALYZE_MODEL')!;
  if (!/^[A-Za-z0-9._:@/-]{1,128}$/.test(model)) throw new ConfigError('ANALYZE_MODEL must be a model name (letters, digits, . _ : @ / -)');
  const key = envText(env, 'ANALYZE_API_KEY')!;
  // A header value: printable ASCII only (never echoed: a key is a secret).
  if (!/^[\x21-\x7e]{1,512}$/.test(key)) throw new ConfigError('ANALYZE_API_KEY must be printable ASCII without spaces');
  return { ...config, provider: { messagesUrl: messagesUrlFrom(env)!, apiKey: new ApiKey(key), model } };
}
