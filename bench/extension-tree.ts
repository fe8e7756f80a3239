// The Audit Log's first paint and activate() on a 1M-event store (issue 6: first page ≤ 300 ms
// after the view opens, activate() ≤ 50 ms): `node --import tsx bench/extension-tree.ts`, after
// `node esbuild.mjs` (it loads the built dist/extension.cjs, which requires
// dist/extension-store.cjs on first use).
//
// Each run is a fresh process: the bundle is required and activated against the fake `vscode`
// of the unit tests (test/extension/fake-vscode.ts) with `warden.dataDir` pointing straight at
// the benchmark store (.cache/bench-store-1m, built by bench/store-read.ts; nothing is copied
// and nothing is written there). Then the view "opens" as VS Code opens it: getChildren() of
// the root, getTreeItem() of each session, getChildren() + getTreeItem() of the first session
// (the newest, which is what a user looks at). The clock runs from that first getChildren()
// until the first session's events resolve, so it includes the lazy store load (requiring the
// store bundle, sql.js init, opening the store).
//
// Two moments for the view to open:
// - with activation: VS Code activates the extension because the view is shown, and asks the
//   view for its children right after activate() returns, while the store watch is starting;
// - later (3 s after activation): the watch has loaded sql.js already; for information.
// Options: --runs=N (default 9), --store=DIR (another store of the same shape, e.g. a copy
// whose newest segment a newer folder rewrote), --child (internal: one run, in the bundled copy
// of this file under .cache/bench-extension-tree/, so that no tsx hook sits in the measured process).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { AuditNode, AuditTree } from '../extension/src/views/audit-tree.ts';
import { makeContext, makeFakeVscode } from '../test/extension/fake-vscode.ts';

// The runs are this file bundled to plain JavaScript (no tsx hooks on require in the measured process).
const root = process.env['WARDEN_BENCH_ROOT'] ?? fileURLToPath(new URL('..', import.meta.url));
const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? (process.argv.includes(`--${name}`) ? '' : undefined);
const DEFAULT_STORE = join(root, '.cache', 'bench-store-1m');
const STORE = arg('store') ? resolve(arg('store')!) : DEFAULT_STORE;
const EXT = join(root, 'dist', 'extension.cjs');
const EXT_STORE = join(root, 'dist', 'extension-store.cjs');

interface Sample {
  requireMs: number;
  activateMs: number;
  /** First getChildren() of the root → the store reader open (store bundle required, sql.js initialised, store opened). */
  openMs: number;
  /** First getChildren() of the root → sessions resolved. */
  sessionsMs: number;
  /** First getChildren() of the root → the first session's events resolved (the first paint). */
  firstPageMs: number;
  /** CPU time of the process (every thread: wasm compilation runs in the background) over the same span. */
  firstPageCpuMs: number;
  sessions: number;
  events: number;
}

async function child(openAfterMs: number): Promise<Sample> {
  const fake = makeFakeVscode({ dataDir: STORE });
  const load = (Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: unknown })._load = (req: string, ...rest: unknown[]) =>
    req === 'vscode' ? fake.vscode : load(req, ...rest);
  const context = makeContext(root, fake.vscode);
  const t0 = performance.now();
  const mod = createRequire(import.meta.url)(EXT) as { activate: (c: unknown) => { reader(): Promise<unknown> } };
  const t1 = performance.now();
  const warden = mod.activate(context);
  const t2 = performance.now();
  const tree = fake.rec.treeProviders.get('warden.audit') as AuditTree | undefined;
  if (!tree) throw new Error('no warden.audit tree provider');
  if (openAfterMs > 0) await new Promise((r) => setTimeout(r, openAfterMs));

  const t3 = performance.now();
  const cpu0 = process.cpuUsage();
  let opened = 0;
  // The shared reader promise the tree is about to ask for (same tick): when it resolves, the store is open.
  void warden.reader().then(() => (opened = performance.now()));
  const roots = await tree.getChildren();
  for (const n of roots) tree.getTreeItem(n);
  const t4 = performance.now();
  const first = roots.find((n): n is AuditNode & { kind: 'session' } => n.kind === 'session');
  if (!first) throw new Error(`no session in the tree: ${JSON.stringify(roots.slice(0, 2))}`);
  const kids = await tree.getChildren(first);
  for (const n of kids) tree.getTreeItem(n);
  const t5 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const events = kids.filter((n) => n.kind === 'event').length;
  if (events === 0) throw new Error(`no events under the first session: ${JSON.stringify(kids.slice(0, 2))}`);

  for (const d of context.subscriptions) d.dispose();
  return {
    requireMs: t1 - t0,
    activateMs: t2 - t1,
    openMs: opened - t3,
    sessionsMs: t4 - t3,
    firstPageMs: t5 - t3,
    firstPageCpuMs: (cpu.user + cpu.system) / 1000,
    sessions: roots.filter((n) => n.kind === 'session').length,
    events,
  };
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `median ${med.toFixed(1)} ms (min ${s[0]!.toFixed(1)}, max ${s.at(-1)!.toFixed(1)}, n=${s.length})`;
}

