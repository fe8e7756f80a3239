// A copy of the guard outside the versioned extension folder, for Claude Desktop: the extension
// folder changes name on every update (warden.warden-0.1.0 → -0.2.0), so a config pointing into
// it would break. <dataDir>/guard/ holds guard-server.js, its folder and uploader workers, the wasm, and is
// refreshed on each activation when the bundled files differ. No vscode.
import { copyFileSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const GUARD_FILES = ['guard-server.js', 'store-folder.js', 'store-uploader.js', 'sql-wasm.wasm'] as const;
export const STABLE_GUARD_DIR = 'guard';
const STAMP = 'stamp.json';

/** Size and mtime of each bundled file: cheap to compare on every activation. */
function stampOf(distDir: string): string {
  return JSON.stringify(
    GUARD_FILES.map((f) => {
      const st = statSync(join(distDir, f));
      return [f, st.size, Math.floor(st.mtimeMs)];
    }),
  );
}

/**
 * Copies the bundled guard to <dataDir>/guard/ unless the copy is current. Each file is copied to
 * a temp name and renamed, so a guard starting meanwhile sees the old or the new file, never half
 * of one. Returns the stable guard-server.js path and whether it copied.
 */
export function refreshStableGuard(distDir: string, dataDir: string): { path: string; copied: boolean } {
  const dir = join(dataDir, STABLE_GUARD_DIR);
  const path = join(dir, GUARD_FILES[0]);
  const stamp = stampOf(distDir);
  let current: string | null = null;
  try {
    current = readFileSync(join(dir, STAMP), 'utf8');
    statSync(path);
  } catch {
    current = null;
  }
  if (current === stamp) return { path, copied: false };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const f of GUARD_FILES) {
    const tmp = join(dir, `.${f}.${process.pid}.tmp`);
    copyFileSync(join(distDir, f), tmp);
    renameSync(tmp, join(dir, f));
  }
  writeFileSync(join(dir, STAMP), stamp);
  return { path, copied: true };
}
