// cloud-lite's configuration, from the environment only (DESIGN.md "Command line"). Every value
// is validated here, once, with a one-line reason: main.ts exits 2 on a ConfigError.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { MAX_BATCH_EVENTS, MAX_BODY_BYTES } from '../core/protocol/upload.ts';
import { analyzeConfigFrom, type AnalyzeConfig } from './analyze/config.ts';
import { ConfigError, envInteger, envText, envUrl, type Env } from './config-env.ts';
import { mailConfigFrom, type MailConfig } from './mail/config.ts';
import type { Plan } from './store/types.ts';
import { webConfigFrom, type WebConfig } from './web/config.ts';

export interface ServiceLimits {
  maxBodyBytes: number;
  maxBatchEvents: number;
  /** Events per user per UTC day, by plan. */
  dailyQuota: Record<Plan, number>;
  /** Requests per key in a sliding window. */
  burstLimit: number;
  burstWindowMs: number;
  /** Failed authentications per client address in a sliding window (0: off). */
  authFailureLimit: number;
  authFailureWindowMs: number;
}

export interface ServerTimeouts {
  /** Whole request head (slow headers): node's server.headersTimeout. */
  headersTimeoutMs: number;
  /** Whole request, body included (slow body): server.requestTimeout. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  /** How long SIGTERM waits for in-flight requests before closing their connections. */
  shutdownGraceMs: number;
}

export interface ServiceConfig {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  limits: ServiceLimits;
  timeouts: ServerTimeouts;
  mail: MailConfig;
  analyze: AnalyzeConfig;
  web: WebConfig;
}

export { ConfigError };

export const DEFAULT_DATA_DIR = join(homedir(), '.warden-cloud');

/** Env name → default, as documented in cloud-lite/README.md. */
export const LIMIT_DEFAULTS = {
  CLOUD_LITE_MAX_BODY_BYTES: MAX_BODY_BYTES,
  CLOUD_LITE_MAX_BATCH_EVENTS: MAX_BATCH_EVENTS,
  CLOUD_LITE_QUOTA_FREE: 100,
  CLOUD_LITE_QUOTA_PRO: 1000,
  CLOUD_LITE_BURST_LIMIT: 1000,
  CLOUD_LITE_BURST_WINDOW_MS: 60_000,
  CLOUD_LITE_AUTH_FAILURE_LIMIT: 100,
  CLOUD_LITE_AUTH_FAILURE_WINDOW_MS: 60_000,
  CLOUD_LITE_HEADERS_TIMEOUT_MS: 10_000,
  CLOUD_LITE_REQUEST_TIMEOUT_MS: 30_000,
  CLOUD_LITE_KEEP_ALIVE_TIMEOUT_MS: 5_000,
  CLOUD_LITE_MAX_CONNECTIONS: 1000,
  CLOUD_LITE_SHUTDOWN_GRACE_MS: 10_000,
} as const;

function integer(env: Env, name: keyof typeof LIMIT_DEFAULTS, min: number, max: number): number {
  return envInteger(env, name, LIMIT_DEFAULTS[name], min, max);
}

const set = envText;
const url = envUrl;

/** The data dir alone (the keys CLI needs no server settings). */
export function dataDirFrom(env: Env): string {
  const text = set(env, 'CLOUD_LITE_DATA_DIR');
  return text === null ? DEFAULT_DATA_DIR : resolve(text);
}

export function storeConfigFrom(env: Env): { dataDir: string; databaseUrl: string | null } {
  return { dataDir: dataDirFrom(env), databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']) };
}

export function configFromEnv(env: Env = process.env): ServiceConfig {
  const host = set(env, 'CLOUD_LITE_HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) throw new ConfigError('CLOUD_LITE_HOST must be a host name or IP address');
  const portText = set(env, 'CLOUD_LITE_PORT') ?? '8787';
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new ConfigError('CLOUD_LITE_PORT must be a port number from 0 to 65535 (0: any free port)');

  const timeouts: ServerTimeouts = {
    headersTimeoutMs: integer(env, 'CLOUD_LITE_HEADERS_TIMEOUT_MS', 100, 600_000),
    requestTimeoutMs: integer(env, 'CLOUD_LITE_REQUEST_TIMEOUT_MS', 100, 3_600_000),
    keepAliveTimeoutMs: integer(env, 'CLOUD_LITE_KEEP_ALIVE_TIMEOUT_MS', 100, 600_000),
    maxConnections: integer(env, 'CLOUD_LITE_MAX_CONNECTIONS', 1, 1_000_000),
    shutdownGraceMs: integer(env, 'CLOUD_LITE_SHUTDOWN_GRACE_MS', 0, 600_000),
  };
  // Node refuses a header timeout longer than the request timeout.
  if (timeouts.headersTimeoutMs > timeouts.requestTimeoutMs) {
    throw new ConfigError('CLOUD_LITE_HEADERS_TIMEOUT_MS must not exceed CLOUD_LITE_REQUEST_TIMEOUT_MS');
  }
  return {
    host,
    port,
    ...storeConfigFrom(env),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    limits: {
      maxBodyBytes: integer(env, 'CLOUD_LITE_MAX_BODY_BYTES', 1024, 64 * 1024 * 1024),
      maxBatchEvents: integer(env, 'CLOUD_LITE_MAX_BATCH_EVENTS', 1, 100_000),
      dailyQuota: {
        free: integer(env, 'CLOUD_LITE_QUOTA_FREE', 0, 1_000_000_000),
        pro: integer(env, 'CLOUD_LITE_QUOTA_PRO', 0, 1_000_000_000),
      },
      burstLimit: integer(env, 'CLOUD_LITE_BURST_LIMIT', 1, 1_000_000),
      burstWindowMs: integer(env, 'CLOUD_LITE_BURST_WINDOW_MS', 1000, 86_400_000),
      authFailureLimit: integer(env, 'CLOUD_LITE_AUTH_FAILURE_LIMIT', 0, 1_000_000),
      authFailureWindowMs: integer(env, 'CLOUD_LITE_AUTH_FAILURE_WINDOW_MS', 1000, 86_400_000),
    },
    timeouts,
    mail: mailConfigFrom(env),
    analyze: analyzeConfigFrom(env),
    web: webConfigFrom(env),
  };
}