/** The newest source file the extension bundles are built from, to warn about a stale dist/. */
function newestSource(): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const dir of ['extension/src', 'store/read', 'core']) walk(join(root, dir));
  return newest;
}

if (arg('child') !== undefined) {
  const s = await child(Number(arg('open-after') ?? 0));
  process.stdout.write(JSON.stringify(s));
  process.exit(0);
}

if (!existsSync(EXT) || !existsSync(EXT_STORE)) {
  console.error('dist/extension.cjs or dist/extension-store.cjs missing: run `node esbuild.mjs` first');
  process.exit(2);
}
if (statSync(EXT_STORE).mtimeMs < newestSource() || statSync(EXT).mtimeMs < newestSource()) {
  console.warn('warning: dist/ is older than extension/src, store/read or core: run `node esbuild.mjs` to measure the current code');
}
if (STORE !== DEFAULT_STORE && !existsSync(join(STORE, 'bench.json'))) {
  console.error(`${STORE} is not a benchmark store (no bench.json)`);
  process.exit(2);
}
if (!existsSync(join(STORE, 'bench.json'))) {
  console.log('building the 1M-event store (bench/store-read.ts, ~2 min)…');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/store-read.ts'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const RUNS = Math.max(7, Number(arg('runs') ?? 9));
const childScript = join(root, '.cache', 'bench-extension-tree', 'child.mjs');
mkdirSync(join(root, '.cache', 'bench-extension-tree'), { recursive: true });
await build({
  entryPoints: [fileURLToPath(import.meta.url)],
  outfile: childScript,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
function runs(openAfterMs: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [childScript, '--child', `--open-after=${openAfterMs}`, `--store=${STORE}`], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, WARDEN_BENCH_ROOT: root },
    });
    if (r.status !== 0) throw new Error(`run ${i} failed (${r.status}): ${r.stderr}`);
    out.push(JSON.parse(r.stdout) as Sample);
  }
  return out;
}

const withActivation = runs(0);
const later = runs(3000);
const s = withActivation[0]!;
console.log(
  `machine: ${cpus().length} CPUs, load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} (other processes slow every figure)`,
);
console.log(`store: ${STORE} (1,000,000 events); tree: ${s.sessions} sessions, ${s.events} events under the newest`);
console.log(`require dist/extension.cjs: ${stats(withActivation.map((x) => x.requireMs))}`);
console.log(`activate() (target ≤ 50 ms): ${stats(withActivation.map((x) => x.activateMs))}`);
console.log(
  `view opens with activation → store open (store bundle, sql.js, newest segment + journal tail): ${stats(withActivation.map((x) => x.openMs))}`,
);
console.log(`view opens with activation → sessions listed: ${stats(withActivation.map((x) => x.sessionsMs))}`);
console.log(
  `view opens with activation → first page painted (sessions + the newest session's events, target ≤ 300 ms): ${stats(withActivation.map((x) => x.firstPageMs))}`,
);
console.log(
  `  CPU time over that span (all threads; less sensitive to other load on the machine): ${stats(withActivation.map((x) => x.firstPageCpuMs))}`,
);
console.log(`view opens 3 s after activation → first page painted, for information: ${stats(later.map((x) => x.firstPageMs))}`);
