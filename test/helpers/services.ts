// Real PostgreSQL and Redis servers for the tests, private to one test file: Debian's
// binaries (installed by scripts/setup-test-deps.sh), a fresh cluster or dump-less Redis in a
// temp dir, on a free loopback port. Nothing shared with the machine's own services.
//
// PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user
// (spawned with its uid and gid, so signals reach the postmaster itself); as any other user it
// runs as that user.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function pgBin(name: string): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) {
    const p = join(base, v, 'bin', name);
    if (existsSync(p)) return p;
  }
  throw new Error(`PostgreSQL's ${name} is missing: run scripts/setup-test-deps.sh (apt-get install postgresql)`);
}

/** As root: the uid and gid of the `postgres` user, which owns the cluster. */
function owner(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string): number => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!(uid > 0 && gid > 0)) throw new Error('running as root needs the postgres user (apt-get install postgresql creates it)');
  return { uid, gid };
}

function run(bin: string, args: string[]): void {
  const r = spawnSync(pgBin(bin), args, { encoding: 'utf8', ...owner() });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

export interface PostgresServer {
  /** postgres://…@127.0.0.1:port/postgres */
  url: string;
  port: number;
  /** A new, empty database on this server; its URL. */
  createDatabase(name: string): string;
  /** Stops the server (fast shutdown), keeping its files. */
  stop(): Promise<void>;
  /** SIGKILL to the postmaster, as a crash would. */
  kill9(): Promise<void>;
  start(): Promise<void>;
  /** Stops and deletes everything. */
  destroy(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'warden-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'warden', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  let proc: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    proc = spawn(
      pgBin('postgres'),
      ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...owner() },
    );
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()).slice(-4000));
    for (let i = 0; i < 200; i++) {
      const r = spawnSync(pgBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]);
      if (r.status === 0) return;
      if (proc.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
      await sleep(50);
    }
    throw new Error(`postgres did not start: ${stderr}`);
  };
  const waitExit = async (): Promise<void> => {
    const p = proc;
    if (p === null || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise((resolve) => p.once('exit', resolve));
  };
  await start();
  const url = `postgres://warden@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const r = spawnSync(pgBin('psql'), [url, '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${name}`], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`CREATE DATABASE ${name}: ${r.stderr}`);
      return `postgres://warden@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      proc?.kill('SIGINT');
      await waitExit();
    },
    async kill9() {
      proc?.kill('SIGKILL');
      await waitExit();
      // Backends die with their postmaster; the next start recovers from the WAL.
      await sleep(200);
    },
    start,
    async destroy() {
      proc?.kill('SIGINT');
      await waitExit();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const bin = '/usr/bin/redis-server';
  if (!existsSync(bin)) throw new Error('redis-server is missing: run scripts/setup-test-deps.sh (apt-get install redis-server)');
  const dir = mkdtempSync(join(tmpdir(), 'warden-redis-'));
  const port = await freePort();
  let proc: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 200; i++) {
      if (out.includes('Ready to accept connections')) return;
      if (proc.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
      await sleep(25);
    }
    throw new Error(`redis-server did not start: ${out}`);
  };
  await start();
  const stop = async (): Promise<void> => {
    const p = proc;
    if (p === null || p.exitCode !== null || p.signalCode !== null) return;
    p.kill('SIGKILL');
    await new Promise((resolve) => p.once('exit', resolve));
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
