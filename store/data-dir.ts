// Where the audit store, the control file and user rules live: WARDEN_DATA_DIR when set and not
// empty, else ~/.warden. The guard, its CLI and the extension all resolve it here, so an empty
// variable never makes one of them read the current folder while another uses ~/.warden.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { DATA_DIR_NAME, ENV } from '../core/protocol/env.ts';

export function defaultDataDir(): string {
  return join(homedir(), DATA_DIR_NAME);
}

/** An explicit folder (a CLI flag or a setting) wins; then WARDEN_DATA_DIR; then ~/.warden. "~/x" is expanded. */
export function resolveDataDir(explicit?: string | null, env: Record<string, string | undefined> = process.env): string {
  const raw = [explicit, env[ENV.dataDir]].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  if (raw === undefined) return defaultDataDir();
  const dir = raw.trim();
  if (dir === '~' || dir.startsWith('~/')) return join(homedir(), dir.slice(1));
  return isAbsolute(dir) ? dir : resolve(dir);
}
