// The guard's environment as the extension manages it: credentials from SecretStorage and the
// settings, named by core/protocol ENV. Only managed variables are returned; VS Code merges them
// over the editor's own environment, so everything else (e.g. WARDEN_SHOPIFY_BASE_URL pointing
// at a local stand-in) passes through unchanged. Pure.
import { createHash } from 'node:crypto';
import { CREDENTIAL_COMMAND_SUFFIX, ENV, SECRET_ENV } from '../../../core/protocol/env.ts';
import type { Credentials } from '../secrets/credentials.ts';
import type { WardenSettings } from '../settings/schema.ts';

export interface GuardEnvInput {
  credentials: Credentials;
  settings: WardenSettings;
  /** The resolved data dir (absolute). */
  dataDir: string;
  /** This window's guard instance id (alerts carry it). */
  instanceId: string;
  /** The editor's environment: WARDEN_HTTP_ALLOW there is kept and extended, not replaced. */
  baseEnv?: Record<string, string | undefined>;
}

export function buildGuardEnv(input: GuardEnvInput): Record<string, string> {
  const { credentials: c, settings: s } = input;
  const env: Record<string, string> = {
    // Desktop VS Code and Cursor run extensions in Electron: process.execPath then starts Node only with this.
    ELECTRON_RUN_AS_NODE: '1',
    [ENV.dataDir]: input.dataDir,
    [ENV.policy]: s.policy,
    [ENV.autoPause]: s.autoPause ? 'on' : 'off',
    [ENV.shopifyApiVersion]: s.shopifyApiVersion,
    [ENV.metaApiVersion]: s.metaApiVersion,
    [ENV.retentionDays]: String(s.retentionDays),
    [ENV.maxEvents]: String(s.maxEvents),
    [ENV.instanceId]: input.instanceId,
  };
  if (c.shopify) {
    env[ENV.shopifyStore] = c.shopify.store;
    env[ENV.shopifyToken] = c.shopify.token;
  }
  if (c.metaToken) env[ENV.metaToken] = c.metaToken;

  const hosts = Object.keys(c.http);
  const inherited = (input.baseEnv?.[ENV.httpAllow] ?? '').split(/[\s,]+/).filter(Boolean);
  const allow = [...new Set([...inherited, ...s.allowedHosts, ...hosts])];
  if (allow.length > 0) env[ENV.httpAllow] = allow.join(',');
  if (hosts.length > 0) env[ENV.httpCredentials] = JSON.stringify(c.http);

  if (s.cloudUrl !== '' && c.cloud) {
    env[ENV.cloudUrl] = s.cloudUrl;
    env[ENV.cloudKeyId] = c.cloud.keyId;
    env[ENV.cloudSecret] = c.cloud.secret;
  }
  // A secret from SecretStorage wins over a `…_COMMAND` in the editor's own environment (the
  // guard refuses both set): an empty command is unset.
  for (const name of SECRET_ENV) if (name in env) env[name + CREDENTIAL_COMMAND_SUFFIX] = '';
  return env;
}

/** The env without its secrets: what may be handed to VS Code before the server starts (it may cache definitions). */
export function withoutSecrets(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_ENV.includes(k)));
}

/** A digest of the whole env (kept in memory only): a change means the definition changed. */
export function envDigest(env: Record<string, string>): string {
  const h = createHash('sha256');
  for (const k of Object.keys(env).sort()) h.update(`${k}\0${env[k]}\0`);
  return h.digest('hex');
}
