// The test's side of the helper extension (test/e2e/helper-extension): requests are files in
// <ipc>/requests, answers appear in <ipc>/results (see the extension's header comment).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const helperDir = fileURLToPath(new URL('./helper-extension/', import.meta.url));

/** Packs the helper extension into a VSIX at `out` (vsce, as for the real extension). */
export function packHelper(out: string): void {
  const vsce = join(dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out];
  const r = spawnSync(process.execPath, args, { cwd: helperDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`e2e: packing the helper extension failed: ${r.stderr || r.stdout}`);
}

export interface HelperResult {
  ok: boolean;
  error?: string;
  text?: string;
  tools?: string[];
}

export class HelperClient {
  private next = 0;
  constructor(readonly ipc: string) {
    mkdirSync(join(ipc, 'requests'), { recursive: true });
  }

  ready(): boolean {
    return existsSync(join(this.ipc, 'helper-ready'));
  }

  /** Sends a request; returns a function that reads its answer (undefined until it exists). */
  send(request: { op: 'tools' } | { op: 'invoke'; tool: string; input: unknown }): () => HelperResult | undefined {
    const file = `${Date.now()}-${this.next++}.json`;
    const tmp = join(this.ipc, `${file}.tmp`);
    writeFileSync(tmp, JSON.stringify(request));
    renameSync(tmp, join(this.ipc, 'requests', file));
    const result = join(this.ipc, 'results', file);
    return () => (existsSync(result) ? (JSON.parse(readFileSync(result, 'utf8')) as HelperResult) : undefined);
  }
}
