// Runs every benchmark in sequence (after `npm run build`). Figures go to stdout.
import { spawnSync } from 'node:child_process';

const benches = [
  'bench/control-check.ts',
  'bench/pipeline.ts',
  'bench/scrub.ts',
  'bench/classify.ts',
  'bench/rules.ts',
  'bench/signing.ts',
  'bench/limiter.ts',
  'bench/ingest.ts',
  'bench/web-dashboard.ts',
  'bench/alert-email.ts',
  'bench/analyze.ts',
  'bench/uploader-impact.ts',
  'bench/sequence.ts',
  'bench/overhead.ts',
  'bench/store.ts',
  'bench/store-read.ts',
  'bench/extension-tree.ts',
  'bench/guard-store.ts',
  'bench/guard-footprint.ts',
];
for (const b of benches) {
  console.log(`\n=== ${b}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', b], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
