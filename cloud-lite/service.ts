// Wires the store (openCloudStore has run its migrations), the limiter and the HTTP server into one running service, and stops it in
// order: stop accepting, let in-flight requests finish (up to a grace period), then close the
// store and the limiter. Tests start it in-process; main.ts runs it from the environment.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceConfig } from './config.ts';
import { createHttpServer } from './http/server.ts';
import { openLimiter } from './limits/open.ts';
import type { Limiter } from './limits/types.ts';
import { createLogger, type Logger } from './log.ts';
import { openCloudStore } from './store/open.ts';
import type { CloudStore } from './store/types.ts';

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
    const server = createHttpServer({
      store,
      limiter: lim,
      limits: config.limits,
      timeouts: config.timeouts,
      log,
      ...(options.now ? { now: options.now } : {}),
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
