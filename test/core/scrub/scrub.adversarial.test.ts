// Liveness on adversarial input: each 1 MB input is scrubbed in its own child process, which
// must finish within a generous wall bound (catastrophic backtracking would take hours, not
// seconds) and produce the right output. Not a timing assertion: the bound only catches hangs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { ADVERSARIAL_INPUTS } from './adversarial-inputs.ts';

const WALL_BOUND_MS = 10_000;
const PARALLEL = 2; // the machine has two cores

// The child is bundled once to plain JavaScript so each process starts in milliseconds
// instead of loading the TypeScript toolchain thirty times.
const workDir = mkdtempSync(join(tmpdir(), 'warden-scrub-adversarial-'));
const child = join(workDir, 'adversarial-child.mjs');
before(async () => {
  await build({
    entryPoints: [fileURLToPath(new URL('./adversarial-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: child,
    logLevel: 'silent',
  });
});
after(() => rmSync(workDir, { recursive: true, force: true }));

interface Verdict {
  family: string;
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function runChild(index: number): Promise<Verdict> {
  const family = ADVERSARIAL_INPUTS[index]?.family ?? String(index);
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [child, String(index)], {
      timeout: WALL_BOUND_MS,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('close', (code, signal) => resolve({ family, code, signal, stdout, stderr }));
  });
}

async function runAll(): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ADVERSARIAL_INPUTS.length) {
      const index = next++;
      verdicts[index] = await runChild(index);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return verdicts;
}

test('every 1 MB adversarial input is scrubbed correctly within the wall bound', { timeout: 300_000 }, async () => {
  assert.ok(ADVERSARIAL_INPUTS.length >= 20);
  const verdicts = await runAll();
  for (const v of verdicts) {
    assert.equal(v.signal, null, `${v.family}: killed after ${WALL_BOUND_MS} ms (catastrophic backtracking?)`);
    assert.equal(v.code, 0, `${v.family}: exited ${v.code}: ${v.stderr}`);
    const result = JSON.parse(v.stdout) as { problem: string | null; ms: number };
    assert.equal(result.problem, null, `${v.family}: ${result.problem}`);
  }
});
