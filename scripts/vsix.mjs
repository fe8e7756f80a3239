// What the VSIX may hold, and the check `npm run package` and test/extension/package.test.ts
// run on the built file: the bundles in dist/, the manifest, README, CHANGELOG, LICENSE and
// the icon; no sources, tests, source maps or node_modules; at most MAX_VSIX_BYTES.
import { readFileSync } from 'node:fs';

export const MAX_VSIX_BYTES = 3 * 1024 * 1024;

/** Entries every VSIX must hold (paths inside the zip). */
export const REQUIRED_ENTRIES = [
  'extension.vsixmanifest',
  '[Content_Types].xml',
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/extension/icon.png',
  'extension/dist/extension.cjs',
  'extension/dist/extension-store.cjs', // the store side, loaded on first use
  'extension/dist/extension-control.cjs', // the control file's writer, loaded when the user changes it
  'extension/dist/guard-server.js',
  'extension/dist/store-folder.js',
  'extension/dist/store-uploader.js',
  'extension/dist/sql-wasm.wasm',
];

// Besides the required entries: the dashboard page's bundle, the manifest's resources (view
// icons) and the README's screenshots. Everything else is unexpected. Maps never ship (they hold the sources).
const ALLOWED_PATTERNS = [
  /^extension\/dist\/webview\/[\w./-]+\.(js|css|ttf|woff2?)$/,
  /^extension\/resources\/[\w.-]+\.(svg|png)$/,
  /^extension\/docs\/screenshots\/[\w.-]+\.png$/,
];

/** The file names and sizes in a zip, read from its central directory. */
export function listZip(path) {
  const zip = readFileSync(path);
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${path} is not a zip file (no end-of-central-directory record)`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${path}: broken central directory at entry ${i}`);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    entries.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), size });
    at += 46 + skip;
  }
  return { bytes: zip.length, entries };
}

/** The reasons a VSIX listing breaks the rules (empty when it is fine). */
export function vsixProblems({ bytes, entries }) {
  const problems = [];
  if (bytes > MAX_VSIX_BYTES) problems.push(`the VSIX is ${bytes} bytes, over the ${MAX_VSIX_BYTES}-byte limit`);
  const names = new Set(entries.map((e) => e.name));
  for (const required of REQUIRED_ENTRIES) if (!names.has(required)) problems.push(`missing ${required}`);
  if (![...names].some((n) => n.startsWith('extension/dist/webview/')))
    problems.push('missing the dashboard page (extension/dist/webview/)');
  for (const name of names) {
    if (REQUIRED_ENTRIES.includes(name)) continue;
    if (name.endsWith('.map')) problems.push(`source map shipped: ${name}`);
    else if (!ALLOWED_PATTERNS.some((p) => p.test(name))) problems.push(`unexpected file: ${name}`);
  }
  return problems;
}
