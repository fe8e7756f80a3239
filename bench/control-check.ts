// The guard checks the control file before every call (DESIGN.md "Control file"): one stat()
// compared with the last stamp, a re-read only when the file changed. This measures that
// check against a bare statSync in the same run.
// Run: node --import tsx bench/control-check.ts
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlFileReader, writeControlFile } from '../store/control/index.ts';
import { fmt, summary } from './stats.ts';

const dir = mkdtempSync(join(tmpdir(), 'warden-control-bench-'));
writeControlFile(dir, {
  version: 2,
  pause: { scope: 'writes', by: 'bench', at: Date.now(), reason: 'bench' },
  updated_at: Date.now(),
  updated_by: 'bench',
});
const reader = new ControlFileReader(dir);
reader.check();
const path = join(dir, 'control.json');

function perCallUs(fn: () => unknown, rounds = 41, per = 2_000): number[] {
  for (let i = 0; i < per; i++) fn();
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < per; i++) fn();
    out.push(Number(process.hrtime.bigint() - t0) / per / 1000);
  }
  return out;
}

// Interleaved, so machine noise hits both alike.
const check: number[] = [];
const stat: number[] = [];
for (let i = 0; i < 5; i++) {
  check.push(...perCallUs(() => reader.check()));
  stat.push(...perCallUs(() => statSync(path)));
}
const c = summary(check);
const s = summary(stat);
console.log(`control check (unchanged file)  median ${fmt(c.median, 2)} µs   p99 ${fmt(c.p99, 2)} µs`);
console.log(`bare statSync (baseline)        median ${fmt(s.median, 2)} µs   p99 ${fmt(s.p99, 2)} µs`);
console.log(`ratio check / stat              ${fmt(c.median / s.median, 2)}`);
