// The bundled extension (built here from extension/src/ exactly like esbuild.mjs does: the
// small activation bundle and the lazily required store bundle) activated under plain Node against a fake `vscode` (fake-vscode.ts): every contributed
// command is registered, the MCP provider hands out the guard definition with the managed env,
// secrets only at resolve time, a new version when a secret changes, and a pre-start problem
// stops the start with one error. Reports how long activate() took (not asserted).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ENV } from '../../core/protocol/index.ts';
import { makeContext, makeFakeVscode } from './fake-vscode.ts';
import { extensionBuildOptions } from '../../scripts/extension-build.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  contributes: { commands: { command: string }[]; mcpServerDefinitionProviders: { id: string }[] };
};
const TOKEN = 'shpat_' + '0123456789abcdef'.repeat(2);

type Def = { label: string; command: string; args: string[]; env: Record<string, string>; version?: string };

describe('the extension, activated against a fake vscode', () => {
  let ext: string;
  let data: string;
  let fake: ReturnType<typeof makeFakeVscode>;
  let context: ReturnType<typeof makeContext>;
  let activateMs = 0;
  let loadMs = 0;
  const load = (Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown })._load;

  before(async () => {
    ext = mkdtempSync(join(tmpdir(), 'warden-ext-'));
    data = join(ext, 'data');
    mkdirSync(join(ext, 'dist'));
    await build({ ...extensionBuildOptions, absWorkingDir: root, outdir: join(ext, 'dist'), logLevel: 'silent' });
    copyFileSync(createRequire(import.meta.url).resolve('sql.js/dist/sql-wasm.wasm'), join(ext, 'dist', 'sql-wasm.wasm'));
    writeFileSync(join(ext, 'dist', 'guard-server.js'), '');
    fake = makeFakeVscode({ dataDir: data });
    (Module as unknown as { _load: unknown })._load = (req: string, ...rest: unknown[]) =>
      req === 'vscode' ? fake.vscode : load(req, ...rest);
    context = makeContext(ext, fake.vscode);
    const t0 = performance.now();
    const mod = createRequire(import.meta.url)(join(ext, 'dist', 'extension.cjs')) as { activate: (c: unknown) => unknown };
    const t1 = performance.now();
    mod.activate(context);
    activateMs = performance.now() - t1;
    loadMs = t1 - t0;
  });

  after(() => {
    for (const d of context.subscriptions) d.dispose();
    (Module as unknown as { _load: unknown })._load = load;
    rmSync(ext, { recursive: true, force: true });
  });

  it('registers every command in package.json, both views and the provider id', (t) => {
    t.diagnostic(`loading dist/extension.cjs took ${loadMs.toFixed(1)} ms, activate() ${activateMs.toFixed(1)} ms`);
    assert.equal(manifest.main, './dist/extension.cjs');
    for (const { command } of manifest.contributes.commands) assert.ok(fake.rec.commands.has(command), `${command} registered`);
    assert.deepEqual(fake.rec.treeViews.sort(), ['warden.alerts', 'warden.audit']);
    assert.deepEqual(
      manifest.contributes.mcpServerDefinitionProviders.map((p) => p.id),
      [...fake.rec.providers.keys()],
    );
  });

  it('provides the guard definition without secrets, and resolves it with them', async () => {
    const provider = fake.rec.providers.get('warden.guard')!;
    await context.secrets.store('warden.shopify', JSON.stringify({ store: 'my-shop', token: TOKEN }));
    const [def] = (await provider['provideMcpServerDefinitions']!()) as Def[];
    assert.ok(def);
    assert.equal(def.label, 'Warden');
    assert.equal(def.command, process.execPath);
    assert.deepEqual(def.args, [join(ext, 'dist', 'guard-server.js')]);
    assert.equal(def.env['ELECTRON_RUN_AS_NODE'], '1');
    assert.equal(def.env[ENV.dataDir], data);
    assert.equal(def.env[ENV.shopifyStore], 'my-shop.myshopify.com');
    assert.ok(!JSON.stringify(def).includes(TOKEN), 'no token in the provided definition');
    const resolved = (await provider['resolveMcpServerDefinition']!(def)) as Def;
    assert.equal(resolved.env[ENV.shopifyToken], TOKEN);
    assert.match(resolved.env[ENV.instanceId]!, /^vscode-[0-9a-f]{12}$/);
  });

  it('a changed secret fires onDidChangeMcpServerDefinitions with a new version', async () => {
    const provider = fake.rec.providers.get('warden.guard')!;
    const [before] = (await provider['provideMcpServerDefinitions']!()) as Def[];
    let fired = 0;
    const sub = (provider['onDidChangeMcpServerDefinitions'] as unknown as (f: () => void) => { dispose(): void })(() => fired++);
    await context.secrets.store('warden.meta.token', 'EAA' + 'x'.repeat(40));
    for (let i = 0; i < 50 && fired === 0; i++) await new Promise((r) => setTimeout(r, 10));
    sub.dispose();
    assert.equal(fired, 1);
    const [after] = (await provider['provideMcpServerDefinitions']!()) as Def[];
    assert.notEqual(after!.version, before!.version);
  });

  it('a data folder that cannot be created stops the start with one error naming the fix', async () => {
    const provider = fake.rec.providers.get('warden.guard')!;
    writeFileSync(join(ext, 'not-a-dir'), '');
    await fake.vscode.workspace.getConfiguration().update('dataDir', join(ext, 'not-a-dir', 'sub'));
    const [def] = (await provider['provideMcpServerDefinitions']!()) as Def[];
    const before = fake.rec.messages.length;
    assert.equal(await provider['resolveMcpServerDefinition']!(def), undefined);
    const errors = fake.rec.messages.slice(before).filter((m) => m.level === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.text, /cannot use its data folder/);
    assert.deepEqual(errors[0]!.actions, ['Open Settings']);
    assert.ok(!errors[0]!.text.includes(TOKEN));
  });

  it('Pause and Resume Agent Writes go through the control file', async () => {
    await fake.vscode.workspace.getConfiguration().update('dataDir', data);
    await fake.rec.commands.get('warden.pauseWrites')!();
    const paused = JSON.parse(readFileSync(join(data, 'control.json'), 'utf8'));
    assert.equal(paused.pause.scope, 'writes');
    assert.equal(paused.pause.by, 'VS Code');
    await fake.rec.commands.get('warden.resumeWrites')!();
    assert.equal(JSON.parse(readFileSync(join(data, 'control.json'), 'utf8')).pause, null);
  });
});
