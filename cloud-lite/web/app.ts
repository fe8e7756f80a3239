// The read-only web dashboard: every path outside /v1/ and /healthz.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Limiter } from '../limits/types.ts';
import type { Logger } from '../log.ts';
import type { CloudStore } from '../store/types.ts';
import type { WebConfig } from './config.ts';

export interface WebAppDeps {
  store: CloudStore;
  limiter: Limiter;
  config: WebConfig;
  log: Logger;
  now: () => number;
}

/** What the request log records of a page request the app answered itself. */
export interface WebOutcome {
  status: number;
  code?: string;
}

export interface WebApp {
  /** Answers the request (it writes the response) and reports its status for the log. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<WebOutcome>;
}

export function createWebApp(_deps: WebAppDeps): WebApp {
  return {
    handle: async (_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return { status: 404, code: 'not_found' };
    },
  };
}
