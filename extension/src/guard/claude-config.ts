// The claude_desktop_config.json snippet for the same guard, pointing at its stable copy
// (stable-copy.ts). Secrets are replaced by placeholders unless the caller passes includeSecrets
// (the command asks first, in a modal warning). Pure.
import { ENV, SECRET_ENV } from '../../../core/protocol/env.ts';

/** Managed by the editor window only: not for Claude Desktop's guard. */
const EDITOR_ONLY = new Set(['ELECTRON_RUN_AS_NODE', ENV.instanceId]);

export const placeholderFor = (name: string): string => `<paste ${name} here>`;

export function claudeDesktopConfig(guardPath: string, env: Record<string, string>, includeSecrets: boolean): string {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (EDITOR_ONLY.has(k)) continue;
    out[k] = SECRET_ENV.includes(k) && !includeSecrets ? placeholderFor(k) : v;
  }
  return JSON.stringify({ mcpServers: { warden: { command: 'node', args: [guardPath], env: out } } }, null, 2);
}
