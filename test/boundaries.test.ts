// The part boundaries from DESIGN.md "The parts", checked on what esbuild actually bundles
// (its metafile), in the spirit of the MCP TypeScript SDK's test that fails when a browser
// entry pulls in Node-only code. The TypeScript projects (core has no Node or DOM types) and
// the `no-restricted-imports` lint rule catch most mistakes earlier; this test also sees what
// dependencies pull in, and the import chain that brought a forbidden module in.
//
//   (a) core is pure: no Node builtin and no I/O, in core or in what it imports;
//   (b) the store's read side (the extension and the CLI use it, as CommonJS) bundles no
//       guard, writer or dev code and neither the MCP SDK nor undici;
//   (c) the webview (browser) bundles no Node builtin, no guard or store code, no MCP SDK;
//   (d) the extension does not bundle the MCP server;
//   (e) cloud-lite shares only core with the other parts (no guard, store, extension or dev
//       code, no MCP SDK), and the guard bundles none of cloud-lite's server-side packages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform, type BuildOptions, type Metafile, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

// ---- Helpers ------------------------------------------------------------------------------

/** All *.ts files under a folder (repo-relative, forward slashes), declaration files excluded. */
function tsFiles(dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.d.ts'))
    .map((d) => relative(root, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
function isBuiltin(path: string): boolean {
  return path.startsWith('node:') || BUILTINS.has(path) || BUILTINS.has(path.split('/')[0]!);
}

/**
 * For platforms where esbuild does not know Node builtins (neutral, browser) it would fail on
 * the first one with a generic resolve error; this marks them external instead, so the test
 * can list every one with the chain that imports it.
 */
const builtinsExternal: Plugin = {
  name: 'builtins-external',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (isBuiltin(args.path) ? { path: args.path, external: true } : undefined));
  },
};

async function bundle(entryPoints: string[], options: BuildOptions): Promise<Metafile> {
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    bundle: true,
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'silent',
    ...options,
  });
  assert.ok(result.metafile, 'esbuild returned a metafile');
  return result.metafile;
}

interface Offence {
  /** What is forbidden: a builtin name or a bundled input path. */
  what: string;
  /** entry → … → the module that imports it. */
  chain: string[];
}

/** The forbidden modules reachable from the entries, each with the shortest import chain leading to it. */
function offences(meta: Metafile, entries: string[], forbidden: (path: string, external: boolean) => boolean): Offence[] {
  const found = new Map<string, Offence>();
  const parent = new Map<string, string | null>();
  const queue: string[] = [];
  for (const e of entries) {
    if (!parent.has(e)) {
      parent.set(e, null);
      queue.push(e);
    }
  }
  const chainTo = (input: string): string[] => {
    const chain: string[] = [];
    for (let at: string | null | undefined = input; at != null; at = parent.get(at)) chain.unshift(at);
    return chain;
  };
  while (queue.length > 0) {
    const input = queue.shift()!;
    if (forbidden(input, false)) {
      // Reported where the forbidden code starts; what it imports in turn is its own business.
      if (!found.has(input)) found.set(input, { what: input, chain: chainTo(input) });
      continue;
    }
    for (const imp of meta.inputs[input]?.imports ?? []) {
      if (imp.external) {
        if (forbidden(imp.path, true) && !found.has(imp.path)) found.set(imp.path, { what: imp.path, chain: chainTo(input) });
      } else if (!parent.has(imp.path)) {
        parent.set(imp.path, input);
        queue.push(imp.path);
      }
    }
  }
  return [...found.values()];
}

function report(offending: Offence[], rule: string): string {
  return `${rule}:\n${offending.map((o) => `  ${o.what}\n    via ${o.chain.join(' → ')}`).join('\n')}`;
}

const under =
  (...prefixes: string[]) =>
  (path: string): boolean =>
    prefixes.some((p) => path.startsWith(p));

// ---- (a) core --------------------------------------------------------------------------------

/** Packages core may bundle: pure code, no I/O. Add one only after checking that it is. */
const CORE_PACKAGES = ['zod', 'graphql', 'ulid', 'libphonenumber-js'];

/**
 * Host globals that do I/O or belong to one platform. Core's TypeScript project has no Node
 * or DOM types, so these fail to typecheck there already; this catches the untyped ways round
 * it (`(globalThis as any).process`, a `declare`).
 */
const IO_GLOBALS = [
  'process',
  'Buffer',
  'require',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'EventSource',
  'navigator',
  'document',
  'window',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'caches',
  'importScripts',
  'Deno',
  'Bun',
];

