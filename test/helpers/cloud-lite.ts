// The BUILT cloud-lite (dist/cloud-lite.js, from `node esbuild.mjs`) as a real process: started
// on a chosen or free port, stopped with SIGTERM or killed with SIGKILL, and its keys CLI. For
// the scale-out and fault tests and the ingest benches, where the service must be a process of
// its own (several instances, kill -9, its own CPU).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { signRequest } from '../../core/protocol/signing.ts';

export const CLOUD_LITE_BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'cloud-lite.js');

export interface CloudLiteProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, then waits for the exit: a crash. */
  kill9(): Promise<void>;
}

export interface CloudLiteKey {
  keyId: string;
  secret: string;
  user: string;
}

/** The service's environment: the caller's settings over an empty DATABASE_URL and REDIS_URL. */
export function cloudLiteEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: '', REDIS_URL: '', CLOUD_LITE_PORT: '0', ...env };
}

function exited(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => p.once('exit', () => resolve()));
}

/** Starts the bundle and waits for its ready line (`cloud-lite listening on http://…`). */
export async function startCloudLite(
  env: Record<string, string>,
  opts: { nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<CloudLiteProcess> {
  if (!existsSync(CLOUD_LITE_BUNDLE)) throw new Error('dist/cloud-lite.js is missing: run node esbuild.mjs');
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), CLOUD_LITE_BUNDLE], {
    env: cloudLiteEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`cloud-lite did not start: ${out}`)), opts.timeoutMs ?? 20_000);
    const check = (): void => {
      const m = /cloud-lite listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) done(null, m[1]);
    };
    const onExit = (): void => done(new Error(`cloud-lite exited (${proc.exitCode ?? proc.signalCode}): ${out}`));
    function done(err: Error | null, value?: string): void {
      clearTimeout(timer);
      proc.stdout!.off('data', check);
      proc.off('exit', onExit);
      if (err) {
        proc.kill('SIGKILL');
        reject(err);
      } else resolve(value!);
    }
    proc.stdout!.on('data', check);
    proc.once('exit', onExit);
  });
  return {
    url,
    port: Number(new URL(url).port),
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited(proc);
    },
    async kill9() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited(proc);
    },
  };
}

/** `keys create` through the bundle's CLI, against the store `env` names. */
export function createKeyCli(env: Record<string, string>, user: string, plan: 'free' | 'pro' = 'pro'): CloudLiteKey {
  const r = spawnSync(
    process.execPath,
    [CLOUD_LITE_BUNDLE, 'keys', 'create', '--user', user, '--email', `${user}@example.com`, '--plan', plan],
    {
      env: cloudLiteEnv(env),
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  if (r.status !== 0) throw new Error(`keys create failed (${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim()) as { key_id: string; secret: string };
  return { keyId: out.key_id, secret: out.secret, user };
}

/** The signature headers of one request (a fresh nonce each call unless given). */
export function signFor(key: CloudLiteKey, method: string, pathWithQuery: string, body = '', extra: { nonce?: string; now?: number } = {}) {
  return signRequest({ method, pathWithQuery, body, keyId: key.keyId, secret: key.secret, ...extra });
}

/** Every event id of the key's user, by paging GET /v1/events to the end. */
export async function listAllEventIds(base: string, key: CloudLiteKey, pageSize = 500): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (;;) {
    const path: string = `/v1/events?limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await fetch(base + path, { headers: await signFor(key, 'GET', path) });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text}`);
    const page = JSON.parse(text) as { events: { id: string }[]; next_cursor: string | null };
    for (const e of page.events) ids.push(e.id);
    if (!page.next_cursor) return ids;
    cursor = page.next_cursor;
  }
}
