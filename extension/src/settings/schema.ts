// Every `warden.*` setting: its key, default and validation, in one place. Pure (no vscode), so
// the rules are unit-tested; settings.ts reads the editor's values through validateSettings().
import { DATA_DIR_NAME, DEFAULTS, HOST_PATTERN, META_API_VERSION, SHOPIFY_API_VERSION } from '../../../core/protocol/env.ts';
import { POLICY_MODES } from '../../../core/protocol/vocabulary.ts';
import type { PolicyMode } from '../../../core/protocol/vocabulary.ts';

export const NOTIFICATION_LEVELS = ['critical', 'warning', 'none'] as const;
export type NotificationLevel = (typeof NOTIFICATION_LEVELS)[number];

export interface WardenSettings {
  /** As typed ("~/.warden"); store/data-dir.ts resolves it. */
  dataDir: string;
  policy: PolicyMode;
  autoPause: boolean;
  shopifyApiVersion: string;
  metaApiVersion: string;
  /** Lower-case WARDEN_HTTP_ALLOW patterns. */
  allowedHosts: string[];
  retentionDays: number;
  maxEvents: number;
  notificationLevel: NotificationLevel;
  /** Origin of a cloud-lite service, or "" for none. */
  cloudUrl: string;
}

export const DEFAULT_DATA_DIR = `~/${DATA_DIR_NAME}`;

export const SETTING_DEFAULTS: WardenSettings = {
  dataDir: DEFAULT_DATA_DIR,
  policy: DEFAULTS.policy,
  autoPause: true,
  shopifyApiVersion: DEFAULTS.shopifyApiVersion,
  metaApiVersion: DEFAULTS.metaApiVersion,
  allowedHosts: [],
  retentionDays: DEFAULTS.retentionDays,
  maxEvents: DEFAULTS.maxEvents,
  notificationLevel: 'critical',
  cloudUrl: '',
};

/** Setting keys under `warden.` (as in package.json's contributes.configuration). */
export const SETTING_KEYS = {
  dataDir: 'dataDir',
  policy: 'policy',
  autoPause: 'autoPause',
  shopifyApiVersion: 'shopify.apiVersion',
  metaApiVersion: 'meta.apiVersion',
  allowedHosts: 'http.allowedHosts',
  retentionDays: 'retentionDays',
  maxEvents: 'maxEvents',
  notificationLevel: 'notifications.level',
  cloudUrl: 'cloud.url',
} as const satisfies Record<keyof WardenSettings, string>;

export interface ValidatedSettings {
  settings: WardenSettings;
  /** One sentence per invalid setting ("warden.policy must be …; using monitor"). */
  problems: string[];
}

/** http(s) origin; plain http only for the local machine (a cloud-lite under test). Null when invalid. */
export function normaliseCloudUrl(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && local)) return null;
  if (u.username || u.password || u.search || u.hash) return null;
  return u.origin + u.pathname.replace(/\/+$/, '');
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Reads each setting with `get` (undefined = not set) and falls back to the default for an invalid one. */
export function validateSettings(get: (key: string) => unknown): ValidatedSettings {
  const problems: string[] = [];
  const s: WardenSettings = { ...SETTING_DEFAULTS, allowedHosts: [] };
  const bad = (key: string, value: unknown, rule: string, fallback: unknown) =>
    problems.push(`warden.${key} ${rule}, not ${show(value)}; using ${show(fallback)}`);

  const str = (key: string, ok: (v: string) => boolean, rule: string, fallback: string): string => {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string' && ok(v.trim())) return v.trim();
    bad(key, v, rule, fallback);
    return fallback;
  };
  const int = (key: string, min: number, max: number, fallback: number): number => {
    const v = get(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    bad(key, v, `must be a whole number from ${min} to ${max}`, fallback);
    return fallback;
  };

  s.dataDir = str(SETTING_KEYS.dataDir, (v) => v !== '' && !v.includes('\0'), 'must be a folder path', DEFAULT_DATA_DIR);
  s.policy = str(
    SETTING_KEYS.policy,
    (v) => (POLICY_MODES as readonly string[]).includes(v),
    'must be monitor, confirm or block',
    s.policy,
  ) as PolicyMode;
  const auto = get(SETTING_KEYS.autoPause);
  if (typeof auto === 'boolean') s.autoPause = auto;
  else if (auto !== undefined && auto !== null) bad(SETTING_KEYS.autoPause, auto, 'must be true or false', true);
  s.shopifyApiVersion = str(
    SETTING_KEYS.shopifyApiVersion,
    (v) => SHOPIFY_API_VERSION.test(v),
    'must look like 2025-10 or unstable',
    s.shopifyApiVersion,
  );
  s.metaApiVersion = str(SETTING_KEYS.metaApiVersion, (v) => META_API_VERSION.test(v), 'must look like v23.0', s.metaApiVersion);
  s.retentionDays = int(SETTING_KEYS.retentionDays, 1, 3650, s.retentionDays);
  s.maxEvents = int(SETTING_KEYS.maxEvents, 1_000, 100_000_000, s.maxEvents);
  s.notificationLevel = str(
    SETTING_KEYS.notificationLevel,
    (v) => (NOTIFICATION_LEVELS as readonly string[]).includes(v),
    'must be critical, warning or none',
    s.notificationLevel,
  ) as NotificationLevel;

  const hosts = get(SETTING_KEYS.allowedHosts);
  if (Array.isArray(hosts)) {
    for (const h of hosts) {
      const p = typeof h === 'string' ? h.trim().toLowerCase() : '';
      if (HOST_PATTERN.test(p)) s.allowedHosts.push(p);
      else problems.push(`warden.${SETTING_KEYS.allowedHosts}: ${show(h)} is not a host pattern (host, *.domain, * or host:port); ignored`);
    }
  } else if (hosts !== undefined && hosts !== null) bad(SETTING_KEYS.allowedHosts, hosts, 'must be a list of host patterns', []);

  const cloud = get(SETTING_KEYS.cloudUrl);
  if (typeof cloud === 'string' && cloud.trim() !== '') {
    const url = normaliseCloudUrl(cloud);
    if (url === null) bad(SETTING_KEYS.cloudUrl, cloud, 'must be an https URL (http only for localhost)', '');
    else s.cloudUrl = url;
  } else if (cloud !== undefined && cloud !== null && cloud !== '') bad(SETTING_KEYS.cloudUrl, cloud, 'must be a URL', '');

  return { settings: s, problems };
}