function packageOf(input: string): string | null {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return m ? m[1]! : null;
}

describe('core: pure, no Node and no I/O', () => {
  const entries = [...new Set(['core/protocol/index.ts', ...tsFiles('core')])];
  const neutral: BuildOptions = {
    platform: 'neutral',
    format: 'esm',
    splitting: true, // shared modules once, not once per entry: ~2× faster here
    // The neutral platform reads no main fields by default; packages without "exports" need them.
    mainFields: ['module', 'main'],
    plugins: [builtinsExternal],
  };
  let all: Promise<Metafile> | undefined;
  /** Every core module, bundled once for the checks below. */
  const bundleAll = () => (all ??= bundle(entries, neutral));

  it('bundles every core module for a neutral platform without a Node builtin', async () => {
    assert.ok(entries.length > 10, `core modules found: ${entries.length}`);
    const meta = await bundleAll();
    const bad = offences(meta, entries, (path, external) => external && isBuiltin(path));
    assert.deepEqual(bad, [], report(bad, 'core imports Node builtins'));
  });

  it('the wire contract (core/protocol) bundles on its own without a Node builtin', async () => {
    const meta = await bundle(['core/protocol/index.ts'], neutral);
    const bad = offences(meta, ['core/protocol/index.ts'], (path, external) => external && isBuiltin(path));
    assert.deepEqual(bad, [], report(bad, 'core/protocol imports Node builtins'));
  });

  it('pulls in only core itself and the pure packages it is allowed', async () => {
    const meta = await bundleAll();
    const bad = offences(meta, entries, (path, external) => {
      if (external) return true; // nothing may stay unresolved: every import is bundled and checked
      if (path.startsWith('core/')) return false;
      const pkg = packageOf(path);
      return pkg === null || !CORE_PACKAGES.includes(pkg);
    });
    assert.deepEqual(bad, [], report(bad, `core bundles something other than core/ and ${CORE_PACKAGES.join(', ')}`));
  });

  it('core sources use no I/O or platform globals', async () => {
    const meta = await bundleAll();
    const sources = Object.keys(meta.inputs).filter((p) => p.startsWith('core/') && p.endsWith('.ts'));
    assert.ok(sources.length > 10, `core sources bundled: ${sources.length}`);
    const uses: string[] = [];
    for (const file of sources) {
      for (const g of await ioGlobalsIn(readFileSync(join(root, file), 'utf8'))) uses.push(`${file}: ${g}`);
    }
    assert.deepEqual(uses, [], `core uses I/O or platform globals:\n  ${uses.join('\n  ')}`);
  });
});

const IO_DEFINE: Record<string, string> = Object.fromEntries(
  IO_GLOBALS.flatMap((g) => [
    [g, `__IO_GLOBAL_${g}__`],
    [`globalThis.${g}`, `__IO_GLOBAL_${g}__`],
  ]),
);

/**
 * The I/O globals a TypeScript source refers to. esbuild's define replaces only free
 * references (not locals, parameters or properties of other objects), so a marker in the
 * output is a real use of the global.
 */
async function ioGlobalsIn(source: string): Promise<string[]> {
  const { code } = await transform(source, { loader: 'ts', define: IO_DEFINE });
  return [...new Set([...code.matchAll(/__IO_GLOBAL_(\w+?)__/g)].map((m) => m[1]!))];
}

// ---- (b) store read side -----------------------------------------------------------------------

describe('store read side: no server, writer or dev code', () => {
  it('store/read/index.ts bundled for Node as CommonJS pulls in no guard, writer, dev code, MCP SDK or undici', async () => {
    const entry = 'store/read/index.ts';
    const meta = await bundle([entry], { platform: 'node', format: 'cjs', target: 'node20' });
    assert.ok(meta.inputs[entry], 'the entry was bundled');
    const bad = offences(
      meta,
      [entry],
      under('guard-server/', 'store/writer/', 'devtools/', 'node_modules/@modelcontextprotocol/sdk/', 'node_modules/undici/'),
    );
    assert.deepEqual(bad, [], report(bad, 'the store read side bundles server, writer or dev code'));
  });
});

// ---- (c) webview and (d) extension: checked once their sources exist ----------------------------

