// "Copy Claude Desktop Config": the same guard for Claude Desktop, from the stable copy in the
// data dir (guard/stable-copy.ts). Keys are left out unless the user confirms a warning.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Warden } from '../context.ts';
import { claudeDesktopConfig } from '../guard/claude-config.ts';
import { STABLE_GUARD_DIR, refreshStableGuard } from '../guard/stable-copy.ts';

const WITHOUT = 'Copy without Keys';
const WITH = 'Include Keys';

export async function copyClaudeDesktopConfig(w: Warden): Promise<void> {
  let guardPath: string;
  try {
    guardPath = refreshStableGuard(join(w.extensionUri.fsPath, 'dist'), w.store.dataDir).path;
  } catch (err) {
    void vscode.window.showErrorMessage(
      `Warden: cannot copy the guard to ${w.store.dataDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
    return;
  }
  const pick = await vscode.window.showWarningMessage(
    'Copy the Claude Desktop config with your API keys?',
    {
      modal: true,
      detail:
        'With keys, the clipboard and the config file will hold your tokens in plain text (claude_desktop_config.json is not encrypted). Without keys, the config has placeholders to replace by hand.',
    },
    WITHOUT,
    WITH,
  );
  if (!pick) return;
  const env = await w.provider.fullEnv();
  await vscode.env.clipboard.writeText(claudeDesktopConfig(guardPath, env, pick === WITH));
  void vscode.window.showInformationMessage(
    `Warden: Claude Desktop config copied${pick === WITH ? ' (with keys)' : ' (replace the <paste …> placeholders)'}. It runs the guard copy in ${join(w.store.dataDir, STABLE_GUARD_DIR)}, refreshed whenever this extension updates; Node 20 or later must be on PATH.`,
  );
}

/** Keeps the stable copy current once the user made one (after activation, off its critical path). */
export function refreshGuardCopyQuietly(w: Warden): void {
  if (!existsSync(join(w.store.dataDir, STABLE_GUARD_DIR))) return;
  try {
    if (refreshStableGuard(join(w.extensionUri.fsPath, 'dist'), w.store.dataDir).copied)
      w.log.info('refreshed the guard copy for Claude Desktop');
  } catch (err) {
    w.log.warn(`cannot refresh the guard copy in the data folder: ${(err as Error).message}`);
  }
}
