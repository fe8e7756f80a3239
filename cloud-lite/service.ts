// Wires the store (openCloudStore has run its migrations), the limiter and the HTTP server into one running service, and stops it in
// order: stop accepting, let in-flight requests finish (up to a grace period), then close the
// store and the limiter. Tests start it in-process; main.ts runs it from the environment.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAnalyzer } from './analyze/analyzer.ts';
import { startAlertEvaluator } from './alerts/evaluator.ts';
import type { ServiceConfig } from './config.ts';
import { createHttpServer } from './http/server.ts';
import { openLimiter } from './limits/open.ts';
import type { Limiter } from './limits/types.ts';
import { createLogger, type Logger } from './log.ts';
import { startMailer } from './mail/mailer.ts';
import { openCloudStore } from './store/open.ts';
import type { CloudStore } from './store/types.ts';
import { createWebApp } from './web/app.ts';

export interface RunningService {
  /** http://host:port */
  url: string;
  port: number;
  store: CloudStore;
  limiter: Limiter;
  server: Server;
  /** The line printed when ready. */
  readyLine: string;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  now?: () => number;
}

export async function startService(config: ServiceConfig, options: StartOptions = {}): Promise<RunningService> {
  const log = options.log ?? createLogger();
  const onWarning = (message: string): void => log.info(message);
  const store = await openCloudStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, onWarning });
  let limiter: Limiter | null = null;
  try {
    const lim = await openLimiter({ redisUrl: config.redisUrl, onWarning });
    limiter = lim;
    const now = options.now ?? Date.now;
    // Background work off the request path: the mailer sends from the durable outbox, the
    // evaluator runs the sequence detector on what a batch stored and wakes the mailer.
    const mailer = startMailer({ store, config: config.mail, log, now });
    const alerts = startAlertEvaluator({ store, limiter: lim, log, now, onCritical: () => mailer.wake() });
    const server = createHttpServer({
      store,
      limiter: lim,
      limits: config.limits,
      timeouts: config.timeouts,
      log,
      alerts,
      analyzer: createAnalyzer({ store, config: config.analyze, log, now }),
      web: createWebApp({ store, limiter: lim, config: config.web, log, now }),
      now,
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${host}:${port}`;
    let closing: Promise<void> | null = null;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // A kept-alive connection becomes idle once its request is answered: close it then
        // rather than after the keep-alive timeout.
        server.closeIdleConnections();
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const grace = setTimeout(() => server.closeAllConnections(), config.timeouts.shutdownGraceMs);
        await stopped;
        clearInterval(sweep);
        clearTimeout(grace);
        await alerts.close();
        await mailer.close();
        await Promise.allSettled([store.close(), lim.close()]);
      })());
    return {
      url,
      port,
      store,
      limiter: lim,
      server,
      readyLine: `cloud-lite listening on ${url} (${store.kind}, ${lim.kind})`,
      close,
    };
  } catch (err) {
    await Promise.allSettled([store.close(), limiter?.close()]);
    throw err;
  }
}
