// Assembles the MCP guard server: config → rules → store → control file → MCP tools, then
// serves one agent session over stdio until the client goes away, and drains the store.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { newId } from '../core/ids.ts';
import { ALERT_LOGGER, alertNotification } from '../core/protocol/notification.ts';
import type { Alert } from '../core/types.ts';
import { configSecrets, loadGuardConfig } from './config.ts';
import { ControlWatcher } from './control.ts';
import { Pacer } from './forward/pacing.ts';
import { guardedLookup } from './forward/ssrf.ts';
import { createDispatcher } from './forward/upstream.ts';
import { makeLogger, makeRedactor } from './log.ts';
import { registerTools } from './mcp/tools.ts';
import { GuardStdioTransport, routeValidatedMessages } from './mcp/transport.ts';
import type { GuardContext } from './pipeline.ts';
import { loadRuleEngine } from './rules-file.ts';
import { GuardSession } from './session.ts';
// The writer only: the store's index also exports the read side, which loads sql.js.
import { AuditStore } from '../store/writer/audit-store.ts';
import { VERSION } from './version.ts';

const INSTRUCTIONS =
  'Warden guards production APIs. Use shopify_graphql / shopify_rest for the Shopify Admin API, meta_graph for the Meta Graph/Marketing API and http_request for other allowed hosts; credentials are injected for you, never pass tokens. Every call is risk-scored and audited; deletes, webhooks, budget and permission changes are high risk. Check warden_status for alerts.';

export async function runGuardServer(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = await loadGuardConfig(env);
  const redact = makeRedactor(configSecrets(config));
  const log = makeLogger(redact);
  const instanceId = config.instanceId ?? newId();
  const rules = loadRuleEngine(config.dataDir, log);
  const store = AuditStore.open({
    dataDir: config.dataDir,
    instanceId,
    retentionDays: config.retentionDays,
    maxEvents: config.maxEvents,
    onWarning: (m) => log(`store: ${m}`),
  });
  // Off entirely without WARDEN_CLOUD_URL: no thread, no timer, no file, no sql.js, no socket.
  // With it, the uploader runs in a worker thread of its own: never on the request path.
  const uploader = config.cloud
    ? (await import('./upload/worker-host.ts')).startUploaderWorker({
        dataDir: config.dataDir,
        cloud: config.cloud,
        instanceId,
        log,
        secrets: configSecrets(config),
      })
    : null;
  // Checked on every call and by warden_status (one stat() each): no poller.
  const control = new ControlWatcher(config.dataDir, config.policy, log, { autoPause: config.autoPause });

  const server = new McpServer(
    { name: 'warden', title: 'Warden guard', version: VERSION },
    { capabilities: { logging: {} }, instructions: INSTRUCTIONS },
  );
  const session = new GuardSession(instanceId);

  const ctx: GuardContext = {
    config,
    rules,
    store,
    control,
    pacer: new Pacer(),
    dispatchers: {
      platform: createDispatcher(config.timeoutMs),
      // Only hosts named exactly in WARDEN_HTTP_ALLOW may resolve to private addresses.
      open: createDispatcher(
        config.timeoutMs,
        guardedLookup((host) => config.httpExactHosts.has(host.toLowerCase())),
      ),
    },
    redact,
    notify: (alert: Alert, pausedWrites = false) => {
      server.server
        .sendLoggingMessage({
          level: alert.severity,
          logger: ALERT_LOGGER,
          data: alertNotification(alert, pausedWrites),
        })
        .catch(() => {});
    },
    confirm: async (message) => {
      if (!server.server.getClientCapabilities()?.elicitation) return 'unsupported';
      const res = await server.server.elicitInput({
        message,
        requestedSchema: {
          type: 'object',
          properties: {
            approve: { type: 'boolean', title: 'Allow this call', description: 'Send it to the production API', default: false },
          },
          required: ['approve'],
        },
      });
      return res.action === 'accept' && res.content?.approve === true;
    },
  };

  // The uploader worker yields to the calls recorded here.
  registerTools(server, ctx, session, log, uploader?.activity ?? null);
  server.server.oninitialized = () => {
    const v = server.server.getClientVersion();
    if (v)
      session.client = redact(`${v.name}/${v.version}`)
        .replace(/[^\w .@/+:()-]/g, '')
        .slice(0, 100);
  };

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    // At most ~1 s for a batch in flight (~2 s, then the worker is terminated); the position
    // stays at the last acknowledged batch.
    await uploader?.close();
    try {
      await store.close();
    } catch (err) {
      log(`store did not close cleanly: ${(err as Error).message}`);
    }
    await Promise.allSettled([ctx.dispatchers.platform.close(), ctx.dispatchers.open.close()]);
    process.exit(code);
  };
  const transport = new GuardStdioTransport();
  transport.onclose = () => void shutdown(0);
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  await server.connect(transport);
  if (!routeValidatedMessages(transport, server.server))
    log('MCP SDK without the expected protocol entry points: messages take its slower dispatcher');
}
