// What can be checked before VS Code starts the guard, so a problem is explained once, with
// its fix, instead of a server that exits at start. Node only (no vscode): the provider turns a
// Problem into one notification with a button running `fix.command`.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { ENV } from '../../../core/protocol/env.ts';

export interface Problem {
  message: string;
  fix?: { title: string; command: string; args?: unknown[] };
}

const SETTINGS_FIX = { title: 'Open Settings', command: 'workbench.action.openSettings', args: ['@ext:warden.warden'] };

/** The data dir exists (created 0700 if missing) and this process may write in it. */
export function checkDataDir(dataDir: string): Problem | null {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK | constants.X_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return {
      message: `Warden cannot use its data folder ${dataDir} (${code}): choose a folder you can write in the "warden.dataDir" setting.`,
      fix: SETTINGS_FIX,
    };
  }
}

/**
 * Credential sets the guard would refuse at start, judged on the env it will get (the editor's
 * env with the managed variables over it). Says which variable, never its value. (Invalid
 * settings do not stop a start: settings.ts warns and uses their defaults.)
 */
export function checkGuardEnv(env: Record<string, string | undefined>): Problem | null {
  const has = (name: string) => (env[name] ?? '') !== '';
  if (has(ENV.shopifyStore) !== has(ENV.shopifyToken)) {
    return {
      message: `Warden: the Shopify store and token must be set together (${has(ENV.shopifyStore) ? ENV.shopifyToken : ENV.shopifyStore} is missing). Set both with "Warden: Set Shopify Store and Token".`,
      fix: { title: 'Set Shopify Store and Token', command: 'warden.setShopifyCredentials' },
    };
  }
  if (has(ENV.cloudUrl) && (!has(ENV.cloudKeyId) || !has(ENV.cloudSecret))) {
    return {
      message:
        'Warden: a cloud-lite URL is set but no key. Connect with "Warden: Connect to cloud-lite", or clear the "warden.cloud.url" setting.',
      fix: { title: 'Connect to cloud-lite', command: 'warden.setCloudKey' },
    };
  }
  return null;
}
