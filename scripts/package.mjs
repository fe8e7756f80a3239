// `npm run package`: builds every bundle, packs the VSIX with @vscode/vsce (no prompts, no
// dependency scan: everything the extension runs is bundled into dist/), then checks what went
// in (scripts/vsix.mjs) and fails on a missing or unexpected file or an oversized package.
// Usage: node scripts/package.mjs [--out file.vsix] [--no-build]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listZip, vsixProblems } from './vsix.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : join(root, 'warden.vsix'));

function run(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`package: ${[cmd, ...argv].join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

if (!args.includes('--no-build')) run(process.execPath, ['esbuild.mjs']);

const vsce = join(dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');
// --no-dependencies: node_modules never ship (the bundles carry what they need).
// --allow-missing-repository: the package is proprietary and unpublished; without a
// repository URL vsce would otherwise ask on stdin. --no-rewrite-relative-links: links in the
// README stay as written (there is no public repository to point them at).
run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out]);

const listing = listZip(out);
const problems = vsixProblems(listing);
if (problems.length > 0) {
  console.error(`package: ${out} breaks the packaging rules (scripts/vsix.mjs):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`package: ${out} (${listing.bytes} bytes, ${listing.entries.length} files) passes the packaging rules`);
