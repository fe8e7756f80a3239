// The web dashboard's settings, read and validated once.
import { ConfigError, envInteger, envText, type Env } from '../config-env.ts';

export interface WebConfig {
  /** Sessions last this long (the cookie's Max-Age and the session row's expiry). */
  sessionSeconds: number;
  /** Failed sign-ins allowed per client address, and per key id, in the window (0: no limit). */
  loginFailureLimit: number;
  loginFailureWindowMs: number;
  /**
   * Behind a reverse proxy (CLOUD_LITE_TRUST_PROXY=1): the client address is the last
   * X-Forwarded-For entry, and X-Forwarded-Proto: https marks the cookies Secure.
   */
  trustProxy: boolean;
  /** Always mark the cookies Secure (CLOUD_LITE_COOKIE_SECURE=1), e.g. TLS terminated by something that sets no header. */
  cookieSecure: boolean;
}

export const WEB_DEFAULTS = {
  CLOUD_LITE_WEB_SESSION_SECONDS: 12 * 3600,
  CLOUD_LITE_WEB_LOGIN_FAILURE_LIMIT: 10,
  CLOUD_LITE_WEB_LOGIN_FAILURE_WINDOW_MS: 15 * 60_000,
} as const;

function flag(env: Env, name: string): boolean {
  const v = envText(env, name);
  if (v === null || v === '0') return false;
  if (v === '1') return true;
  throw new ConfigError(`${name} must be 0 or 1`);
}

export function webConfigFrom(env: Env): WebConfig {
  const int = (name: keyof typeof WEB_DEFAULTS, min: number, max: number): number => envInteger(env, name, WEB_DEFAULTS[name], min, max);
  return {
    sessionSeconds: int('CLOUD_LITE_WEB_SESSION_SECONDS', 60, 30 * 86_400),
    loginFailureLimit: int('CLOUD_LITE_WEB_LOGIN_FAILURE_LIMIT', 0, 1_000_000),
    loginFailureWindowMs: int('CLOUD_LITE_WEB_LOGIN_FAILURE_WINDOW_MS', 1000, 86_400_000),
    trustProxy: flag(env, 'CLOUD_LITE_TRUST_PROXY'),
    cookieSecure: flag(env, 'CLOUD_LITE_COOKIE_SECURE'),
  };
}
