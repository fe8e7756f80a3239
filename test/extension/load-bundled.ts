// Loads extension host modules (which import `vscode`) under plain Node for unit tests: each
// entry is bundled to CommonJS with `vscode` external, as esbuild.mjs bundles the extension,
// and required while `require('vscode')` answers the fake of fake-vscode.ts. Call restore()
// when done (the hook stays while the modules may still load lazily bundled parts).
import { mkdtempSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { makeFakeVscode } from './fake-vscode.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
type Load = (req: string, ...rest: unknown[]) => unknown;

export async function loadBundled<T extends Record<string, unknown>>(
  entries: Record<string, string>,
  fake: ReturnType<typeof makeFakeVscode> = makeFakeVscode(),
): Promise<{ modules: { [K in keyof T]: T[K] }; fake: ReturnType<typeof makeFakeVscode>; restore: () => void }> {
  const out = mkdtempSync(join(tmpdir(), 'warden-ext-unit-'));
  await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: out,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'silent',
  });
  const M = Module as unknown as { _load: Load };
  const load = M._load;
  M._load = (req: string, ...rest: unknown[]) => (req === 'vscode' ? fake.vscode : load(req, ...rest));
  const require = createRequire(import.meta.url);
  const modules = Object.fromEntries(Object.keys(entries).map((name) => [name, require(join(out, `${name}.cjs`))])) as {
    [K in keyof T]: T[K];
  };
  return {
    modules,
    fake,
    restore: () => {
      M._load = load;
      rmSync(out, { recursive: true, force: true });
    },
  };
}