describe('extension: no MCP server, and a webview with no Node or server code', () => {
  const webviewEntries = tsFiles('extension/webview');
  it('webview entries bundled for the browser pull in no Node builtin, guard, store or MCP SDK', async (t) => {
    if (webviewEntries.length === 0) {
      t.skip('no extension/webview/**/*.ts yet: nothing to check until the webview lands');
      return;
    }
    const meta = await bundle(webviewEntries, { platform: 'browser', format: 'esm', plugins: [builtinsExternal] });
    const bad = offences(
      meta,
      webviewEntries,
      (path, external) => (external && isBuiltin(path)) || under('guard-server/', 'store/', 'node_modules/@modelcontextprotocol/')(path),
    );
    assert.deepEqual(bad, [], report(bad, 'the webview bundles Node, guard, store or MCP code'));
  });

  const extensionEntry = 'extension/src/extension.ts';
  it('the extension entry does not bundle the MCP server', async (t) => {
    if (!existsSync(join(root, extensionEntry))) {
      t.skip(`no ${extensionEntry} yet: nothing to check until the extension lands`);
      return;
    }
    const meta = await bundle([extensionEntry], { platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] });
    const bad = offences(meta, [extensionEntry], under('guard-server/', 'node_modules/@modelcontextprotocol/sdk/'));
    assert.deepEqual(bad, [], report(bad, 'the extension bundles the MCP server'));
  });
});

// ---- (e) cloud-lite and the guard: they meet only in core/protocol -----------------------------

describe('cloud-lite: shares only core with the other parts', () => {
  it('cloud-lite/main.ts bundles no guard, store, extension or dev code and no MCP SDK', async () => {
    const entry = 'cloud-lite/main.ts';
    const meta = await bundle([entry], { platform: 'node', format: 'esm', target: 'node20', external: ['better-sqlite3', 'pg-native'] });
    assert.ok(meta.inputs[entry], 'the entry was bundled');
    const bad = offences(
      meta,
      [entry],
      under('guard-server/', 'store/', 'extension/', 'devtools/', 'node_modules/@modelcontextprotocol/sdk/'),
    );
    assert.deepEqual(bad, [], report(bad, 'cloud-lite bundles code of another part'));
    assert.ok(
      Object.keys(meta.inputs).some((p) => p.startsWith('core/protocol/')),
      'cloud-lite should use the wire contract from core/protocol',
    );
  });

  it('the guard bundles no cloud-lite code, database or Redis client', async () => {
    const entry = 'guard-server/main.ts';
    const meta = await bundle([entry], { platform: 'node', format: 'esm', target: 'node20' });
    const bad = offences(
      meta,
      [entry],
      (path) =>
        under('cloud-lite/', 'node_modules/better-sqlite3/', 'node_modules/pg/', 'node_modules/@redis/', 'node_modules/redis/')(path) ||
        path === 'better-sqlite3' ||
        path === 'pg' ||
        path === 'redis',
    );
    assert.deepEqual(bad, [], report(bad, 'the guard bundles cloud-lite code'));
  });
});

// ---- The checks can see what they forbid --------------------------------------------------------

describe('boundary checks see forbidden code where it belongs', () => {
  // If esbuild's metafile paths changed shape, the checks above would pass vacuously: the
  // guard bundle must show every kind of module they look for.
  it('the guard bundle shows the MCP SDK, undici, guard, writer code and Node builtins', async () => {
    const entry = 'guard-server/main.ts';
    const meta = await bundle([entry], { platform: 'node', format: 'esm', target: 'node20' });
    const seen = (prefix: string) => offences(meta, [entry], under(prefix)).length > 0;
    for (const prefix of ['guard-server/', 'store/writer/', 'node_modules/@modelcontextprotocol/sdk/', 'node_modules/undici/']) {
      assert.ok(seen(prefix), `the guard bundle should include ${prefix}`);
    }
    const builtins = offences(meta, [entry], (path, external) => external && isBuiltin(path));
    assert.ok(builtins.length > 0, 'the guard bundle should import Node builtins');
  });

  it('a Node builtin imported in a neutral bundle is reported with its import chain', async () => {
    const meta = await bundle([], {
      stdin: {
        contents: "import { readFileSync } from 'node:fs'; export const f = readFileSync;",
        sourcefile: 'probe.ts',
        loader: 'ts',
        resolveDir: root,
      },
      platform: 'neutral',
      format: 'esm',
      plugins: [builtinsExternal],
    });
    const bad = offences(meta, ['probe.ts'], (path, external) => external && isBuiltin(path));
    assert.deepEqual(bad, [{ what: 'node:fs', chain: ['probe.ts'] }]);
  });

  it('a use of an I/O global is found, a local of the same name is not', async () => {
    const probe =
      'export const a = process.env.X; export const b = (globalThis as any).fetch; export function c(Buffer: string) { return Buffer; }';
    assert.deepEqual((await ioGlobalsIn(probe)).sort(), ['fetch', 'process']);
  });
});
