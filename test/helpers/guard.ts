// Test harness: launches the BUILT guard (dist/guard-server.js) over stdio with the MCP SDK's
// own Client, as an editor would, and collects its notifications and stderr.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parseToolResultHeader, type ToolResultHeader } from '../../core/protocol/tool-result.ts';
import { AlertNotificationSchema, type AlertNotification } from '../../core/protocol/notification.ts';
import { explainAuditEvent, parseAlert, parseAuditEvent, type Alert, type AuditEvent } from '../../core/protocol/event.ts';

export const GUARD = join(import.meta.dirname, '..', '..', 'dist', 'guard-server.js');

export interface GuardAlertNotice {
  level: string;
  data: AlertNotification;
}

export interface GuardHandle {
  client: Client;
  notifications: GuardAlertNotice[];
  stderr: () => string;
  pid: number;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** The guard's environment for a session against local stand-ins (what an editor would set). */
export function guardEnv(opts: {
  dataDir: string;
  shopify?: { shop: string; url: string; token: string };
  meta?: { url: string; token: string };
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    WARDEN_DATA_DIR: opts.dataDir,
    ...(opts.shopify
      ? { WARDEN_SHOPIFY_STORE: opts.shopify.shop, WARDEN_SHOPIFY_TOKEN: opts.shopify.token, WARDEN_SHOPIFY_BASE_URL: opts.shopify.url }
      : {}),
    ...(opts.meta ? { WARDEN_META_TOKEN: opts.meta.token, WARDEN_META_BASE_URL: opts.meta.url } : {}),
    ...opts.extra,
  };
}

export function tempDir(prefix = 'warden-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startGuard(
  env: Record<string, string>,
  opts: { capabilities?: Record<string, unknown>; name?: string; nodeArgs?: string[] } = {},
): Promise<GuardHandle> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [...(opts.nodeArgs ?? []), GUARD], env, stderr: 'pipe' });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const client = new Client({ name: opts.name ?? 'warden-test', version: '1.0.0' }, { capabilities: opts.capabilities ?? {} });
  const notifications: GuardAlertNotice[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    // Every notification must match the wire contract: a drift fails here, in every e2e test.
    notifications.push({ level: n.params.level, data: AlertNotificationSchema.parse(n.params.data) });
  });
  await client.connect(transport);
  return {
    client,
    notifications,
    stderr: () => err,
    pid: transport.pid!,
    call: async (name, args) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: () => client.close(),
  };
}

/** The JSON header block of a tool result ({status, headers, warden}), validated against the wire contract. */
export function meta(result: CallToolResult): ToolResultHeader {
  const first = result.content[0];
  if (!first || first.type !== 'text') throw new Error('tool result has no text block');
  return parseToolResultHeader(first.text);
}

export function bodyText(result: CallToolResult): string {
  const second = result.content[1];
  if (!second || second.type !== 'text') throw new Error('tool result has no body block');
  return second.text;
}

export function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** Waits until the guard process has exited (the client closing stdin ends it). */
export async function waitExit(pid: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`guard ${pid} did not exit within ${timeoutMs} ms`);
}

/** `audit --json` output: one event per line, each validated against the wire contract (a drift fails here). */
export function auditEvents(ndjson: string): AuditEvent[] {
  return ndjson
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const value: unknown = JSON.parse(line);
      const event = parseAuditEvent(value);
      if (event === null) throw new Error(`not an audit event (${explainAuditEvent(value)}): ${line.slice(0, 200)}`);
      return event;
    });
}

/** `audit --alerts --json` output, validated likewise. */
export function auditAlerts(ndjson: string): Alert[] {
  return ndjson
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const alert = parseAlert(JSON.parse(line));
      if (alert === null) throw new Error(`not an alert: ${line.slice(0, 200)}`);
      return alert;
    });
}
